#include "ir/shape_inference.h"

#include <fmt/format.h>

#include <limits>

#include "ir/shape_rules.h"

namespace edgebench::ir {
namespace {

using shape_rules::AttrsOf;
using shape_rules::Axis;
using shape_rules::CheckPerSpatial;
using shape_rules::ExpectInputCount;
using shape_rules::Fail;
using shape_rules::InputShape;
using shape_rules::kMaxDim;
using shape_rules::SpatialRank;

Shape InferConv(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 2, 3);
  const auto& attrs = AttrsOf<ConvAttrs>(node);
  const Shape& x = InputShape(graph, node, 0);
  const Shape& w = InputShape(graph, node, 1);
  size_t rank = SpatialRank(node, x);
  if (w.size() != x.size()) {
    Fail(node,
         fmt::format("weight {} does not match input {}", ShapeToString(w), ShapeToString(x)));
  }
  CheckPerSpatial(node, attrs.strides, rank, "stride", 1);
  CheckPerSpatial(node, attrs.dilations, rank, "dilation", 1);
  CheckPerSpatial(node, attrs.pads_begin, rank, "padding", 0);
  CheckPerSpatial(node, attrs.pads_end, rank, "padding", 0);
  if (attrs.groups < 1) Fail(node, fmt::format("groups {} is invalid", attrs.groups));
  int64_t in_channels = x[1];
  int64_t out_channels = w[0];
  if (in_channels % attrs.groups != 0 || out_channels % attrs.groups != 0) {
    Fail(node, fmt::format("channels in {} / out {} not divisible by groups {}", in_channels,
                           out_channels, attrs.groups));
  }
  if (w[1] * attrs.groups != in_channels) {
    Fail(node, fmt::format("channel mismatch: input has {} channels, weight {} expects {} "
                           "(groups {})",
                           in_channels, ShapeToString(w), w[1] * attrs.groups, attrs.groups));
  }
  if (node.inputs.size() == 3) {
    const Shape& b = InputShape(graph, node, 2);
    if (b != Shape{out_channels}) {
      Fail(node, fmt::format("bias {} does not match {} output channels", ShapeToString(b),
                             out_channels));
    }
  }
  Shape out{x[0], out_channels};
  for (size_t i = 0; i < rank; ++i) {
    int64_t kernel = w[2 + i];
    int64_t extent = x[2 + i] + attrs.pads_begin[i] + attrs.pads_end[i];
    int64_t window = attrs.dilations[i] * (kernel - 1) + 1;
    if (extent < window) {
      Fail(node, fmt::format("kernel {} (dilation {}) larger than padded input {} in dim {}",
                             kernel, attrs.dilations[i], extent, i));
    }
    out.push_back((extent - window) / attrs.strides[i] + 1);
  }
  return out;
}

Shape InferPool(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const auto& attrs = AttrsOf<PoolAttrs>(node);
  const Shape& x = InputShape(graph, node, 0);
  size_t rank = SpatialRank(node, x);
  CheckPerSpatial(node, attrs.kernel, rank, "kernel", 1);
  CheckPerSpatial(node, attrs.strides, rank, "stride", 1);
  CheckPerSpatial(node, attrs.pads_begin, rank, "padding", 0);
  CheckPerSpatial(node, attrs.pads_end, rank, "padding", 0);
  Shape out{x[0], x[1]};
  for (size_t i = 0; i < rank; ++i) {
    if (attrs.pads_begin[i] >= attrs.kernel[i] || attrs.pads_end[i] >= attrs.kernel[i]) {
      Fail(node, "padding must be smaller than the kernel");
    }
    const int64_t extent = x[2 + i] + attrs.pads_begin[i] + attrs.pads_end[i];
    const int64_t stride = attrs.strides[i];
    // Ceil mode (Caffe, ONNX, PyTorch) rounds the window count up, so a window may hang
    // over the end of the input; one that would start past the input and its begin
    // padding is dropped.
    const int64_t span = extent - attrs.kernel[i] + (attrs.ceil_mode ? stride - 1 : 0);
    int64_t count = span < 0 ? 0 : span / stride + 1;
    if (attrs.ceil_mode && count > 0 && (count - 1) * stride >= x[2 + i] + attrs.pads_begin[i]) {
      --count;
    }
    if (count < 1) {
      Fail(node, fmt::format("kernel {} larger than padded input {} in dim {}", attrs.kernel[i],
                             extent, i));
    }
    out.push_back(count);
  }
  return out;
}

Shape InferBatchNorm(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 5, 5);
  const Shape& x = InputShape(graph, node, 0);
  if (x.size() < 2) Fail(node, fmt::format("input {} has no channel dim", ShapeToString(x)));
  for (size_t i = 1; i < 5; ++i) {
    if (InputShape(graph, node, i) != Shape{x[1]}) {
      Fail(node, fmt::format("parameter '{}' {} does not match {} channels",
                             graph.value(node.inputs[i]).name,
                             ShapeToString(InputShape(graph, node, i)), x[1]));
    }
  }
  if (AttrsOf<BatchNormAttrs>(node).epsilon <= 0.0f) Fail(node, "epsilon must be positive");
  return x;
}

