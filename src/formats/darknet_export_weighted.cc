// The weighted Darknet layers: [convolutional] (with a folded BatchNorm and activation),
// a standalone BatchNorm as a depthwise 1x1 [convolutional], and [connected].

#include <fmt/format.h>

#include <cmath>

#include "formats/darknet_export_layers.h"

namespace edgebench::formats::darknet {
namespace {

// Darknet normalizes by sqrt(rolling_variance) + 1e-6 where the IR divides by
// sqrt(variance + epsilon): the written variance makes the two divisors equal.
constexpr double kDarknetVarianceOffset = 0.000001;

struct NormalizationParams {
  std::vector<float> scales;
  std::vector<float> means;
  std::vector<float> variances;
};

NormalizationParams DarknetNormalization(const std::vector<float>& scale,
                                         const std::vector<float>& mean,
                                         const std::vector<float>& variance, float epsilon,
                                         const std::vector<float>* conv_bias) {
  NormalizationParams out;
  for (size_t c = 0; c < scale.size(); ++c) {
    const double divisor = std::sqrt(static_cast<double>(variance[c]) + epsilon);
    double written_scale = scale[c];
    double written_variance = 1.0;
    if (divisor > 1e-3) {
      written_variance = (divisor - kDarknetVarianceOffset) * (divisor - kDarknetVarianceOffset);
    } else {
      // Too small a divisor to write as a variance: fold it into the scale instead.
      written_scale = scale[c] * (1.0 + kDarknetVarianceOffset) / divisor;
    }
    // Darknet adds no convolution bias before normalizing: subtract it from the mean.
    const double bias = conv_bias != nullptr ? (*conv_bias)[c] : 0.0;
    out.scales.push_back(static_cast<float>(written_scale));
    out.means.push_back(static_cast<float>(mean[c] - bias));
    out.variances.push_back(static_cast<float>(written_variance));
  }
  return out;
}

void Append(std::vector<float>& to, const std::vector<float>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

bool IsConstant(const ir::Graph& graph, ir::ValueId value) {
  return graph.value(value).kind == ir::ValueKind::kConstant;
}

std::string NodeNames(const std::vector<const ir::Node*>& nodes) {
  std::string names;
  for (const ir::Node* node : nodes) {
    if (!names.empty()) names += ", ";
    names += node->name;
  }
  return names;
}

}  // namespace

std::string LayerBuilder::AddConv(const ir::Node& node) {
  const auto& attrs = std::get<ir::ConvAttrs>(node.attrs);
  const ir::ValueId x = node.inputs[0];
  const ir::ValueId weight = node.inputs[1];
  const ir::ValueId bias = node.inputs.size() > 2 ? node.inputs[2] : ir::kNoId;
  const ir::Shape& w = graph_.value(weight).shape;
  if (w.size() != 4) return "Darknet's [convolutional] is 2-D only";
  if (!IsConstant(graph_, weight) || (bias != ir::kNoId && !IsConstant(graph_, bias))) {
    return "its weights are computed, not constant; Darknet loads weights from the file";
  }
  if (w[2] != w[3])
    return fmt::format("kernel {}x{} is not square (Darknet has one size=)", w[2], w[3]);
  if (attrs.strides[0] != attrs.strides[1]) {
    return fmt::format("strides {}x{} differ (Darknet has one stride=)", attrs.strides[0],
                       attrs.strides[1]);
  }
  for (int64_t dilation : attrs.dilations) {
    if (dilation != 1) return "dilated convolution (Darknet 2018 has no dilation)";
  }
  const int64_t pad = attrs.pads_begin[0];
  if (attrs.pads_begin[1] != pad || attrs.pads_end[0] != pad || attrs.pads_end[1] != pad) {
    return "asymmetric or unequal padding (Darknet pads every side by the same padding=)";
  }
  // Darknet's forward pass feeds a 1x1 kernel's input to gemm as is, skipping im2col and
  // with it the stride and padding.
  if (w[2] == 1 && pad != 0) return "padded 1x1 convolution (Darknet ignores its padding)";
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  if (std::string why = CheckImage(x); !why.empty()) return why;
  Feed(x);
  int64_t stride = attrs.strides[0];
  if (w[2] == 1 && stride != 1) {
    // So a strided 1x1 convolution subsamples first, with a 1x1 max pool.
    const ir::Shape& in = graph_.value(x).shape;
    Layer subsample("maxpool",
                    {{"size", "1"}, {"stride", std::to_string(stride)}, {"padding", "0"}});
    subsample.channels = in[1];
    subsample.height = (in[2] - 1) / stride + 1;
    subsample.width = (in[3] - 1) / stride + 1;
    subsample.origin = fmt::format("stride of '{}'", node.name);
    plan_.layers.push_back(std::move(subsample));
    current_ = static_cast<int>(plan_.layers.size()) - 1;
    stride = 1;
  }

  std::vector<const ir::Node*> nodes{&node};
  ir::ValueId out = node.outputs[0];
  const ir::Node* norm = SoleConsumer(out);
  if (norm != nullptr && norm->op == ir::OpKind::kBatchNorm && norm->inputs[0] == out &&
      IsConstant(graph_, norm->inputs[1]) && IsConstant(graph_, norm->inputs[2]) &&
      IsConstant(graph_, norm->inputs[3]) && IsConstant(graph_, norm->inputs[4])) {
    fused_[static_cast<size_t>(consumers_[static_cast<size_t>(out)][0])] = true;
    nodes.push_back(norm);
    out = norm->outputs[0];
  } else {
    norm = nullptr;
  }
  const ir::ValueId before_activation = out;
  const std::string activation = FoldActivation(out);
  if (out != before_activation) nodes.push_back(&graph_.node(graph_.value(out).producer));

  Layer layer("convolutional");
  if (norm != nullptr) layer.options.emplace_back("batch_normalize", "1");
  layer.options.emplace_back("filters", std::to_string(w[0]));
  layer.options.emplace_back("size", std::to_string(w[2]));
  layer.options.emplace_back("stride", std::to_string(stride));
  layer.options.emplace_back("padding", std::to_string(pad));
  if (attrs.groups != 1) layer.options.emplace_back("groups", std::to_string(attrs.groups));
  layer.options.emplace_back("activation", activation);

  if (with_weights_) {
    const std::vector<float> zeros(static_cast<size_t>(w[0]), 0.0f);
    const std::vector<float>& conv_bias = bias != ir::kNoId ? Data(bias) : zeros;
    if (norm != nullptr) {
      const float epsilon = std::get<ir::BatchNormAttrs>(norm->attrs).epsilon;
      NormalizationParams params = DarknetNormalization(
          Data(norm->inputs[1]), Data(norm->inputs[3]), Data(norm->inputs[4]), epsilon, &conv_bias);
      Append(layer.params, Data(norm->inputs[2]));  // biases: the normalization's shift
      Append(layer.params, params.scales);
      Append(layer.params, params.means);
      Append(layer.params, params.variances);
    } else {
      Append(layer.params, conv_bias);
    }
    Append(layer.params, Data(weight));
  }
  Emit(std::move(layer), out, NodeNames(nodes));
  return "";
}

std::string LayerBuilder::AddBatchNorm(const ir::Node& node) {
  const ir::ValueId x = node.inputs[0];
  for (size_t i = 1; i < 5; ++i) {
    if (!IsConstant(graph_, node.inputs[i])) {
      return "its statistics are computed, not constant; Darknet loads them from the file";
    }
  }
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  if (std::string why = CheckImage(x); !why.empty()) return why;
  Feed(x);
  const int64_t channels = graph_.value(x).shape[1];
  std::vector<const ir::Node*> nodes{&node};
  ir::ValueId out = node.outputs[0];
  const std::string activation = FoldActivation(out);
  if (out != node.outputs[0]) nodes.push_back(&graph_.node(graph_.value(out).producer));

  // Darknet's own [batchnorm] layer loads no shift, so a per-channel (depthwise) 1x1
  // convolution carries the affine transform instead.
  Layer layer("convolutional");
  layer.options = {{"filters", std::to_string(channels)},
                   {"size", "1"},
                   {"stride", "1"},
                   {"padding", "0"},
                   {"groups", std::to_string(channels)},
                   {"activation", activation}};
  if (with_weights_) {
    const float epsilon = std::get<ir::BatchNormAttrs>(node.attrs).epsilon;
    const std::vector<float>& scale = Data(node.inputs[1]);
    const std::vector<float>& shift = Data(node.inputs[2]);
    const std::vector<float>& mean = Data(node.inputs[3]);
    const std::vector<float>& variance = Data(node.inputs[4]);
    std::vector<float> weights;
    for (size_t c = 0; c < scale.size(); ++c) {
      const double factor = scale[c] / std::sqrt(static_cast<double>(variance[c]) + epsilon);
      layer.params.push_back(static_cast<float>(shift[c] - mean[c] * factor));
      weights.push_back(static_cast<float>(factor));
    }
    Append(layer.params, weights);
  }
  Emit(std::move(layer), out, NodeNames(nodes));
  return "";
}

std::string LayerBuilder::AddWindowAverage(const ir::Node& node) {
  const auto& attrs = std::get<ir::PoolAttrs>(node.attrs);
  const ir::ValueId x = node.inputs[0];
  const ir::Shape& in = graph_.value(x).shape;
  const ir::Shape& out = graph_.value(node.outputs[0]).shape;
  const char* kWhy =
      "Darknet 2018's [avgpool] is global; a window average is written as a depthwise "
      "convolution only for a square window, one stride, and no padding or padding counted "
      "in the average";
  if (attrs.kernel.size() != 2 || attrs.kernel[0] != attrs.kernel[1] ||
      attrs.strides[0] != attrs.strides[1]) {
    return kWhy;
  }
  const int64_t size = attrs.kernel[0];
  const int64_t stride = attrs.strides[0];
  const int64_t pad = attrs.pads_begin[0];
  for (const auto* pads : {&attrs.pads_begin, &attrs.pads_end}) {
    for (int64_t p : *pads) {
      if (p != pad) return kWhy;
    }
  }
  if (pad != 0 && !attrs.count_include_pad) return kWhy;
  // Darknet's 1x1 kernels skip im2col and with it stride and padding.
  if (size == 1 && (stride != 1 || pad != 0)) return kWhy;
  if ((in[2] + 2 * pad - size) / stride + 1 != out[2] ||
      (in[3] + 2 * pad - size) / stride + 1 != out[3]) {
    return "the pooling's output size (ceil mode) is not a Darknet convolution's";
  }
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  if (std::string why = CheckImage(x); !why.empty()) return why;
  Feed(x);
  const int64_t channels = in[1];
  Layer layer("convolutional", {{"filters", std::to_string(channels)},
                                {"size", std::to_string(size)},
                                {"stride", std::to_string(stride)},
                                {"padding", std::to_string(pad)},
                                {"groups", std::to_string(channels)},
                                {"activation", "linear"}});
  if (with_weights_) {
    layer.params.assign(static_cast<size_t>(channels), 0.0f);
    layer.params.resize(static_cast<size_t>(channels + channels * size * size),
                        1.0f / static_cast<float>(size * size));
  }
  Emit(std::move(layer), node.outputs[0], node.name);
  return "";
}

std::string LayerBuilder::AddFullyConnected(const ir::Node& node) {
  const ir::ValueId x = node.inputs[0];
  const ir::ValueId weight = node.inputs[1];
  const ir::ValueId bias = node.inputs.size() > 2 ? node.inputs[2] : ir::kNoId;
  if (!IsConstant(graph_, weight) || (bias != ir::kNoId && !IsConstant(graph_, bias))) {
    return "its weights are computed, not constant; Darknet loads weights from the file";
  }
  const ir::Shape& in = graph_.value(x).shape;
  if (in.empty() || in[0] != 1) {
    return fmt::format("input {} is not one row (the Darknet network runs batch 1)",
                       ir::ShapeToString(in));
  }
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  Feed(x);
  const int64_t outputs = graph_.value(weight).shape[0];
  std::vector<const ir::Node*> nodes{&node};
  ir::ValueId out = node.outputs[0];
  const std::string activation = FoldActivation(out);
  if (out != node.outputs[0]) nodes.push_back(&graph_.node(graph_.value(out).producer));

  Layer layer("connected", {{"output", std::to_string(outputs)}, {"activation", activation}});
  if (with_weights_) {
    if (bias != ir::kNoId) {
      Append(layer.params, Data(bias));
    } else {
      layer.params.assign(static_cast<size_t>(outputs), 0.0f);
    }
    // Darknet 0.2 files store connected weights as [outputs][inputs], the IR's order.
    Append(layer.params, Data(weight));
  }
  Emit(std::move(layer), out, NodeNames(nodes), Dims{outputs, 1, 1});
  return "";
}

}  // namespace edgebench::formats::darknet
