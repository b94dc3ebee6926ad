// The structural node emitters of SubgraphBuilder: convolutions, fully connected, pooling,
// reshapes, padding and resize (elementwise ones: elementwise_emitters.cc; tensors and the walk:
// subgraph_builder.cc). Every emitter runs only on nodes NodeSupport accepted.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <variant>

#include "backends/xnnpack/layout.h"
#include "backends/xnnpack/node_support.h"
#include "backends/xnnpack/subgraph_builder.h"
#include "backends/xnnpack/weights.h"

namespace edgebench::backends::xnnpack {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

uint32_t U32(int64_t value) { return static_cast<uint32_t>(value); }

// The IR's per-dim padding as XNNPACK's top/right/bottom/left.
struct Padding2d {
  uint32_t top, right, bottom, left;
};
Padding2d Pads(const std::vector<int64_t>& begin, const std::vector<int64_t>& end) {
  return {U32(begin[0]), U32(end[1]), U32(end[0]), U32(begin[1])};
}

int64_t At(const std::vector<int64_t>& values, size_t i, int64_t fallback) {
  return i < values.size() ? values[i] : fallback;
}

}  // namespace

void SubgraphBuilder::Emit(ir::NodeId id) {
  const ir::Node& node = graph_.node(id);
  switch (node.op) {
    case ir::OpKind::kConv:
      return int8_ ? EmitQuantizedConv(id) : EmitConv(id);
    case ir::OpKind::kConvTranspose:
      return EmitConvTranspose(id);
    case ir::OpKind::kFullyConnected:
      return int8_ ? EmitQuantizedFullyConnected(id) : EmitFullyConnected(id);
    case ir::OpKind::kMatMul:
      return EmitMatMul(node);
    case ir::OpKind::kBatchNorm:
      return EmitBatchNorm(node);
    case ir::OpKind::kMaxPool:
    case ir::OpKind::kAvgPool:
      return EmitPool(node);
    case ir::OpKind::kGlobalAvgPool:
    case ir::OpKind::kReduceMean:
      return EmitGlobalMean(node);
    case ir::OpKind::kAdd:
    case ir::OpKind::kSub:
    case ir::OpKind::kMul:
    case ir::OpKind::kDiv:
    case ir::OpKind::kMaximum:
    case ir::OpKind::kMinimum:
      return EmitBinary(node);
    case ir::OpKind::kFlatten:
    case ir::OpKind::kReshape:
    case ir::OpKind::kSqueeze:
    case ir::OpKind::kUnsqueeze:
      return EmitReshape(node);
    case ir::OpKind::kPad:
      return EmitPad(node);
    case ir::OpKind::kResize:
      return EmitResize(node);
    case ir::OpKind::kRelu:
    case ir::OpKind::kRelu6:
    case ir::OpKind::kClip:
    case ir::OpKind::kLeakyRelu:
    case ir::OpKind::kSigmoid:
    case ir::OpKind::kHardSigmoid:
    case ir::OpKind::kHardSwish:
    case ir::OpKind::kSilu:
    case ir::OpKind::kSqrt:
    case ir::OpKind::kAbs:
    case ir::OpKind::kNeg:
    case ir::OpKind::kSoftmax:
      return EmitUnary(node);
    case ir::OpKind::kConcat:
    case ir::OpKind::kUpsampleNearest:
    case ir::OpKind::kLrn:
    case ir::OpKind::kPow:
    case ir::OpKind::kTanh:
    case ir::OpKind::kExp:
    case ir::OpKind::kLog:
    case ir::OpKind::kErf:
    case ir::OpKind::kGelu:
    case ir::OpKind::kReduceSum:
    case ir::OpKind::kReduceMax:
    case ir::OpKind::kTranspose:
    case ir::OpKind::kSlice:
    case ir::OpKind::kGather:
    case ir::OpKind::kLayerNorm:
      break;
  }
  throw BuildError(
      fmt::format("node '{}' ({}) has no XNNPACK mapping", node.name, ir::OpName(node.op)));
}