Shape InferFullyConnected(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 2, 3);
  const Shape& x = InputShape(graph, node, 0);
  const Shape& w = InputShape(graph, node, 1);
  if (x.size() != 2) Fail(node, fmt::format("expects a 2-D input, got {}", ShapeToString(x)));
  if (w.size() != 2 || w[1] != x[1]) {
    Fail(node, fmt::format("weight {} does not match input {} (features mismatch)",
                           ShapeToString(w), ShapeToString(x)));
  }
  if (node.inputs.size() == 3 && InputShape(graph, node, 2) != Shape{w[0]}) {
    Fail(node, fmt::format("bias {} does not match {} outputs",
                           ShapeToString(InputShape(graph, node, 2)), w[0]));
  }
  return {x[0], w[0]};
}

Shape InferConcat(const Graph& graph, const Node& node) {
  if (node.inputs.empty()) Fail(node, "needs at least one input");
  Shape out = InputShape(graph, node, 0);
  const auto axis = static_cast<size_t>(Axis(node, AttrsOf<ConcatAttrs>(node).axis, out.size()));
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    const Shape& s = InputShape(graph, node, i);
    bool compatible = s.size() == out.size();
    for (size_t d = 0; compatible && d < s.size(); ++d) {
      if (d != axis && s[d] != out[d]) compatible = false;
    }
    if (!compatible) {
      Fail(node, fmt::format("input {} is {}, incompatible with {} along axis {}", i,
                             ShapeToString(s), ShapeToString(InputShape(graph, node, 0)), axis));
    }
    out[axis] += s[axis];
  }
  return out;
}

Shape InferFlatten(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const Shape& x = InputShape(graph, node, 0);
  // ONNX Flatten counts a negative axis from the rank (-1 splits off the last dim), unlike
  // NormalizeAxis(allow_end), which counts it from rank + 1 as insertion positions do.
  const auto rank = static_cast<int64_t>(x.size());
  int64_t signed_axis = AttrsOf<FlattenAttrs>(node).axis;
  if (signed_axis < 0) signed_axis += rank;
  if (signed_axis < 0 || signed_axis > rank) {
    Fail(node,
         fmt::format("axis {} out of range for rank {}", AttrsOf<FlattenAttrs>(node).axis, rank));
  }
  const auto axis = static_cast<size_t>(signed_axis);
  int64_t outer = 1;
  int64_t inner = 1;
  for (size_t d = 0; d < x.size(); ++d) (d < axis ? outer : inner) *= x[d];
  return {outer, inner};
}

Shape InferReshape(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const Shape& x = InputShape(graph, node, 0);
  const auto& target = AttrsOf<ReshapeAttrs>(node).shape;
  Shape out;
  int64_t known = 1;
  int inferred_at = -1;
  for (size_t d = 0; d < target.size(); ++d) {
    int64_t dim = target[d];
    if (dim == 0) {
      if (d >= x.size()) Fail(node, "0 in target shape refers past the input rank");
      dim = x[d];
    } else if (dim == -1) {
      if (inferred_at >= 0) Fail(node, "more than one -1 in target shape");
      inferred_at = static_cast<int>(d);
      out.push_back(1);
      continue;
    } else if (dim < 0 || dim > kMaxDim) {
      Fail(node, fmt::format("invalid target dim {}", dim));
    }
    out.push_back(dim);
    known *= dim;
  }
  int64_t total = ElementCount(x);
  if (inferred_at >= 0) {
    if (known == 0 || total % known != 0) {
      Fail(node, fmt::format("cannot reshape {} into {}", ShapeToString(x), ShapeToString(target)));
    }
    out[static_cast<size_t>(inferred_at)] = total / known;
  } else if (known != total) {
    Fail(node, fmt::format("cannot reshape {} ({} elements) into {}", ShapeToString(x), total,
                           ShapeToString(out)));
  }
  return out;
}

Shape InferUpsample(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const Shape& x = InputShape(graph, node, 0);
  size_t rank = SpatialRank(node, x);
  const auto& scales = AttrsOf<UpsampleAttrs>(node).scales;
  CheckPerSpatial(node, scales, rank, "scale", 1);
  Shape out = x;
  for (size_t i = 0; i < rank; ++i) {
    if (x[2 + i] > kMaxDim / scales[i]) Fail(node, "upsampled size too large");
    out[2 + i] *= scales[i];
  }
  return out;
}

