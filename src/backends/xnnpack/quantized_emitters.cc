// Int8 convolutions and fully connected layers. The IR's calibration is asymmetric u8 per
// tensor; XNNPACK's per-channel (qc8) operators take signed qint8 activations, so each
// activation is stored as q - 128 with zero point z - 128: the same real values, the same
// rounding, so the arithmetic is the one every backend quantizing with the IR's numbers
// does. Weights are per-output-channel qcint8, biases qcint32 at scale s_x * s_w[o].
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "backends/xnnpack/layout.h"
#include "backends/xnnpack/subgraph_builder.h"
#include "backends/xnnpack/weights.h"

namespace edgebench::backends::xnnpack {
namespace {

uint32_t U32(int64_t value) { return static_cast<uint32_t>(value); }

constexpr int32_t kSignedShift = 128;  // u8 (IR) -> s8 (XNNPACK qint8)

const ir::QuantParams& ActivationQuant(const ir::Graph& graph, ir::ValueId id) {
  const ir::Value& value = graph.value(id);
  if (!value.quant || value.quant->scales.size() != 1 || value.quant->type != ir::DType::kU8) {
    throw BuildError(
        fmt::format("int8 needs the calibrated per-tensor u8 range of '{}' (passes::CalibrateInt8)",
                    value.name));
  }
  return *value.quant;
}

// Per-output-channel scales of weights [O, ...]: the calibrated ones, or, when BatchNorm
// was folded into them, recomputed by the same rule (max |w| / 127).
std::vector<float> WeightScales(const ir::Value& weight, const std::vector<float>& values,
                                int64_t outputs, bool folded) {
  if (!folded) {
    if (!weight.quant || static_cast<int64_t>(weight.quant->scales.size()) != outputs) {
      throw BuildError(fmt::format(
          "int8 needs the calibrated per-channel s8 scales of '{}' (passes::CalibrateInt8)",
          weight.name));
    }
    return weight.quant->scales;
  }
  const size_t per_channel = values.size() / static_cast<size_t>(outputs);
  std::vector<float> scales;
  for (int64_t o = 0; o < outputs; ++o) {
    float largest = 0.0f;
    for (size_t i = 0; i < per_channel; ++i) {
      largest = std::max(largest, std::fabs(values[static_cast<size_t>(o) * per_channel + i]));
    }
    scales.push_back(largest > 0.0f ? largest / 127.0f : 1.0f);
  }
  return scales;
}

// Weights [O, ...] rounded to whole s8 steps of their channel's scale, still as floats so
// the fp32 layout permutations (weights.h) apply unchanged.
std::vector<float> QuantizedSteps(const std::vector<float>& values,
                                  const std::vector<float>& scales) {
  std::vector<float> steps(values.size());
  const size_t per_channel = values.size() / scales.size();
  for (size_t i = 0; i < values.size(); ++i) {
    steps[i] = std::clamp(std::nearbyint(values[i] / scales[i / per_channel]), -127.0f, 127.0f);
  }
  return steps;
}

// The chain's clamp bounds within what the output's qint8 range represents: XNNPACK's
// quantized operators take finite bounds.
std::pair<float, float> QuantizedBounds(const ir::QuantParams& output, const FusedChain& chain) {
  const float scale = output.scales[0];
  const int32_t zero_point = output.zero_points[0] - kSignedShift;
  return {std::max(chain.output_min, static_cast<float>(-128 - zero_point) * scale),
          std::min(chain.output_max, static_cast<float>(127 - zero_point) * scale)};
}

}  // namespace

uint32_t SubgraphBuilder::DefineQuantized(const std::vector<size_t>& dims, ir::ValueId like) {
  const ir::QuantParams& quant = ActivationQuant(graph_, like);
  uint32_t tensor = XNN_INVALID_VALUE_ID;
  Check(xnn_define_quantized_tensor_value(
            result_.subgraph.get(), xnn_datatype_qint8, quant.zero_points[0] - kSignedShift,
            quant.scales[0], dims.size(), dims.data(), nullptr, XNN_INVALID_VALUE_ID, 0, &tensor),
        "xnn_define_quantized_tensor_value");
  return tensor;
}

uint32_t SubgraphBuilder::QuantizedInput(ir::ValueId value) {
  uint32_t& cached = quantized_[static_cast<size_t>(value)];
  if (cached != XNN_INVALID_VALUE_ID) return cached;
  const uint32_t quantized = DefineQuantized(StorageDims(graph_.value(value).shape), value);
  Check(xnn_define_convert(result_.subgraph.get(), Read(value), quantized, 0),
        "xnn_define_convert (quantize)");
  cached = quantized;
  return quantized;
}

uint32_t SubgraphBuilder::DefineChannelwise(xnn_datatype type, const std::vector<size_t>& dims,
                                            size_t channel_dim, const std::vector<float>& scales,
                                            const void* data) {
  result_.static_scales.push_back(scales);
  uint32_t tensor = XNN_INVALID_VALUE_ID;
  Check(xnn_define_channelwise_quantized_tensor_value(
            result_.subgraph.get(), type, result_.static_scales.back().data(), dims.size(),
            channel_dim, dims.data(), data, XNN_INVALID_VALUE_ID, 0, &tensor),
        "xnn_define_channelwise_quantized_tensor_value");
  return tensor;
}

void SubgraphBuilder::DequantizeInto(uint32_t quantized, ir::ValueId value) {
  // Consumers reading this value in int8 again take it as it is; an fp32 copy is made only
  // for the others (XNNPACK allocates no memory for a value nobody reads, so an unread
  // copy would fail at setup).
  quantized_[static_cast<size_t>(value)] = quantized;
  bool float_readers =
      std::find(graph_.outputs().begin(), graph_.outputs().end(), value) != graph_.outputs().end();
  for (ir::NodeId consumer : consumers_[static_cast<size_t>(value)]) {
    const ir::OpKind op = graph_.node(consumer).op;
    if (op != ir::OpKind::kConv && op != ir::OpKind::kFullyConnected) float_readers = true;
  }
  if (!float_readers) return;
  Check(xnn_define_convert(result_.subgraph.get(), quantized, DefineOutput(value), 0),
        "xnn_define_convert (dequantize)");
}

void SubgraphBuilder::RecordKernel(const ir::Node& node, std::string kernel,
                                   std::string precision) {
  result_.kernels.push_back({.op = std::string(ir::OpName(node.op)),
                             .kernel = std::move(kernel),
                             .precision = std::move(precision)});
}

void SubgraphBuilder::EmitQuantizedConv(ir::NodeId id) {
  const ir::Node& node = graph_.node(id);
  const auto& attrs = std::get<ir::ConvAttrs>(node.attrs);
  const ir::Shape& w = graph_.value(node.inputs[1]).shape;  // [O, C/g, kh, kw]
  const int64_t channels = graph_.value(node.inputs[0]).shape[1];
  const int64_t outputs = w[0];
  std::vector<float> weight = ConstantData(node.inputs[1]);
  std::vector<float> bias =
      node.inputs.size() > 2 ? ConstantData(node.inputs[2]) : std::vector<float>(outputs, 0.0f);
  const FusedChain chain = PlanChain(graph_, consumers_, id);
  if (chain.batch_norm != ir::kNoId) {
    const ir::Node& bn = graph_.node(chain.batch_norm);
    FoldIntoConvolution(BatchNormAffine(ConstantData(bn.inputs[1]), ConstantData(bn.inputs[2]),
                                        ConstantData(bn.inputs[3]), ConstantData(bn.inputs[4]),
                                        std::get<ir::BatchNormAttrs>(bn.attrs).epsilon),
                        weight, bias);
    absorbed_[static_cast<size_t>(chain.batch_norm)] = true;
    ++result_.folded_batch_norms;
  }
  if (chain.activation != ir::kNoId) {
    absorbed_[static_cast<size_t>(chain.activation)] = true;
    ++result_.fused_activations;
  }
  const float input_scale = ActivationQuant(graph_, node.inputs[0]).scales[0];
  const std::vector<float> scales =
      WeightScales(graph_.value(node.inputs[1]), weight, outputs, chain.batch_norm != ir::kNoId);
  const std::vector<float> steps = QuantizedSteps(weight, scales);
  std::vector<float> bias_scales;
  std::vector<int32_t> bias_steps;
  for (int64_t o = 0; o < outputs; ++o) {
    bias_scales.push_back(input_scale * scales[static_cast<size_t>(o)]);
    bias_steps.push_back(static_cast<int32_t>(std::nearbyint(bias[o] / bias_scales.back())));
  }
  bias_steps.resize(bias_steps.size() + XNN_EXTRA_BYTES / sizeof(int32_t) + 1, 0);
  result_.static_int32.push_back(std::move(bias_steps));
  const uint32_t bias_id = DefineChannelwise(xnn_datatype_qcint32, {static_cast<size_t>(outputs)},
                                             0, bias_scales, result_.static_int32.back().data());

  const bool depthwise = attrs.groups > 1 && attrs.groups == channels && w[1] == 1;
  const std::vector<float> filter_steps =
      depthwise ? DepthwiseFilter(steps, w) : ConvFilterOhwi(steps, w);
  std::vector<int8_t> filter_data(filter_steps.begin(), filter_steps.end());
  filter_data.resize(filter_data.size() + XNN_EXTRA_BYTES, 0);
  result_.static_int8.push_back(std::move(filter_data));
  const auto kh = static_cast<size_t>(w[2]), kw = static_cast<size_t>(w[3]);
  const uint32_t filter =
      depthwise
          ? DefineChannelwise(xnn_datatype_qcint8, {1, kh, kw, static_cast<size_t>(outputs)}, 3,
                              scales, result_.static_int8.back().data())
          : DefineChannelwise(xnn_datatype_qcint8,
                              {static_cast<size_t>(outputs), kh, kw, static_cast<size_t>(w[1])}, 0,
                              scales, result_.static_int8.back().data());

  const uint32_t input = QuantizedInput(node.inputs[0]);
  const uint32_t output =
      DefineQuantized(StorageDims(graph_.value(chain.output).shape), chain.output);
  const auto top = U32(attrs.pads_begin[0]), left = U32(attrs.pads_begin[1]);
  const auto bottom = U32(attrs.pads_end[0]), right = U32(attrs.pads_end[1]);
  const auto [output_min, output_max] =
      QuantizedBounds(ActivationQuant(graph_, chain.output), chain);
  if (depthwise) {
    Check(xnn_define_depthwise_convolution_2d(
              result_.subgraph.get(), top, right, bottom, left, U32(w[2]), U32(w[3]),
              U32(attrs.strides[0]), U32(attrs.strides[1]), U32(attrs.dilations[0]),
              U32(attrs.dilations[1]), U32(outputs / channels), static_cast<size_t>(channels),
              output_min, output_max, input, filter, bias_id, output, 0),
          "xnn_define_depthwise_convolution_2d");
    RecordKernel(node, "depthwise_convolution_2d qint8 x qcint8 -> qint8", "int8");
  } else {
    Check(xnn_define_convolution_2d(result_.subgraph.get(), top, right, bottom, left, U32(w[2]),
                                    U32(w[3]), U32(attrs.strides[0]), U32(attrs.strides[1]),
                                    U32(attrs.dilations[0]), U32(attrs.dilations[1]),
                                    U32(attrs.groups), static_cast<size_t>(w[1]),
                                    static_cast<size_t>(outputs / attrs.groups), output_min,
                                    output_max, input, filter, bias_id, output, 0),
          "xnn_define_convolution_2d");
    RecordKernel(node, "convolution_2d qint8 x qcint8 -> qint8", "int8");
  }
  DequantizeInto(output, chain.output);
}

void SubgraphBuilder::EmitQuantizedFullyConnected(ir::NodeId id) {
  const ir::Node& node = graph_.node(id);
  const ir::Shape& w = graph_.value(node.inputs[1]).shape;  // [O, K]
  const int64_t outputs = w[0];
  const std::vector<float>& weight = ConstantData(node.inputs[1]);
  const ir::ValueId x = node.inputs[0];
  const FusedChain chain = PlanChain(graph_, consumers_, id);
  if (chain.activation != ir::kNoId) {
    absorbed_[static_cast<size_t>(chain.activation)] = true;
    ++result_.fused_activations;
  }
  const float input_scale = ActivationQuant(graph_, x).scales[0];
  const std::vector<float> scales =
      WeightScales(graph_.value(node.inputs[1]), weight, outputs, false);
  std::vector<float> steps = QuantizedSteps(weight, scales);
  if (LayoutOf(graph_, x) == Layout::kNhwcFlattened) {
    const ir::Shape& image = graph_.value(graph_.node(graph_.value(x).producer).inputs[0]).shape;
    steps = PermuteColumnsForNhwc(steps, w[0], image[1], image[2], image[3]);
  }
  std::vector<int8_t> filter_data(steps.begin(), steps.end());
  filter_data.resize(filter_data.size() + XNN_EXTRA_BYTES, 0);
  result_.static_int8.push_back(std::move(filter_data));
  const uint32_t filter = DefineChannelwise(
      xnn_datatype_qcint8, {static_cast<size_t>(outputs), 1, 1, static_cast<size_t>(w[1])}, 0,
      scales, result_.static_int8.back().data());
  std::vector<float> bias_scales;
  std::vector<int32_t> bias_steps;
  for (int64_t o = 0; o < outputs; ++o) {
    bias_scales.push_back(input_scale * scales[static_cast<size_t>(o)]);
    const float b = node.inputs.size() > 2 ? ConstantData(node.inputs[2])[o] : 0.0f;
    bias_steps.push_back(static_cast<int32_t>(std::nearbyint(b / bias_scales.back())));
  }
  bias_steps.resize(bias_steps.size() + XNN_EXTRA_BYTES / sizeof(int32_t) + 1, 0);
  result_.static_int32.push_back(std::move(bias_steps));
  const uint32_t bias = DefineChannelwise(xnn_datatype_qcint32, {static_cast<size_t>(outputs)}, 0,
                                          bias_scales, result_.static_int32.back().data());
  // This XNNPACK's fully connected node takes no per-channel (qcint8) weights: the layer
  // runs as the 1x1 convolution it is, on the input viewed as [N, 1, 1, K].
  const size_t batch = static_cast<size_t>(graph_.value(x).shape[0]);
  const size_t inputs = static_cast<size_t>(w[1]);
  const uint32_t input = DefineQuantized({batch, 1, 1, inputs}, x);
  Check(xnn_define_static_reshape(result_.subgraph.get(), 4,
                                  std::vector<size_t>{batch, 1, 1, inputs}.data(),
                                  QuantizedInput(x), input, 0),
        "xnn_define_static_reshape");
  const uint32_t image_output =
      DefineQuantized({batch, 1, 1, static_cast<size_t>(outputs)}, chain.output);
  const auto [output_min, output_max] =
      QuantizedBounds(ActivationQuant(graph_, chain.output), chain);
  Check(xnn_define_convolution_2d(result_.subgraph.get(), 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, inputs,
                                  static_cast<size_t>(outputs), output_min, output_max, input,
                                  filter, bias, image_output, 0),
        "xnn_define_convolution_2d");
  const uint32_t output =
      DefineQuantized(StorageDims(graph_.value(chain.output).shape), chain.output);
  const std::vector<size_t> output_dims = StorageDims(graph_.value(chain.output).shape);
  Check(xnn_define_static_reshape(result_.subgraph.get(), output_dims.size(), output_dims.data(),
                                  image_output, output, 0),
        "xnn_define_static_reshape");
  RecordKernel(node, "convolution_2d 1x1 qint8 x qcint8 -> qint8 (as fully connected)", "int8");
  DequantizeInto(output, chain.output);
}

}  // namespace edgebench::backends::xnnpack
