// Shape rules of MatMul and ConvTranspose.

#include <fmt/format.h>

#include <algorithm>

#include "ir/shape_rules.h"

namespace edgebench::ir::shape_rules {

Shape InferMatMul(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 2, 2);
  ExpectNoAttrs(node);
  const Shape& a = InputShape(graph, node, 0);
  const Shape& b = InputShape(graph, node, 1);
  if (a.empty() || b.empty()) {
    Fail(node, fmt::format("operands {} and {} must have at least one dim", ShapeToString(a),
                           ShapeToString(b)));
  }
  // NumPy: a 1-D left operand is a row [1, K], a 1-D right operand a column [K, 1], and the
  // dim added by that promotion is dropped from the result.
  const Shape rows = a.size() == 1 ? Shape{1, a[0]} : a;
  const Shape columns = b.size() == 1 ? Shape{b[0], 1} : b;
  const int64_t k = rows.back();
  if (columns[columns.size() - 2] != k) {
    Fail(node, fmt::format("inner dims differ: {} has K = {}, {} has K = {}", ShapeToString(a), k,
                           ShapeToString(b), columns[columns.size() - 2]));
  }
  const Shape batch_a(rows.begin(), rows.end() - 2);
  const Shape batch_b(columns.begin(), columns.end() - 2);
  Shape out;
  try {
    out = BroadcastShapes(batch_a, batch_b);
  } catch (const GraphError&) {
    Fail(node, fmt::format("batch dims of {} and {} do not broadcast", ShapeToString(a),
                           ShapeToString(b)));
  }
  if (a.size() > 1) out.push_back(rows[rows.size() - 2]);
  if (b.size() > 1) out.push_back(columns.back());
  return out;
}

Shape InferConvTranspose(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 2, 3);
  const auto& attrs = AttrsOf<ConvTransposeAttrs>(node);
  const Shape& x = InputShape(graph, node, 0);
  const Shape& w = InputShape(graph, node, 1);
  const size_t rank = SpatialRank(node, x);
  if (w.size() != x.size()) {
    Fail(node,
         fmt::format("weight {} does not match input {}", ShapeToString(w), ShapeToString(x)));
  }
  CheckPerSpatial(node, attrs.strides, rank, "stride", 1);
  CheckPerSpatial(node, attrs.dilations, rank, "dilation", 1);
  CheckPerSpatial(node, attrs.pads_begin, rank, "padding", 0);
  CheckPerSpatial(node, attrs.pads_end, rank, "padding", 0);
  CheckPerSpatial(node, attrs.output_padding, rank, "output_padding", 0);
  if (attrs.groups < 1 || attrs.groups > kMaxDim) {
    Fail(node, fmt::format("groups {} is invalid", attrs.groups));
  }
  const int64_t in_channels = x[1];
  if (w[0] != in_channels) {
    Fail(node, fmt::format("channel mismatch: input has {} channels, weight {} expects {}",
                           in_channels, ShapeToString(w), w[0]));
  }
  if (in_channels % attrs.groups != 0) {
    Fail(node,
         fmt::format("{} input channels not divisible by groups {}", in_channels, attrs.groups));
  }
  if (w[1] < 1 || w[1] > kMaxDim / attrs.groups) {
    Fail(node, fmt::format("weight {} with groups {} gives an invalid output channel count",
                           ShapeToString(w), attrs.groups));
  }
  const int64_t out_channels = w[1] * attrs.groups;
  if (node.inputs.size() == 3 && InputShape(graph, node, 2) != Shape{out_channels}) {
    Fail(node, fmt::format("bias {} does not match {} output channels",
                           ShapeToString(InputShape(graph, node, 2)), out_channels));
  }
  Shape out{x[0], out_channels};
  for (size_t i = 0; i < rank; ++i) {
    const int64_t in = x[2 + i];
    const int64_t kernel = w[2 + i];
    const int64_t stride = attrs.strides[i];
    const int64_t dilation = attrs.dilations[i];
    // Larger output padding would add rows no input position reaches (ONNX, PyTorch).
    if (attrs.output_padding[i] >= std::max(stride, dilation)) {
      Fail(node, fmt::format("output_padding {} must be smaller than stride {} or dilation {}",
                             attrs.output_padding[i], stride, dilation));
    }
    if (in < 1 || in > kMaxDim || kernel < 1 || kernel > kMaxDim) {
      Fail(node,
           fmt::format("input extent {} or kernel {} of spatial dim {} is invalid", in, kernel, i));
    }
    // Every term is at most 2^31 * 2^31, so the sum stays below 2^63.
    const int64_t extent = (in - 1) * stride - attrs.pads_begin[i] - attrs.pads_end[i] +
                           dilation * (kernel - 1) + attrs.output_padding[i] + 1;
    if (extent < 1 || extent > kMaxDim) {
      Fail(node, fmt::format("output extent {} of spatial dim {} is invalid", extent, i));
    }
    out.push_back(extent);
  }
  return out;
}

}  // namespace edgebench::ir::shape_rules
