#include "backends/libtorch/int8_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <variant>

#include "backends/libtorch/lowering.h"

namespace edgebench::backends::libtorch {
namespace {

// The per-tensor u8 parameters of an activation, if calibration gave it any.
std::optional<ActivationQuant> ActivationQuantOf(const ir::Value& value) {
  if (!value.quant || value.quant->axis != -1 || value.quant->type != ir::DType::kU8 ||
      value.quant->scales.size() != 1 || value.quant->zero_points.size() != 1) {
    return std::nullopt;
  }
  return ActivationQuant{value.quant->scales.front(), value.quant->zero_points.front()};
}

bool IsConstantWithData(const ir::Value& value) {
  return value.kind == ir::ValueKind::kConstant &&
         static_cast<int64_t>(value.data.size()) == ir::ElementCount(value.shape);
}

class Planner {
 public:
  Planner(const ir::Graph& graph, bool seven_bit_weights)
      : graph_(graph), seven_bit_weights_(seven_bit_weights) {
    for (const ir::Node& node : graph.nodes()) {
      for (ir::ValueId input : node.inputs) ++readers_[input];
    }
    outputs_.insert(graph.outputs().begin(), graph.outputs().end());
  }

  // The node that alone reads `value`, or nullptr (several readers, or a graph output).
  const ir::Node* SoleReader(ir::ValueId value) const {
    if (outputs_.count(value) != 0) return nullptr;
    auto count = readers_.find(value);
    if (count == readers_.end() || count->second != 1) return nullptr;
    for (const ir::Node& node : graph_.nodes()) {
      if (std::find(node.inputs.begin(), node.inputs.end(), value) != node.inputs.end()) {
        return &node;
      }
    }
    return nullptr;
  }

  ir::NodeId IdOf(const ir::Node& node) const {
    return static_cast<ir::NodeId>(&node - graph_.nodes().data());
  }

  // Whether only convolutions, fully connected layers and max poolings read `value` (it
  // is not an output) -- whether it can stay quantized; one of those that runs fp32
  // reads it dequantized, but its range was calibrated on the same data.
  bool FeedsOnlyInt8Layers(ir::ValueId value) const {
    if (outputs_.count(value) != 0) return false;
    for (const ir::Node& node : graph_.nodes()) {
      if (std::find(node.inputs.begin(), node.inputs.end(), value) == node.inputs.end()) continue;
      // A max pooling passes quantized values through (ScriptWriter runs it on them).
      if (node.op != ir::OpKind::kConv && node.op != ir::OpKind::kFullyConnected &&
          node.op != ir::OpKind::kMaxPool) {
        return false;
      }
    }
    return true;
  }

  // A residual Add of two activations of its own shape whose ranges are calibrated runs
  // on quantized tensors (the convolutions around it read and write them), with a
  // following ReLU inside it as for a layer; otherwise it stays fp32.
  std::optional<Int8Layer> PlanAdd(const ir::Node& node) const {
    if (node.inputs.size() != 2 || node.inputs[0] == node.inputs[1]) return std::nullopt;
    const ir::Shape& shape = graph_.value(node.outputs.front()).shape;
    std::optional<ActivationQuant> quants[2];
    for (size_t i = 0; i < 2; ++i) {
      const ir::Value& input = graph_.value(node.inputs[i]);
      if (input.kind == ir::ValueKind::kConstant || input.shape != shape) return std::nullopt;
      quants[i] = ActivationQuantOf(input);
      if (!quants[i]) return std::nullopt;
    }
    Int8Layer add;
    add.node = IdOf(node);
    add.input = node.inputs[0];
    add.second_input = node.inputs[1];
    add.input_quant = *quants[0];
    add.second_quant = *quants[1];
    add.output = node.outputs.front();
    FuseFollowingActivation(add);
    const std::optional<ActivationQuant> output_quant = ActivationQuantOf(graph_.value(add.output));
    if (!output_quant) return std::nullopt;
    add.output_quant = *output_quant;
    AddHeadroom(add);
    return add;
  }

