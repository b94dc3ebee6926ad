#include "backends/opencv/modern_op_support.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <variant>

#include "ir/op_semantics.h"

namespace edgebench::backends::opencv {
namespace {

const ir::Shape& ShapeOf(const ir::Graph& graph, ir::ValueId id) { return graph.value(id).shape; }

bool IsConstant(const ir::Graph& graph, ir::ValueId id) {
  return graph.value(id).kind == ir::ValueKind::kConstant;
}

// How a binary node's operands relate, in the forms the consistency test probes. The
// "small" operand is the constant, or the activation that is stretched to the output.
enum class BinaryForm {
  kSameShape,          // two activations of one shape
  kScalarConstant,     // a one-element constant
  kChannelConstant,    // a [C,1,1] or [1,C,1,1] constant with an NCHW activation
  kLastDimConstant,    // a 1-D constant along the last dim
  kChannelActivation,  // an NCHW activation with an [N,C,1,1] one
  kRowActivation,      // an NCHW activation with an [N,C,H,1] one
  kOther,              // both stretched, or any other shape pairing
};

struct BinaryOperands {
  BinaryForm form = BinaryForm::kOther;
  bool small_first = false;  // the small operand is input 0
};

BinaryForm ConstantForm(const ir::Shape& constant, const ir::Shape& activation) {
  if (ir::ElementCount(constant) == 1) return BinaryForm::kScalarConstant;
  if (activation.size() == 4 && (constant.size() == 3 || constant.size() == 4)) {
    // Right-aligned against NCHW: everything 1 but C.
    const size_t channel = constant.size() - 3;
    bool per_channel = constant[channel] == activation[1];
    for (size_t d = 0; d < constant.size(); ++d) {
      per_channel = per_channel && (d == channel || constant[d] == 1);
    }
    if (per_channel) return BinaryForm::kChannelConstant;
  }
  if (constant.size() == 1 && !activation.empty() && constant[0] == activation.back()) {
    return BinaryForm::kLastDimConstant;
  }
  return BinaryForm::kOther;
}

BinaryForm ActivationForm(const ir::Shape& small, const ir::Shape& big) {
  if (big.size() != 4 || small.size() != 4 || small[0] != big[0] || small[1] != big[1]) {
    return BinaryForm::kOther;
  }
  if (small[2] == 1 && small[3] == 1) return BinaryForm::kChannelActivation;
  if (small[2] == big[2] && small[3] == 1) return BinaryForm::kRowActivation;
  return BinaryForm::kOther;
}

BinaryOperands ClassifyBinary(const ir::Graph& graph, const ir::Node& node) {
  const ir::Shape& a = ShapeOf(graph, node.inputs[0]);
  const ir::Shape& b = ShapeOf(graph, node.inputs[1]);
  const ir::Shape& out = ShapeOf(graph, node.outputs[0]);
  const bool a_constant = IsConstant(graph, node.inputs[0]);
  const bool b_constant = IsConstant(graph, node.inputs[1]);
  if (a_constant && b_constant) return {};
  if (a_constant || b_constant) {
    const ir::Shape& activation = a_constant ? b : a;
    if (activation != out) return {};  // the activation itself would be stretched
    return {ConstantForm(a_constant ? a : b, activation), a_constant};
  }
  if (a == b) return {BinaryForm::kSameShape, false};
  if (a == out) return {ActivationForm(b, a), false};
  if (b == out) return {ActivationForm(a, b), true};
  return {};
}

Support BinarySupport(const ir::Graph& graph, const ir::Node& node) {
  const BinaryOperands operands = ClassifyBinary(graph, node);
  const std::string shapes =
      fmt::format("{} and {}", ir::ShapeToString(ShapeOf(graph, node.inputs[0])),
                  ir::ShapeToString(ShapeOf(graph, node.inputs[1])));
  const BinaryForm form = operands.form;
  if (node.op == ir::OpKind::kPow) {
    if (form == BinaryForm::kScalarConstant && !operands.small_first) return {};
    return {false, fmt::format("pow of {}: OpenCV 4.6 imports Pow only with a scalar constant "
                               "exponent (parsePow: 'Pow op supports only scalar power')",
                               shapes)};
  }
  const bool max_or_min = node.op == ir::OpKind::kMaximum || node.op == ir::OpKind::kMinimum;
  if (form == BinaryForm::kOther) {
    return {false, fmt::format("operands {}: a pairing outside the forms OpenCV 4.6 was found "
                               "to get right (equal activations; a scalar, per-channel or "
                               "last-dim constant; a per-channel or per-row activation); both "
                               "stretched fails findBroadAxis or gives the wrong shape",
                               shapes)};
  }
  if (max_or_min) {
    if (form == BinaryForm::kSameShape || form == BinaryForm::kChannelActivation) return {};
    return {false, fmt::format("{} of {}: OpenCV 4.6's Max/Min take two activations, equal or "
                               "one per channel (a constant fails Eltwise getMemoryShapes: "
                               "inputs.size() >= 2)",
                               ir::OpName(node.op), shapes)};
  }
  const bool multiplicative = node.op == ir::OpKind::kMul || node.op == ir::OpKind::kDiv;
  if (multiplicative && form == BinaryForm::kLastDimConstant) {
    return {false, fmt::format("{} of {}: OpenCV 4.6 fails to scale by a constant along the last "
                               "dim (total: start <= shape.size())",
                               ir::OpName(node.op), shapes)};
  }
  const bool stretched_activation =
      form == BinaryForm::kChannelActivation || form == BinaryForm::kRowActivation;
  if (operands.small_first && stretched_activation && node.op != ir::OpKind::kMul) {
    return {false, fmt::format("{} of {}: OpenCV 4.6 stretches only the second operand here (the "
                               "first fails in total() or, for Div, gives wrong values)",
                               ir::OpName(node.op), shapes)};
  }
  if (node.op == ir::OpKind::kDiv && operands.small_first && form == BinaryForm::kChannelConstant) {
    return {false, fmt::format("div of {}: OpenCV 4.6 gives wrong values dividing a per-channel "
                               "constant by an activation",
                               shapes)};
  }
  return {};
}

// True when every dim the resize changes has scale == out / in exactly, the only scale
// OpenCV 4.6 interpolates at (it recomputes the ratio from the extents).
bool ScalesAreExtentRatios(const ir::ResizeAttrs& attrs, const ir::Shape& in,
                           const ir::Shape& out) {
  for (size_t d = 0; d < in.size(); ++d) {
    const auto ratio = static_cast<float>(static_cast<double>(out[d]) / static_cast<double>(in[d]));
    if (attrs.scales[d] != ratio) return false;
  }
  return true;
}

Support ResizeSupport(const ir::Graph& graph, const ir::Node& node) {
  const auto& attrs = std::get<ir::ResizeAttrs>(node.attrs);
  const ir::Shape& in = ShapeOf(graph, node.inputs[0]);
  const ir::Shape& out = ShapeOf(graph, node.outputs[0]);
  if (in.size() != 4 || out.size() != 4 || attrs.scales.size() != 4) {
    return {false, fmt::format("resize of rank {}: OpenCV 4.6 resizes NCHW only (parseResize)",
                               in.size())};
  }
  if (in[0] != out[0] || in[1] != out[1] || attrs.scales[0] != 1.0f || attrs.scales[1] != 1.0f) {
    return {false, "resize of N or C: OpenCV 4.6 resizes H and W only"};
  }
  if (attrs.mode == ir::ResizeMode::kLinear) {
    if (attrs.coordinates == ir::ResizeCoordinates::kAlignCorners) return {};
    if (!ScalesAreExtentRatios(attrs, in, out)) {
      return {false,
              "linear resize at a scale other than output / input: OpenCV 4.6 "
              "interpolates at the extent ratio, not the model's scale"};
    }
    if (attrs.coordinates == ir::ResizeCoordinates::kPytorchHalfPixel &&
        ((out[2] == 1 && in[2] != 1) || (out[3] == 1 && in[3] != 1))) {
      return {false,
              "pytorch_half_pixel resize to a single row or column: OpenCV 4.6 does not "
              "read coordinate 0 there as ONNX does (wrong values)"};
    }
    return {};
  }
  for (size_t d = 2; d < 4; ++d) {
    for (int64_t o = 0; o < out[d]; ++o) {
      const double coordinate = ir::ResizeSourceCoordinate(attrs, d, o, in[d], out[d]);
      const int64_t wanted = ir::ResizeNearestIndex(attrs, coordinate, in[d]);
      const std::optional<int64_t> read = OpenCvNearestIndex(attrs.coordinates, o, in[d], out[d]);
      if (read == wanted) continue;
      return {false,
              fmt::format("nearest resize of dim {} ({} -> {}): OpenCV 4.6 ignores "
                          "nearest_mode and half-pixel coordinates (it floors o * in / "
                          "out, rounds align_corners) and reads {} for output {}, the IR "
                          "reads row {}",
                          d, in[d], out[d],
                          read ? fmt::format("row {}", *read) : std::string("a tie"), o, wanted)};
    }
  }
  return {};
}

Support PadSupport(const ir::Graph& graph, const ir::Node& node) {
  const auto& attrs = std::get<ir::PadAttrs>(node.attrs);
  if (attrs.mode == ir::PadMode::kConstant) return {};
  const ir::Shape& in = ShapeOf(graph, node.inputs[0]);
  if (in.size() != 4 || attrs.pads_begin.size() != 4 || attrs.pads_end.size() != 4) {
    return {false, fmt::format("reflect/edge padding of rank {}: OpenCV 4.6's Padding layer "
                               "takes NCHW only (inputs[0].dims == 4)",
                               in.size())};
  }
  if (attrs.pads_begin[0] != 0 || attrs.pads_end[0] != 0 || attrs.pads_begin[1] != 0 ||
      attrs.pads_end[1] != 0) {
    return {false, "reflect/edge padding of N or C: OpenCV 4.6 pads those modes spatially only"};
  }
  return {};
}

Support MatMulSupport(const ir::Graph& graph, const ir::Node& node) {
  const ir::Shape& a = ShapeOf(graph, node.inputs[0]);
  const ir::Shape& b = ShapeOf(graph, node.inputs[1]);
  if (IsConstant(graph, node.inputs[0])) {
    return {false,
            "matmul with a constant first operand: OpenCV 4.6's importer requires an "
            "activation there (parseMatMul)"};
  }
  if (IsConstant(graph, node.inputs[1])) {
    if (b.size() <= 2) return {};
    return {false, fmt::format("matmul by a constant {}: OpenCV 4.6 takes constants of rank 1 or "
                               "2 only (transpose: _src.dims() <= 2)",
                               ir::ShapeToString(b))};
  }
  if (a.size() == b.size() && std::equal(a.begin(), a.end() - 2, b.begin())) return {};
  return {false, fmt::format("matmul of {} by {}: OpenCV 4.6 does not broadcast batch dims "
                             "(FullyConnected getMemoryShapes fails)",
                             ir::ShapeToString(a), ir::ShapeToString(b))};
}

Support ConvTransposeSupport(const ir::Graph& graph, const ir::Node& node) {
  const auto& attrs = std::get<ir::ConvTransposeAttrs>(node.attrs);
  if (ShapeOf(graph, node.inputs[0]).size() != 4) {
    return {false, "3-D transposed convolution: OpenCV 4.6's CPU backend has no 3-D Deconvolution"};
  }
  if (attrs.pads_begin != attrs.pads_end) {
    return {false,
            "transposed convolution with asymmetric padding: OpenCV 4.6's importer refuses "
            "it ('Unsupported asymmetric padding')"};
  }
  if (std::any_of(attrs.dilations.begin(), attrs.dilations.end(),
                  [](int64_t d) { return d != 1; })) {
    return {false,
            "dilated transposed convolution: OpenCV 4.6's Deconvolution ignores the "
            "dilation (wrong output shape)"};
  }
  return {};
}

}  // namespace

std::optional<int64_t> OpenCvNearestIndex(ir::ResizeCoordinates coordinates, int64_t out_index,
                                          int64_t in_extent, int64_t out_extent) {
  if (coordinates == ir::ResizeCoordinates::kAlignCorners) {
    if (out_extent == 1) return 0;
    const double position = static_cast<double>(out_index) * static_cast<double>(in_extent - 1) /
                            static_cast<double>(out_extent - 1);
    // How OpenCV breaks a tie was not observed: a tie is reported as unknown.
    if (position - std::floor(position) == 0.5) return std::nullopt;
    return std::min(static_cast<int64_t>(std::lround(position)), in_extent - 1);
  }
  // cv::resize's INTER_NEAREST: floor(o * step), the step being the inverse of the
  // output / input ratio in double.
  const double step = 1.0 / (static_cast<double>(out_extent) / static_cast<double>(in_extent));
  return std::min(static_cast<int64_t>(std::floor(static_cast<double>(out_index) * step)),
                  in_extent - 1);
}

Support ModernOpSupport(const ir::Graph& graph, const ir::Node& node) {
  const bool binary = node.op == ir::OpKind::kAdd || node.op == ir::OpKind::kSub ||
                      node.op == ir::OpKind::kMul || node.op == ir::OpKind::kDiv ||
                      node.op == ir::OpKind::kPow || node.op == ir::OpKind::kMaximum ||
                      node.op == ir::OpKind::kMinimum || node.op == ir::OpKind::kMatMul;
  if (node.inputs.empty() || node.outputs.empty() || (binary && node.inputs.size() != 2)) {
    return {false, fmt::format("{} node with {} inputs", ir::OpName(node.op), node.inputs.size())};
  }
  switch (node.op) {
    case ir::OpKind::kAdd:
    case ir::OpKind::kSub:
    case ir::OpKind::kMul:
    case ir::OpKind::kDiv:
    case ir::OpKind::kPow:
    case ir::OpKind::kMaximum:
    case ir::OpKind::kMinimum:
      return BinarySupport(graph, node);
    case ir::OpKind::kSlice: {
      const auto& steps = std::get<ir::SliceAttrs>(node.attrs).steps;
      if (std::any_of(steps.begin(), steps.end(), [](int64_t step) { return step < 0; })) {
        return {false,
                "slice with a negative step: OpenCV 4.6's Slice takes positive steps only "
                "(SliceLayerImpl: step >= 1)"};
      }
      return {};
    }
    case ir::OpKind::kSqueeze:
      if (std::get<ir::AxesAttrs>(node.attrs).axes.empty()) {
        return {false,
                "squeeze without axes: OpenCV 4.6's Squeeze needs them listed "
                "(parseSqueeze: has(\"axes\"))"};
      }
      return {};
    case ir::OpKind::kUnsqueeze:
      if (std::get<ir::AxesAttrs>(node.attrs).axes.size() > 1) {
        return {false,
                "unsqueeze of several axes: OpenCV 4.6 inserts one only ('Multidimensional "
                "unsqueeze')"};
      }
      return {};
    case ir::OpKind::kPad:
      return PadSupport(graph, node);
    case ir::OpKind::kGather:
      return {false,
              "gather: OpenCV 4.6's Gather reads one index only (parseGather: "
              "indexMat.total() == 1) and aborts the process on our scalar-index export "
              "(free(): invalid pointer)"};
    case ir::OpKind::kMatMul:
      return MatMulSupport(graph, node);
    case ir::OpKind::kConvTranspose:
      return ConvTransposeSupport(graph, node);
    case ir::OpKind::kResize:
      return ResizeSupport(graph, node);
    case ir::OpKind::kLayerNorm:
      return {false,
              "layer norm: exported as its ReduceMean/Sub/Pow/Div decomposition, whose "
              "multiply by the [normalized dims] scale OpenCV 4.6 fails to broadcast "
              "(total: start <= shape.size())"};
    case ir::OpKind::kHardSigmoid:
    case ir::OpKind::kHardSwish:
    case ir::OpKind::kSilu:
    case ir::OpKind::kTanh:
    case ir::OpKind::kExp:
    case ir::OpKind::kLog:
    case ir::OpKind::kSqrt:
    case ir::OpKind::kAbs:
    case ir::OpKind::kNeg:
    case ir::OpKind::kErf:
    case ir::OpKind::kGelu:
    case ir::OpKind::kClip:
    case ir::OpKind::kReduceMean:
    case ir::OpKind::kReduceSum:
    case ir::OpKind::kReduceMax:
    case ir::OpKind::kTranspose:
      return {};
    case ir::OpKind::kConv:
    case ir::OpKind::kBatchNorm:
    case ir::OpKind::kRelu:
    case ir::OpKind::kRelu6:
    case ir::OpKind::kLeakyRelu:
    case ir::OpKind::kSigmoid:
    case ir::OpKind::kSoftmax:
    case ir::OpKind::kMaxPool:
    case ir::OpKind::kAvgPool:
    case ir::OpKind::kGlobalAvgPool:
    case ir::OpKind::kFullyConnected:
    case ir::OpKind::kConcat:
    case ir::OpKind::kFlatten:
    case ir::OpKind::kReshape:
    case ir::OpKind::kUpsampleNearest:
    case ir::OpKind::kLrn:
      return {};  // decided in opencv_backend.cc
  }
  return {false, "unknown op"};
}

}  // namespace edgebench::backends::opencv
