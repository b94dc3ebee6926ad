#include "backends/xnnpack/node_support.h"

#include <fmt/format.h>
#include <xnnpack.h>

#include <algorithm>
#include <string>
#include <variant>

#include "backends/xnnpack/layout.h"
#include "ir/op_semantics.h"

namespace edgebench::backends::xnnpack {
namespace {

Support Refuse(std::string reason) { return {false, std::move(reason)}; }

bool IsConstant(const ir::Graph& graph, ir::ValueId id) {
  return graph.value(id).kind == ir::ValueKind::kConstant;
}

size_t RankOf(const ir::Graph& graph, ir::ValueId id) { return graph.value(id).shape.size(); }

Support Absent(std::string_view what) {
  return Refuse(fmt::format("this XNNPACK (2022-02) has no {} node", what));
}

Support NeedsImage(const ir::Graph& graph, const ir::Node& node, std::string_view what) {
  if (RankOf(graph, node.inputs.front()) != 4) {
    return Refuse(fmt::format("XNNPACK's {} is 2-D (NHWC) only; the input is {}", what,
                              ir::ShapeToString(graph.value(node.inputs.front()).shape)));
  }
  return {};
}

Support NeedsConstants(const ir::Graph& graph, const ir::Node& node, size_t first) {
  for (size_t i = first; i < node.inputs.size(); ++i) {
    if (!IsConstant(graph, node.inputs[i])) {
      return Refuse(
          fmt::format("parameter '{}' is computed at run time; XNNPACK takes static "
                      "weights only",
                      graph.value(node.inputs[i]).name));
    }
  }
  return {};
}

Support ConvSupport(const ir::Graph& graph, const ir::Node& node) {
  Support support = NeedsImage(graph, node, "convolution");
  if (support.supported) support = NeedsConstants(graph, node, 1);
  return support;
}

Support ConvTransposeSupport(const ir::Graph& graph, const ir::Node& node) {
  Support support = NeedsImage(graph, node, "deconvolution");
  if (support.supported) support = NeedsConstants(graph, node, 1);
  if (!support.supported) return support;
  const auto& attrs = std::get<ir::ConvTransposeAttrs>(node.attrs);
  for (size_t i = 0; i < attrs.output_padding.size(); ++i) {
    if (attrs.output_padding[i] >= attrs.strides[i]) {
      return Refuse(
          fmt::format("output padding {} not below the stride {}: XNNPACK's "
                      "deconvolution adjustment must be",
                      attrs.output_padding[i], attrs.strides[i]));
    }
  }
  return {};
}

Support PoolSupport(const ir::Graph& graph, const ir::Node& node) {
  Support support = NeedsImage(graph, node, "pooling");
  if (!support.supported) return support;
  const auto& attrs = std::get<ir::PoolAttrs>(node.attrs);
  if (attrs.kernel[0] * attrs.kernel[1] == 1) {
    return Refuse("a 1x1 pooling window: XNNPACK rejects single-element pooling");
  }
  const bool padded = std::any_of(attrs.pads_begin.begin(), attrs.pads_begin.end(),
                                  [](int64_t pad) { return pad > 0; }) ||
                      std::any_of(attrs.pads_end.begin(), attrs.pads_end.end(),
                                  [](int64_t pad) { return pad > 0; });
  if (node.op == ir::OpKind::kAvgPool && attrs.count_include_pad && padded) {
    return Refuse(
        "count_include_pad with padding: XNNPACK's average pooling (TensorFlow semantics) "
        "divides by the number of input elements in the window, never counting padding");
  }
  return {};
}

Support SoftmaxSupport(const ir::Graph& graph, const ir::Node& node) {
  const size_t rank = RankOf(graph, node.inputs.front());
  const int64_t axis = ir::NormalizeAxis(std::get<ir::SoftmaxAttrs>(node.attrs).axis, rank);
  const int64_t innermost = rank == 4 ? 1 : static_cast<int64_t>(rank) - 1;
  if (axis != innermost) {
    return Refuse(
        fmt::format("softmax over axis {} of a rank-{} tensor: XNNPACK normalizes the "
                    "innermost stored dim only ({} here)",
                    axis, rank, rank == 4 ? "channels, NHWC" : "the last"));
  }
  return {};
}

Support BinarySupport(const ir::Graph& graph, const ir::Node& node) {
  const size_t rank = RankOf(graph, node.outputs.front());
  if (IsConstant(graph, node.inputs[0]) && IsConstant(graph, node.inputs[1])) {
    return Refuse("both operands are constants (nothing to compute at run time)");
  }
  for (ir::ValueId operand : node.inputs) {
    if (rank == 4 && !IsConstant(graph, operand) && RankOf(graph, operand) != 4) {
      return Refuse(fmt::format(
          "a rank-{} activation broadcast against a 4-D one: NumPy aligns it with the NCHW "
          "dims, which the NHWC tensors XNNPACK holds do not reproduce",
          RankOf(graph, operand)));
    }
  }
  return {};
}

Support ReshapeSupport(const ir::Graph& graph, const ConsumerIndex& consumers,
                       const ir::Node& node) {
  const ir::Shape& from = graph.value(node.inputs.front()).shape;
  const ir::Shape& to = graph.value(node.outputs.front()).shape;
  if (ReshapeKeepsOrder(from, to)) return {};
  const std::string change =
      fmt::format("{} -> {}", ir::ShapeToString(from), ir::ShapeToString(to));
  if (!IsPerSampleFlatten(from, to)) {
    return Refuse(
        fmt::format("reshape {} reorders elements between NCHW and XNNPACK's NHWC "
                    "layout, and this XNNPACK has no transpose node",
                    change));
  }
  // Only fully connected layers (which permute their weight columns to match) may read the
  // NHWC-ordered flatten; the message names the first reader that is not one.
  const ir::ValueId flat = node.outputs.front();
  const auto& outputs = graph.outputs();
  std::string other_reader;
  if (std::find(outputs.begin(), outputs.end(), flat) != outputs.end()) {
    other_reader = "it is a graph output";
  }
  for (ir::NodeId reader : consumers[static_cast<size_t>(flat)]) {
    const ir::Node& consumer = graph.node(reader);
    const bool absorbs = consumer.op == ir::OpKind::kFullyConnected &&
                         consumer.inputs.front() == flat &&
                         std::count(consumer.inputs.begin(), consumer.inputs.end(), flat) == 1;
    if (!absorbs && other_reader.empty()) {
      other_reader = fmt::format("node '{}' ({}) reads it", consumer.name, ir::OpName(consumer.op));
    }
  }
  if (!other_reader.empty()) {
    return Refuse(
        fmt::format("flatten {} of an NHWC tensor is exact only when fully connected "
                    "layers alone read it (they permute their weight columns); {}",
                    change, other_reader));
  }
  return {};
}

Support PadSupport(const ir::Node& node) {
  if (std::get<ir::PadAttrs>(node.attrs).mode != ir::PadMode::kConstant) {
    return Refuse("reflect/edge padding: this XNNPACK pads with a constant only");
  }
  return {};
}

Support ReduceMeanSupport(const ir::Graph& graph, const ir::Node& node) {
  const ir::Shape& x = graph.value(node.inputs.front()).shape;
  const auto& attrs = std::get<ir::ReduceAttrs>(node.attrs);
  if (x.size() == 4 && ir::NormalizeAxes(attrs.axes, 4) == std::vector<int64_t>{2, 3}) return {};
  return Refuse(
      "mean over other than both spatial dims of a 4-D tensor: this XNNPACK has only "
      "global average pooling");
}

Support MatMulSupport(const ir::Graph& graph, const ir::Node& node) {
  const size_t a_rank = RankOf(graph, node.inputs[0]);
  if (IsConstant(graph, node.inputs[0]) || !IsConstant(graph, node.inputs[1]) ||
      RankOf(graph, node.inputs[1]) != 2 || a_rank < 2 || a_rank > 3) {
    return Refuse(
        "only an activation [M, K] or [B, M, K] times a constant [K, N] maps to "
        "XNNPACK's fully connected node (no batch matrix multiply in this version)");
  }
  return {};
}

Support ResizeSupport(const ir::Graph& graph, const ir::Node& node) {
  const auto& attrs = std::get<ir::ResizeAttrs>(node.attrs);
  if (attrs.mode != ir::ResizeMode::kLinear) {
    return Refuse("nearest-neighbour resize: this XNNPACK only resizes bilinearly");
  }
  Support support = NeedsImage(graph, node, "bilinear resize");
  if (!support.supported) return support;
  const ir::Shape& x = graph.value(node.inputs.front()).shape;
  const ir::Shape& y = graph.value(node.outputs.front()).shape;
  if (x[0] != y[0] || x[1] != y[1]) return Refuse("resizes the batch or channel dim");
  if (attrs.coordinates == ir::ResizeCoordinates::kAlignCorners) return {};
  for (size_t d = 2; d < 4; ++d) {
    // XNNPACK maps coordinates with input / output extents, the IR with the model's scale.
    if (static_cast<double>(x[d]) * attrs.scales[d] != static_cast<double>(y[d])) {
      return Refuse(
          fmt::format("scale {} is not output / input extent ({} / {}): XNNPACK "
                      "derives its coordinate mapping from the extents",
                      attrs.scales[d], y[d], x[d]));
    }
    if (attrs.coordinates == ir::ResizeCoordinates::kPytorchHalfPixel && y[d] == 1) {
      return Refuse(
          "pytorch_half_pixel resize to a single row or column (coordinate 0): "
          "XNNPACK's half-pixel mapping differs there");
    }
  }
  return {};
}

Support OpSupport(const ir::Graph& graph, const ConsumerIndex& consumers, const ir::Node& node) {
  switch (node.op) {
    case ir::OpKind::kConv:
      return ConvSupport(graph, node);
    case ir::OpKind::kConvTranspose:
      return ConvTransposeSupport(graph, node);
    case ir::OpKind::kBatchNorm:
      if (IsAbsorbed(graph, consumers, node)) return {};
      if (RankOf(graph, node.inputs.front()) < 2) return Refuse("batch norm of a rank-1 tensor");
      return NeedsConstants(graph, node, 1);
    case ir::OpKind::kClip: {
      const auto& attrs = std::get<ir::ClipAttrs>(node.attrs);
      if (!(attrs.min < attrs.max))
        return Refuse(
            "clip with min >= max: XNNPACK's clamp needs "
            "min < max");
      return {};
    }
    case ir::OpKind::kRelu:
    case ir::OpKind::kRelu6:
    case ir::OpKind::kLeakyRelu:
    case ir::OpKind::kSigmoid:
    case ir::OpKind::kHardSigmoid:
    case ir::OpKind::kHardSwish:
    case ir::OpKind::kSilu:
    case ir::OpKind::kSqrt:
    case ir::OpKind::kAbs:
    case ir::OpKind::kNeg:
      return {};
    case ir::OpKind::kTanh:
      return Absent("tanh");
    case ir::OpKind::kExp:
      return Absent("exp");
    case ir::OpKind::kLog:
      return Absent("log");
    case ir::OpKind::kErf:
    case ir::OpKind::kGelu:
      return Absent("erf / gelu");
    case ir::OpKind::kSoftmax:
      return SoftmaxSupport(graph, node);
    case ir::OpKind::kMaxPool:
    case ir::OpKind::kAvgPool:
      return PoolSupport(graph, node);
    case ir::OpKind::kGlobalAvgPool:
      return NeedsImage(graph, node, "global average pooling");
    case ir::OpKind::kFullyConnected:
      return NeedsConstants(graph, node, 1);
    case ir::OpKind::kAdd:
    case ir::OpKind::kSub:
    case ir::OpKind::kMul:
    case ir::OpKind::kDiv:
    case ir::OpKind::kMaximum:
    case ir::OpKind::kMinimum:
      return BinarySupport(graph, node);
    case ir::OpKind::kPow:
      return Absent("power");
    case ir::OpKind::kConcat:
      return Absent("concatenate");
    case ir::OpKind::kFlatten:
    case ir::OpKind::kReshape:
    case ir::OpKind::kSqueeze:
    case ir::OpKind::kUnsqueeze:
      return ReshapeSupport(graph, consumers, node);
    case ir::OpKind::kUpsampleNearest:
      return Absent("nearest-neighbour upsampling");
    case ir::OpKind::kLrn:
      return Absent("local response normalization");
    case ir::OpKind::kReduceMean:
      return ReduceMeanSupport(graph, node);
    case ir::OpKind::kReduceSum:
    case ir::OpKind::kReduceMax:
      return Absent("sum / max reduction");
    case ir::OpKind::kTranspose:
      return Absent("transpose");
    case ir::OpKind::kSlice:
      return Absent("slice");
    case ir::OpKind::kGather:
      return Absent("gather");
    case ir::OpKind::kPad:
      return PadSupport(node);
    case ir::OpKind::kMatMul:
      return MatMulSupport(graph, node);
    case ir::OpKind::kResize:
      return ResizeSupport(graph, node);
    case ir::OpKind::kLayerNorm:
      return Absent("layer normalization");
  }
  return Refuse("unknown op");
}

}  // namespace

Support NodeSupport(const ir::Graph& graph, const ConsumerIndex& consumers, const ir::Node& node) {
  for (ir::ValueId id : node.outputs) {
    if (graph.value(id).shape.empty()) return Refuse("produces a scalar (rank-0) tensor");
    if (graph.value(id).shape.size() > XNN_MAX_TENSOR_DIMS) {
      return Refuse(fmt::format("more than {} dims", XNN_MAX_TENSOR_DIMS));
    }
  }
  for (ir::ValueId id : node.inputs) {
    if (graph.value(id).dtype != ir::DType::kF32) return Refuse("a non-f32 tensor");
    if (!IsConstant(graph, id) && node.op != ir::OpKind::kFullyConnected &&
        LayoutOf(graph, id) == Layout::kNhwcFlattened) {
      return Refuse(
          "reads a flatten of an NHWC tensor, whose (h, w, c) element order only a "
          "fully connected layer can absorb");
    }
  }
  return OpSupport(graph, consumers, node);
}

uint32_t ResizeFlags(const ir::ResizeAttrs& attrs) {
  switch (attrs.coordinates) {
    case ir::ResizeCoordinates::kAlignCorners:
      return XNN_FLAG_ALIGN_CORNERS;
    case ir::ResizeCoordinates::kAsymmetric:
      return XNN_FLAG_TENSORFLOW_LEGACY_MODE;
    case ir::ResizeCoordinates::kHalfPixel:
    case ir::ResizeCoordinates::kPytorchHalfPixel:
      return 0;
  }
  return 0;
}

}  // namespace edgebench::backends::xnnpack
