#include "backends/libtorch/eager_int8.h"

#include <string>

#include "backends/libtorch/quantized_layers.h"

namespace edgebench::backends::libtorch {
namespace {

// The boxed call of a quantized:: operator (their C++ packed-params types are not part of
// the installed API); returns its single result.
at::Tensor CallQuantized(const char* name, const char* overload, std::vector<c10::IValue> stack) {
  const c10::OperatorHandle op = c10::Dispatcher::singleton().findSchemaOrThrow(name, overload);
  op.callBoxed(&stack);
  return stack.front().toTensor();
}

}  // namespace

EagerInt8::EagerInt8(const ir::Graph& graph, Int8Plan plan)
    : plan_(std::move(plan)), packed_(PackInt8Layers(graph, plan_)) {
  for (const Int8Layer& layer : plan_.layers) ops_.push_back(graph.node(layer.node).op);
}

void EagerInt8::EnsureFloat(ir::ValueId id, std::vector<at::Tensor>& values,
                            const std::vector<at::Tensor>& quantized) {
  const auto v = static_cast<size_t>(id);
  if (!values[v].defined() && quantized[v].defined()) values[v] = quantized[v].dequantize();
}

const at::Tensor& EagerInt8::Quantized(ir::ValueId id, const ActivationQuant& quant,
                                       std::vector<at::Tensor>& values,
                                       std::vector<at::Tensor>& quantized) const {
  const auto v = static_cast<size_t>(id);
  if (!quantized[v].defined()) {
    EnsureFloat(id, values, quantized);
    quantized[v] = at::quantize_per_tensor(values[v], quant.scale, quant.zero_point, at::kQUInt8);
  }
  return quantized[v];
}

void EagerInt8::Run(ir::NodeId node, std::vector<at::Tensor>& values,
                    std::vector<at::Tensor>& quantized) const {
  const int index = plan_.LayerOf(node);
  const Int8Layer& layer = plan_.layers[static_cast<size_t>(index)];
  if (layer.node != node) return;
  const auto out = static_cast<size_t>(layer.output);
  const bool relu = layer.activation != ir::kNoId;
  const ir::OpKind op = ops_[static_cast<size_t>(index)];
  if (op == ir::OpKind::kAdd) {
    const at::Tensor& a = Quantized(layer.input, layer.input_quant, values, quantized);
    const at::Tensor& b = Quantized(layer.second_input, layer.second_quant, values, quantized);
    quantized[out] = CallQuantized(relu ? "quantized::add_relu" : "quantized::add", "",
                                   {a, b, layer.output_quant.scale, layer.output_quant.zero_point});
    return;
  }
  const c10::IValue& packed = packed_[static_cast<size_t>(index)];
  const bool conv = op == ir::OpKind::kConv;
  if (layer.fp32_output) {  // fully connected read in fp32 (see Int8Layer::fp32_output)
    EnsureFloat(layer.input, values, quantized);
    values[out] = CallQuantized("quantized::linear_dynamic", "",
                                {values[static_cast<size_t>(layer.input)], packed, false});
    return;
  }
  at::Tensor input;
  if (layer.explicit_pad.empty()) {
    input = Quantized(layer.input, layer.input_quant, values, quantized);
  } else {
    // As the script writer does: the asymmetric part of the padding on the fp32 input.
    EnsureFloat(layer.input, values, quantized);
    input = at::quantize_per_tensor(
        at::constant_pad_nd(values[static_cast<size_t>(layer.input)], layer.explicit_pad, 0.0),
        layer.input_quant.scale, layer.input_quant.zero_point, at::kQUInt8);
  }
  const std::string name =
      std::string(conv ? "quantized::conv2d" : "quantized::linear") + (relu ? "_relu" : "");
  quantized[out] =
      CallQuantized(name.c_str(), conv ? "new" : "",
                    {input, packed, layer.output_quant.scale, layer.output_quant.zero_point});
}

}  // namespace edgebench::backends::libtorch
