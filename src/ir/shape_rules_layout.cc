// Shape rules of the data movement ops: Transpose, Slice, Squeeze, Unsqueeze, Pad, Gather.

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "ir/shape_rules.h"

namespace edgebench::ir::shape_rules {

Shape InferTranspose(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const auto& perm = AttrsOf<TransposeAttrs>(node).perm;
  const Shape& x = InputShape(graph, node, 0);
  if (perm.empty()) return Shape(x.rbegin(), x.rend());
  if (perm.size() != x.size()) {
    Fail(node, fmt::format("perm has {} entries for {} dims", perm.size(), x.size()));
  }
  const auto rank = static_cast<int64_t>(x.size());
  std::vector<bool> seen(x.size(), false);
  Shape out;
  for (int64_t source : perm) {
    if (source < 0 || source >= rank || seen[static_cast<size_t>(source)]) {
      Fail(node, fmt::format("perm {} is not a permutation of {} dims", ShapeToString(perm), rank));
    }
    seen[static_cast<size_t>(source)] = true;
    out.push_back(x[static_cast<size_t>(source)]);
  }
  return out;
}

Shape InferSlice(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const auto& attrs = AttrsOf<SliceAttrs>(node);
  Shape out;
  for (const SliceDim& dim : Slice(node, attrs, InputShape(graph, node, 0))) {
    out.push_back(dim.count);
  }
  return out;
}

Shape InferSqueeze(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const auto& axes = AttrsOf<AxesAttrs>(node).axes;
  const Shape& x = InputShape(graph, node, 0);
  std::vector<bool> dropped(x.size(), false);
  if (axes.empty()) {
    for (size_t d = 0; d < x.size(); ++d) dropped[d] = x[d] == 1;
  }
  for (int64_t axis : Axes(node, axes, x.size())) {
    if (x[static_cast<size_t>(axis)] != 1) {
      Fail(node,
           fmt::format("cannot squeeze dim {} of {}: its size is not 1", axis, ShapeToString(x)));
    }
    dropped[static_cast<size_t>(axis)] = true;
  }
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    if (!dropped[d]) out.push_back(x[d]);
  }
  return out;
}

Shape InferUnsqueeze(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const auto& axes = AttrsOf<AxesAttrs>(node).axes;
  const Shape& x = InputShape(graph, node, 0);
  if (axes.empty()) Fail(node, "needs at least one axis");
  // As in ONNX, the axes are positions in the output, whose rank they extend.
  const size_t out_rank = x.size() + axes.size();
  std::vector<bool> inserted(out_rank, false);
  for (int64_t axis : Axes(node, axes, out_rank)) inserted[static_cast<size_t>(axis)] = true;
  Shape out;
  auto next_input_dim = x.begin();
  for (size_t d = 0; d < out_rank; ++d) out.push_back(inserted[d] ? 1 : *next_input_dim++);
  return out;
}

Shape InferPad(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const auto& attrs = AttrsOf<PadAttrs>(node);
  const Shape& x = InputShape(graph, node, 0);
  if (attrs.pads_begin.size() != x.size() || attrs.pads_end.size() != x.size()) {
    Fail(node, fmt::format("{} begin and {} end pads for {} dims", attrs.pads_begin.size(),
                           attrs.pads_end.size(), x.size()));
  }
  Shape out = x;
  for (size_t d = 0; d < x.size(); ++d) {
    const int64_t begin = attrs.pads_begin[d];
    const int64_t end = attrs.pads_end[d];
    if (begin == 0 && end == 0) continue;
    if (begin < 0 || end < 0 || begin > kMaxDim || end > kMaxDim) {
      Fail(node, fmt::format("pads {} and {} of dim {} are invalid", begin, end, d));
    }
    if (x[d] > kMaxDim - begin - end) {
      Fail(node,
           fmt::format("padded dim {} ({} + {} + {}) exceeds {}", d, x[d], begin, end, kMaxDim));
    }
    // Reflection mirrors around the edge element, so it needs more elements than the pad;
    // edge mode needs one element to repeat.
    if (attrs.mode == PadMode::kReflect && (begin >= x[d] || end >= x[d])) {
      Fail(node, fmt::format("reflect pads {} and {} need dim {} to be larger than both, it is {}",
                             begin, end, d, x[d]));
    }
    if (attrs.mode == PadMode::kEdge && x[d] == 0) {
      Fail(node, fmt::format("edge padding of dim {}, which is empty", d));
    }
    out[d] = x[d] + begin + end;
  }
  return out;
}

Shape InferGather(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const auto& attrs = AttrsOf<GatherAttrs>(node);
  const Shape& x = InputShape(graph, node, 0);
  if (x.empty()) Fail(node, "cannot gather from a scalar");
  const auto axis = static_cast<size_t>(Axis(node, attrs.axis, x.size()));
  for (int64_t dim : attrs.indices_shape) {
    if (dim < 0 || dim > kMaxDim) {
      Fail(node, fmt::format("indices shape {} is invalid", ShapeToString(attrs.indices_shape)));
    }
  }
  const int64_t index_count =
      CheckedElementCount(node, attrs.indices_shape, std::numeric_limits<int64_t>::max());
  if (static_cast<uint64_t>(index_count) != attrs.indices.size()) {
    Fail(node, fmt::format("{} indices for indices shape {}", attrs.indices.size(),
                           ShapeToString(attrs.indices_shape)));
  }
  const int64_t extent = x[axis];
  for (int64_t index : attrs.indices) {
    // Negative indices count from the end, as in ONNX.
    if (index < -extent || index >= extent) {
      Fail(node, fmt::format("index {} out of range for dim {} of size {}", index, axis, extent));
    }
  }
  Shape out(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(axis));
  out.insert(out.end(), attrs.indices_shape.begin(), attrs.indices_shape.end());
  out.insert(out.end(), x.begin() + static_cast<std::ptrdiff_t>(axis) + 1, x.end());
  return out;
}

}  // namespace edgebench::ir::shape_rules