  // The int8 layer `node` runs as, or nullopt when it stays fp32.
  std::optional<Int8Layer> Plan(const ir::Node& node) const {
    if (node.inputs.size() < 2) return std::nullopt;
    const ir::Value& input = graph_.value(node.inputs[0]);
    const ir::Value& weight = graph_.value(node.inputs[1]);
    const bool conv = node.op == ir::OpKind::kConv;
    if (conv && input.shape.size() != 4) return std::nullopt;  // quantized::conv2d only
    if (!conv && input.shape.size() != 2) return std::nullopt;
    if (!IsConstantWithData(weight) || !weight.quant || weight.quant->axis != 0) {
      return std::nullopt;
    }
    const int64_t channels = weight.shape.front();
    if (static_cast<int64_t>(weight.quant->scales.size()) != channels) return std::nullopt;
    if (node.inputs.size() > 2 && !IsConstantWithData(graph_.value(node.inputs[2]))) {
      return std::nullopt;
    }
    const std::optional<ActivationQuant> input_quant = ActivationQuantOf(input);
    if (!input_quant) return std::nullopt;

    Int8Layer layer;
    layer.node = IdOf(node);
    layer.input = node.inputs[0];
    layer.output = node.outputs.front();
    layer.weight_shape = weight.shape;
    if (conv) {
      const auto& attrs = std::get<ir::ConvAttrs>(node.attrs);
      const ConvLowering lowering = LowerConv(attrs);
      layer.strides = attrs.strides;
      layer.padding = lowering.padding;
      layer.explicit_pad = lowering.explicit_pad;
      layer.dilations = attrs.dilations;
      layer.groups = attrs.groups;
    }
    layer.weights = weight.data;
    if (node.inputs.size() > 2) layer.bias = graph_.value(node.inputs[2]).data;
    if (conv) FoldFollowingBatchNorm(layer, channels);
    const ir::ValueId before_activation = layer.output;
    FuseFollowingActivation(layer);
    layer.input_quant = *input_quant;
    const bool fp32_reads = !FeedsOnlyInt8Layers(layer.output);
    if (fp32_reads && !conv) {
      // The classifier into a softmax: the other backends give it their int8 layer's
      // fp32 logits; rounding them to 8 bits moved the probabilities past the int8 bound
      // (MobileNet-v2: 0.13 rel L2 instead of 0.015). quantized::linear_dynamic writes
      // fp32 (any activation after it then runs in fp32).
      layer.fp32_output = true;
      layer.activation = ir::kNoId;
      layer.output = before_activation;
    } else {
      const std::optional<ActivationQuant> output_quant =
          ActivationQuantOf(graph_.value(layer.output));
      if (!output_quant) return std::nullopt;
      layer.output_quant = *output_quant;
      AddHeadroom(layer);
    }
    if (layer.batch_norm == ir::kNoId) {
      layer.weight_scales.assign(weight.quant->scales.begin(), weight.quant->scales.end());
    } else {
      layer.weight_scales = MaxAbsScales(layer.weights, channels);
    }
    if (seven_bit_weights_) {
      for (double& scale : layer.weight_scales) scale *= 127.0 / 63.0;
    }
    layer.packed_name = fmt::format("p{}", layer.node);
    return layer;
  }

 private:
  // An output a non-layer node reads (a residual add, a pooling) is quantized only
  // because LibTorch's static quantized operators cannot write fp32 (conv2d_dynamic
  // can, but its onednn kernel missed the int8 bound by far: 0.39 rel L2 on ResNet-18),
  // where the other backends' layers write fp32. The range, calibrated on a few inputs,
  // clips other inputs' larger values; a quarter more headroom (same zero point, so 0
  // stays exact) kept ResNet-18 at 64x64 within the int8 bound on the seeds tried (x1: up
  // to 0.12 rel L2). A fused ReLU6 / Clip clamps through the range's top (see
  // FuseFollowingActivation): the headroom stops at the clip.
  void AddHeadroom(Int8Layer& layer) const {
    if (FeedsOnlyInt8Layers(layer.output)) return;
    layer.output_quant.scale =
        std::max(layer.output_quant.scale,
                 std::min(layer.output_quant.scale * 1.25, layer.activation_max / 255.0));
  }

  // The IR's weight rule on folded weights: max |w| / 127 per output channel (1 for an
  // all-zero channel, so a scale is never 0).
  static std::vector<double> MaxAbsScales(const std::vector<float>& weights, int64_t channels) {
    std::vector<double> scales(static_cast<size_t>(channels), 0.0);
    const size_t per_channel = weights.size() / static_cast<size_t>(channels);
    for (size_t i = 0; i < weights.size(); ++i) {
      double& largest = scales[i / per_channel];
      largest = std::max(largest, static_cast<double>(std::fabs(weights[i])));
    }
    for (double& scale : scales) scale = scale > 0 ? scale / 127.0 : 1.0;
    return scales;
  }

  // A BatchNorm alone reading the convolution's output becomes part of its weights:
  // W'[o] = W[o] * s[o], b'[o] = (b[o] - mean[o]) * s[o] + beta[o], s = gamma / sqrt(var + eps),
  // each in double and rounded once.
  void FoldFollowingBatchNorm(Int8Layer& layer, int64_t channels) const {
    const ir::Node* bn = SoleReader(layer.output);
    if (bn == nullptr || bn->op != ir::OpKind::kBatchNorm || bn->inputs.size() != 5 ||
        bn->inputs[0] != layer.output) {
      return;
    }
    for (size_t i = 1; i < 5; ++i) {
      const ir::Value& param = graph_.value(bn->inputs[i]);
      if (!IsConstantWithData(param) || ir::ElementCount(param.shape) != channels) return;
    }
    const std::vector<float>& gamma = graph_.value(bn->inputs[1]).data;
    const std::vector<float>& beta = graph_.value(bn->inputs[2]).data;
    const std::vector<float>& mean = graph_.value(bn->inputs[3]).data;
    const std::vector<float>& variance = graph_.value(bn->inputs[4]).data;
    const double epsilon = std::get<ir::BatchNormAttrs>(bn->attrs).epsilon;
    const size_t per_channel = layer.weights.size() / static_cast<size_t>(channels);
    std::vector<float> bias(static_cast<size_t>(channels));
    for (size_t o = 0; o < bias.size(); ++o) {
      const double s = gamma[o] / std::sqrt(static_cast<double>(variance[o]) + epsilon);
      for (size_t k = 0; k < per_channel; ++k) {
        float& w = layer.weights[o * per_channel + k];
        w = static_cast<float>(w * s);
      }
      const double b = layer.bias.empty() ? 0.0 : layer.bias[o];
      bias[o] = static_cast<float>((b - mean[o]) * s + beta[o]);
    }
    layer.bias = std::move(bias);
    layer.batch_norm = IdOf(*bn);
    layer.output = bn->outputs.front();
  }