Shape InferUnary(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  return InputShape(graph, node, 0);
}

Shape InferSoftmax(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const Shape& x = InputShape(graph, node, 0);
  Axis(node, AttrsOf<SoftmaxAttrs>(node).axis, x.size());
  return x;
}

Shape InferLrn(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const Shape& x = InputShape(graph, node, 0);
  SpatialRank(node, x);
  const auto& attrs = AttrsOf<LrnAttrs>(node);
  if (attrs.size < 1 || attrs.size % 2 == 0) Fail(node, "size must be a positive odd number");
  return x;
}

Shape InferGlobalAvgPool(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const Shape& x = InputShape(graph, node, 0);
  size_t rank = SpatialRank(node, x);
  Shape out{x[0], x[1]};
  out.insert(out.end(), rank, 1);
  return out;
}

}  // namespace

Shape InferNodeOutputShape(const Graph& graph, const Node& node) {
  switch (node.op) {
    case OpKind::kConv:
      return InferConv(graph, node);
    case OpKind::kBatchNorm:
      return InferBatchNorm(graph, node);
    case OpKind::kRelu:
    case OpKind::kRelu6:
    case OpKind::kSigmoid:
      return InferUnary(graph, node);
    case OpKind::kLeakyRelu:
      AttrsOf<LeakyReluAttrs>(node);
      return InferUnary(graph, node);
    case OpKind::kSoftmax:
      return InferSoftmax(graph, node);
    case OpKind::kMaxPool:
    case OpKind::kAvgPool:
      return InferPool(graph, node);
    case OpKind::kGlobalAvgPool:
      return InferGlobalAvgPool(graph, node);
    case OpKind::kFullyConnected:
      return InferFullyConnected(graph, node);
    case OpKind::kConcat:
      return InferConcat(graph, node);
    case OpKind::kFlatten:
      return InferFlatten(graph, node);
    case OpKind::kReshape:
      return InferReshape(graph, node);
    case OpKind::kUpsampleNearest:
      return InferUpsample(graph, node);
    case OpKind::kLrn:
      return InferLrn(graph, node);
    case OpKind::kAdd:
    case OpKind::kSub:
    case OpKind::kMul:
    case OpKind::kDiv:
    case OpKind::kPow:
    case OpKind::kMaximum:
    case OpKind::kMinimum:
      return shape_rules::InferBinary(graph, node);
    case OpKind::kHardSwish:
    case OpKind::kSilu:
    case OpKind::kTanh:
    case OpKind::kExp:
    case OpKind::kLog:
    case OpKind::kSqrt:
    case OpKind::kAbs:
    case OpKind::kNeg:
    case OpKind::kErf:
      return shape_rules::InferUnaryElementwise(graph, node);
    case OpKind::kHardSigmoid:
      return shape_rules::InferHardSigmoid(graph, node);
    case OpKind::kGelu:
      return shape_rules::InferGelu(graph, node);
    case OpKind::kClip:
      return shape_rules::InferClip(graph, node);
    case OpKind::kReduceMean:
    case OpKind::kReduceSum:
    case OpKind::kReduceMax:
      return shape_rules::InferReduce(graph, node);
    case OpKind::kLayerNorm:
      return shape_rules::InferLayerNorm(graph, node);
    case OpKind::kTranspose:
      return shape_rules::InferTranspose(graph, node);
    case OpKind::kSlice:
      return shape_rules::InferSlice(graph, node);
    case OpKind::kSqueeze:
      return shape_rules::InferSqueeze(graph, node);
    case OpKind::kUnsqueeze:
      return shape_rules::InferUnsqueeze(graph, node);
    case OpKind::kPad:
      return shape_rules::InferPad(graph, node);
    case OpKind::kGather:
      return shape_rules::InferGather(graph, node);
    case OpKind::kMatMul:
      return shape_rules::InferMatMul(graph, node);
    case OpKind::kConvTranspose:
      return shape_rules::InferConvTranspose(graph, node);
    case OpKind::kResize:
      return shape_rules::InferResize(graph, node);
  }
  Fail(node, "unknown op");
}

void InferShapes(Graph& graph) {
  for (NodeId id : graph.ExecutionOrder()) {
    const Node& node = graph.node(id);
    Shape shape = InferNodeOutputShape(graph, node);
    // Bytes (up to 16 per element) must fit in int64 wherever they are counted.
    shape_rules::CheckedElementCount(node, shape, std::numeric_limits<int64_t>::max() / 16);
    graph.mutable_value(node.outputs.front()).shape = std::move(shape);
  }
}

}  // namespace edgebench::ir