void SubgraphBuilder::EmitConv(ir::NodeId id) {
  const ir::Node& node = graph_.node(id);
  const auto& attrs = std::get<ir::ConvAttrs>(node.attrs);
  const ir::Shape& w = graph_.value(node.inputs[1]).shape;  // [O, C/g, kh, kw]
  const int64_t channels = graph_.value(node.inputs[0]).shape[1];
  const int64_t outputs = w[0];
  std::vector<float> weight = ConstantData(node.inputs[1]);
  // This XNNPACK's convolution node documents no bias-less form: a zero bias is exact.
  std::vector<float> bias =
      node.inputs.size() > 2 ? ConstantData(node.inputs[2]) : std::vector<float>(outputs, 0.0f);
  const FusedChain chain = PlanChain(graph_, consumers_, id);
  if (chain.batch_norm != ir::kNoId) {
    const ir::Node& bn = graph_.node(chain.batch_norm);
    const ChannelAffine affine = BatchNormAffine(
        ConstantData(bn.inputs[1]), ConstantData(bn.inputs[2]), ConstantData(bn.inputs[3]),
        ConstantData(bn.inputs[4]), std::get<ir::BatchNormAttrs>(bn.attrs).epsilon);
    FoldIntoConvolution(affine, weight, bias);
    absorbed_[static_cast<size_t>(chain.batch_norm)] = true;
    ++result_.folded_batch_norms;
  }
  if (chain.activation != ir::kNoId) {
    absorbed_[static_cast<size_t>(chain.activation)] = true;
    ++result_.fused_activations;
  }
  const Padding2d pad = Pads(attrs.pads_begin, attrs.pads_end);
  const uint32_t input = Read(node.inputs[0]);
  const uint32_t bias_id = DefineStatic({static_cast<size_t>(outputs)}, std::move(bias));
  const auto kh = static_cast<size_t>(w[2]), kw = static_cast<size_t>(w[3]);
  const bool depthwise = attrs.groups > 1 && attrs.groups == channels && w[1] == 1;
  if (depthwise) {
    const uint32_t filter =
        DefineStatic({1, kh, kw, static_cast<size_t>(outputs)}, DepthwiseFilter(weight, w));
    const uint32_t output = DefineOutput(chain.output);
    Check(xnn_define_depthwise_convolution_2d(
              result_.subgraph.get(), pad.top, pad.right, pad.bottom, pad.left, U32(w[2]),
              U32(w[3]), U32(attrs.strides[0]), U32(attrs.strides[1]), U32(attrs.dilations[0]),
              U32(attrs.dilations[1]), U32(outputs / channels), static_cast<size_t>(channels),
              chain.output_min, chain.output_max, input, filter, bias_id, output, 0),
          "xnn_define_depthwise_convolution_2d");
    RecordKernel(node, "depthwise_convolution_2d fp32", "fp32");
    return;
  }
  const uint32_t filter = DefineStatic(
      {static_cast<size_t>(outputs), kh, kw, static_cast<size_t>(w[1])}, ConvFilterOhwi(weight, w));
  const uint32_t output = DefineOutput(chain.output);
  Check(xnn_define_convolution_2d(
            result_.subgraph.get(), pad.top, pad.right, pad.bottom, pad.left, U32(w[2]), U32(w[3]),
            U32(attrs.strides[0]), U32(attrs.strides[1]), U32(attrs.dilations[0]),
            U32(attrs.dilations[1]), U32(attrs.groups), static_cast<size_t>(w[1]),
            static_cast<size_t>(outputs / attrs.groups), chain.output_min, chain.output_max, input,
            filter, bias_id, output, 0),
        "xnn_define_convolution_2d");
  RecordKernel(node, "convolution_2d fp32", "fp32");
}