  // A ReLU alone reading the layer's output runs inside it. So does a ReLU6 or a Clip from
  // 0 whose calibrated output range [0, M] lies within its clip: quantizing with that
  // range saturates at M <= the clip's maximum anyway, so relu-then-quantize computes the
  // same codes as clip-then-quantize.
  void FuseFollowingActivation(Int8Layer& layer) const {
    const ir::Node* next = SoleReader(layer.output);
    if (next == nullptr || next->inputs.size() != 1) return;
    double clip_max = 0;
    if (next->op == ir::OpKind::kRelu) {
      clip_max = std::numeric_limits<double>::infinity();
    } else if (next->op == ir::OpKind::kRelu6) {
      clip_max = 6.0;
    } else if (next->op == ir::OpKind::kClip && std::get<ir::ClipAttrs>(next->attrs).min == 0.0f) {
      clip_max = std::get<ir::ClipAttrs>(next->attrs).max;
    } else {
      return;
    }
    const std::optional<ActivationQuant> quant = ActivationQuantOf(graph_.value(next->outputs[0]));
    // A range that hits the clip (ReLU6's [0, 6]) has scale = 6 / 255 rounded to float,
    // whose 255 steps may overshoot 6 by an ulp: still the same codes.
    if (!quant || quant->zero_point != 0 || quant->scale * 255.0 > clip_max * (1 + 1e-6)) return;
    layer.activation = IdOf(*next);
    layer.activation_max = clip_max;
    layer.output = next->outputs.front();
  }

  const ir::Graph& graph_;
  bool seven_bit_weights_;
  std::map<ir::ValueId, int> readers_;
  std::set<ir::ValueId> outputs_;
};

}  // namespace

Int8Plan PlanInt8(const ir::Graph& graph, const std::string& engine, bool seven_bit_weights) {
  const bool calibrated =
      std::any_of(graph.values().begin(), graph.values().end(),
                  [](const ir::Value& value) { return value.quant.has_value(); });
  if (!calibrated) {
    throw std::runtime_error(
        "the graph carries no int8 calibration (passes::CalibrateInt8 sets the ranges an int8 "
        "job quantizes with)");
  }
  Int8Plan plan;
  plan.engine = engine;
  plan.layer_of_node.assign(graph.nodes().size(), -1);
  Planner planner(graph, seven_bit_weights);
  for (ir::NodeId id : graph.ExecutionOrder()) {
    const ir::Node& node = graph.node(id);
    if (plan.LayerOf(id) >= 0) continue;  // an activation fused into an Add before it
    if (node.op == ir::OpKind::kAdd) {
      if (std::optional<Int8Layer> add = planner.PlanAdd(node)) {
        const int index = static_cast<int>(plan.layers.size());
        for (ir::NodeId part : {add->node, add->activation}) {
          if (part != ir::kNoId) plan.layer_of_node[static_cast<size_t>(part)] = index;
        }
        plan.layers.push_back(std::move(*add));
      }
      continue;
    }
    const bool conv = node.op == ir::OpKind::kConv;
    if (!conv && node.op != ir::OpKind::kFullyConnected) continue;
    const char* op = conv ? "conv" : "fully_connected";
    std::optional<Int8Layer> layer = planner.Plan(node);
    if (!layer) {
      const std::string fp32 =
          conv ? fmt::format("aten::conv{}d", graph.value(node.inputs[0]).shape.size() - 2)
               : "aten::linear";
      plan.kernels.push_back({op, fp32, "fp32"});
      continue;
    }
    const int index = static_cast<int>(plan.layers.size());
    for (ir::NodeId part : {layer->node, layer->batch_norm, layer->activation}) {
      if (part != ir::kNoId) plan.layer_of_node[static_cast<size_t>(part)] = index;
    }
    const char* variant = layer->fp32_output               ? "_dynamic"
                          : layer->activation != ir::kNoId ? "_relu"
                                                           : "";
    const std::string kernel =
        fmt::format("quantized::{}{}({}{})", conv ? "conv2d" : "linear", variant, engine,
                    seven_bit_weights ? ", 7-bit weights: no VNNI" : "");
    plan.kernels.push_back({op, kernel, "int8"});
    plan.layers.push_back(std::move(*layer));
  }
  return plan;
}

}  // namespace edgebench::backends::libtorch
