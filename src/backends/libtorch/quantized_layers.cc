#include "backends/libtorch/quantized_layers.h"

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <fmt/format.h>

#include <stdexcept>

namespace edgebench::backends::libtorch {
namespace {

bool Supported(at::QEngine engine) {
  for (const at::QEngine supported : at::globalContext().supportedQEngines()) {
    if (supported == engine) return true;
  }
  return false;
}

at::QEngine EngineNamed(const std::string& name) {
  if (name == kOneDnnEngine) return at::kONEDNN;
  if (name == kQnnpackEngine) return at::kQNNPACK;
  throw std::runtime_error(fmt::format("unknown quantized engine '{}'", name));
}

at::Tensor HostTensor(const std::vector<float>& data, const ir::Shape& shape) {
  return at::from_blob(const_cast<float*>(data.data()), at::IntArrayRef(shape),
                       at::TensorOptions().dtype(at::kFloat))
      .clone();
}

c10::IValue Pack(const ir::Graph& graph, const Int8Layer& layer) {
  const int64_t channels = layer.weight_shape.front();
  const at::Tensor scales = at::from_blob(const_cast<double*>(layer.weight_scales.data()),
                                          {channels}, at::TensorOptions().dtype(at::kDouble))
                                .clone();
  const at::Tensor weights =
      at::quantize_per_channel(HostTensor(layer.weights, layer.weight_shape), scales,
                               at::zeros({channels}, at::kLong), /*axis=*/0, at::kQInt8);
  c10::optional<at::Tensor> bias;
  if (!layer.bias.empty()) bias = HostTensor(layer.bias, {channels});
  const bool conv = graph.node(layer.node).op == ir::OpKind::kConv;
  // Called boxed through the dispatcher: the packed-params classes' C++ headers are not
  // part of the installed API, their TorchScript types are.
  const c10::OperatorHandle op = c10::Dispatcher::singleton().findSchemaOrThrow(
      conv ? "quantized::conv2d_prepack" : "quantized::linear_prepack", "");
  std::vector<c10::IValue> stack{weights, bias};
  if (conv) {
    stack.emplace_back(layer.strides);
    stack.emplace_back(layer.padding);
    stack.emplace_back(layer.dilations);
    stack.emplace_back(layer.groups);
  }
  op.callBoxed(&stack);
  if (stack.size() != 1 || !stack.front().isCustomClass()) {
    throw std::runtime_error(
        fmt::format("packing '{}' gave no packed weights", graph.node(layer.node).name));
  }
  return stack.front();
}

}  // namespace

std::string ChooseQuantizedEngine(const std::string& preferred) {
  if (!preferred.empty()) return Supported(EngineNamed(preferred)) ? preferred : "";
#if defined(__x86_64__) || defined(__i386__)
  if (Supported(at::kONEDNN)) return kOneDnnEngine;
#endif
  if (Supported(at::kQNNPACK)) return kQnnpackEngine;
  if (Supported(at::kONEDNN)) return kOneDnnEngine;
  return "";
}

bool OneDnnNeedsSevenBitWeights() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return !__builtin_cpu_supports("avx512vnni") && !__builtin_cpu_supports("avxvnni");
#else
  return false;
#endif
}

void SelectQuantizedEngine(const std::string& engine) {
  const at::QEngine wanted = EngineNamed(engine);
  if (!Supported(wanted)) {
    throw std::runtime_error(fmt::format("this LibTorch build has no {} engine", engine));
  }
  at::globalContext().setQEngine(wanted);
}

std::vector<c10::IValue> PackInt8Layers(const ir::Graph& graph, const Int8Plan& plan) {
  std::vector<c10::IValue> packed;
  packed.reserve(plan.layers.size());
  for (const Int8Layer& layer : plan.layers) {
    packed.push_back(layer.IsAdd() ? c10::IValue() : Pack(graph, layer));
  }
  return packed;
}

}  // namespace edgebench::backends::libtorch