void SubgraphBuilder::EmitConvTranspose(ir::NodeId id) {
  const ir::Node& node = graph_.node(id);
  const auto& attrs = std::get<ir::ConvTransposeAttrs>(node.attrs);
  const ir::Shape& w = graph_.value(node.inputs[1]).shape;  // [C, O/g, kh, kw]
  const int64_t groups = attrs.groups;
  const int64_t outputs = w[1] * groups;
  const FusedChain chain = PlanChain(graph_, consumers_, id);
  if (chain.activation != ir::kNoId) {
    absorbed_[static_cast<size_t>(chain.activation)] = true;
    ++result_.fused_activations;
  }
  const uint32_t input = Read(node.inputs[0]);
  const uint32_t filter =
      DefineStatic({static_cast<size_t>(outputs), static_cast<size_t>(w[2]),
                    static_cast<size_t>(w[3]), static_cast<size_t>(w[0] / groups)},
                   DeconvolutionFilter(ConstantData(node.inputs[1]), w, groups));
  const uint32_t bias = node.inputs.size() > 2 ? DefineStatic({static_cast<size_t>(outputs)},
                                                              ConstantData(node.inputs[2]))
                                               : XNN_INVALID_VALUE_ID;
  const Padding2d pad = Pads(attrs.pads_begin, attrs.pads_end);
  const uint32_t output = DefineOutput(chain.output);
  Check(xnn_define_deconvolution_2d(
            result_.subgraph.get(), pad.top, pad.right, pad.bottom, pad.left,
            U32(At(attrs.output_padding, 0, 0)), U32(At(attrs.output_padding, 1, 0)), U32(w[2]),
            U32(w[3]), U32(attrs.strides[0]), U32(attrs.strides[1]), U32(attrs.dilations[0]),
            U32(attrs.dilations[1]), U32(groups), static_cast<size_t>(w[0] / groups),
            static_cast<size_t>(w[1]), chain.output_min, chain.output_max, input, filter, bias,
            output, 0),
        "xnn_define_deconvolution_2d");
  RecordKernel(node, "deconvolution_2d fp32", "fp32");
}

void SubgraphBuilder::EmitFullyConnected(ir::NodeId id) {
  const ir::Node& node = graph_.node(id);
  const ir::Shape& w = graph_.value(node.inputs[1]).shape;  // [O, K]
  std::vector<float> weight = ConstantData(node.inputs[1]);
  const ir::ValueId x = node.inputs[0];
  if (LayoutOf(graph_, x) == Layout::kNhwcFlattened) {
    // The input is [N, C, H, W] flattened in NHWC order: the weight columns follow it.
    const ir::Shape& image = graph_.value(graph_.node(graph_.value(x).producer).inputs[0]).shape;
    weight = PermuteColumnsForNhwc(weight, w[0], image[1], image[2], image[3]);
  }
  const FusedChain chain = PlanChain(graph_, consumers_, id);
  if (chain.activation != ir::kNoId) {
    absorbed_[static_cast<size_t>(chain.activation)] = true;
    ++result_.fused_activations;
  }
  const uint32_t input = Read(x);
  const uint32_t filter =
      DefineStatic({static_cast<size_t>(w[0]), static_cast<size_t>(w[1])}, std::move(weight));
  const uint32_t bias = node.inputs.size() > 2 ? DefineStatic({static_cast<size_t>(w[0])},
                                                              ConstantData(node.inputs[2]))
                                               : XNN_INVALID_VALUE_ID;
  const uint32_t output = DefineOutput(chain.output);
  Check(xnn_define_fully_connected(result_.subgraph.get(), chain.output_min, chain.output_max,
                                   input, filter, bias, output, 0),
        "xnn_define_fully_connected");
  RecordKernel(node, "fully_connected fp32", "fp32");
}

void SubgraphBuilder::EmitMatMul(const ir::Node& node) {
  const ir::Shape& b = graph_.value(node.inputs[1]).shape;  // [K, N]
  const uint32_t input = Read(node.inputs[0]);
  const uint32_t filter = DefineStatic({static_cast<size_t>(b[1]), static_cast<size_t>(b[0])},
                                       Transpose2d(ConstantData(node.inputs[1]), b[0], b[1]));
  const uint32_t output = DefineOutput(node.outputs[0]);
  Check(xnn_define_fully_connected(result_.subgraph.get(), -kInf, kInf, input, filter,
                                   XNN_INVALID_VALUE_ID, output, 0),
        "xnn_define_fully_connected");
}

void SubgraphBuilder::EmitPool(const ir::Node& node) {
  const auto& attrs = std::get<ir::PoolAttrs>(node.attrs);
  const ir::Shape& x = graph_.value(node.inputs[0]).shape;
  const ir::Shape& y = graph_.value(node.outputs[0]).shape;
  // XNNPACK sizes outputs by floor division; a ceil-mode window the IR keeps becomes extra
  // end padding, which neither pooling counts (max ignores it, average divides by the
  // input elements in the window, as the IR's count_include_pad=0 does).
  std::vector<int64_t> end = attrs.pads_end;
  for (size_t d = 0; d < 2; ++d) {
    const int64_t needed = (y[2 + d] - 1) * attrs.strides[d] + attrs.kernel[d] -
                           (x[2 + d] + attrs.pads_begin[d] + attrs.pads_end[d]);
    end[d] += std::max<int64_t>(needed, 0);
  }
  const Padding2d pad = Pads(attrs.pads_begin, end);
  const uint32_t input = Read(node.inputs[0]);
  const uint32_t output = DefineOutput(node.outputs[0]);
  if (node.op == ir::OpKind::kMaxPool) {
    Check(
        xnn_define_max_pooling_2d(result_.subgraph.get(), pad.top, pad.right, pad.bottom, pad.left,
                                  U32(attrs.kernel[0]), U32(attrs.kernel[1]), U32(attrs.strides[0]),
                                  U32(attrs.strides[1]), 1, 1, -kInf, kInf, input, output, 0),
        "xnn_define_max_pooling_2d");
    return;
  }
  Check(xnn_define_average_pooling_2d(result_.subgraph.get(), pad.top, pad.right, pad.bottom,
                                      pad.left, U32(attrs.kernel[0]), U32(attrs.kernel[1]),
                                      U32(attrs.strides[0]), U32(attrs.strides[1]), -kInf, kInf,
                                      input, output, 0),
        "xnn_define_average_pooling_2d");
}

void SubgraphBuilder::EmitGlobalMean(const ir::Node& node) {
  const ir::Shape& x = graph_.value(node.inputs[0]).shape;
  const ir::Shape& y = graph_.value(node.outputs[0]).shape;
  const uint32_t input = Read(node.inputs[0]);
  if (y.size() == 4) {
    Check(xnn_define_global_average_pooling_2d(result_.subgraph.get(), -kInf, kInf, input,
                                               DefineOutput(node.outputs[0]), 0),
          "xnn_define_global_average_pooling_2d");
    return;
  }
  // A mean without keepdims: [N, 1, 1, C] stored is [N, C] in order, so a reshape follows.
  const uint32_t pooled =
      DefineInternal({static_cast<size_t>(x[0]), 1, 1, static_cast<size_t>(x[1])});
  Check(xnn_define_global_average_pooling_2d(result_.subgraph.get(), -kInf, kInf, input, pooled, 0),
        "xnn_define_global_average_pooling_2d");
  const std::vector<size_t> dims = StorageDims(y);
  Check(xnn_define_static_reshape(result_.subgraph.get(), dims.size(), dims.data(), pooled,
                                  DefineOutput(node.outputs[0]), 0),
        "xnn_define_static_reshape");
}

void SubgraphBuilder::EmitReshape(const ir::Node& node) {
  // NodeSupport admits only reshapes that keep the stored order, and per-sample flattens
  // of NHWC tensors read by fully connected layers alone (which permute their weights).
  const std::vector<size_t> dims = StorageDims(graph_.value(node.outputs[0]).shape);
  const uint32_t input = Read(node.inputs[0]);
  Check(xnn_define_static_reshape(result_.subgraph.get(), dims.size(), dims.data(), input,
                                  DefineOutput(node.outputs[0]), 0),
        "xnn_define_static_reshape");
}

void SubgraphBuilder::EmitPad(const ir::Node& node) {
  const auto& attrs = std::get<ir::PadAttrs>(node.attrs);
  std::vector<size_t> before(attrs.pads_begin.begin(), attrs.pads_begin.end());
  std::vector<size_t> after(attrs.pads_end.begin(), attrs.pads_end.end());
  if (before.size() == 4) {
    before = {before[0], before[2], before[3], before[1]};
    after = {after[0], after[2], after[3], after[1]};
  }
  const uint32_t input = Read(node.inputs[0]);
  Check(xnn_define_static_constant_pad(result_.subgraph.get(), before.data(), after.data(),
                                       attrs.value, input, DefineOutput(node.outputs[0]), 0),
        "xnn_define_static_constant_pad");
}

void SubgraphBuilder::EmitResize(const ir::Node& node) {
  const ir::Shape& y = graph_.value(node.outputs[0]).shape;
  const uint32_t input = Read(node.inputs[0]);
  Check(xnn_define_static_resize_bilinear_2d(
            result_.subgraph.get(), static_cast<size_t>(y[2]), static_cast<size_t>(y[3]), input,
            DefineOutput(node.outputs[0]), ResizeFlags(std::get<ir::ResizeAttrs>(node.attrs))),
        "xnn_define_static_resize_bilinear_2d");
}

}  // namespace edgebench::backends::xnnpack
