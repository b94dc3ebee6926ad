// The int8 layers of the TorchScript source (int8_plan.h). A layer reads its input as a
// quint8 tensor -- the previous int8 layer's output as it is, or the fp32 value quantized
// with its calibrated parameters -- and writes its output as a quint8 local "q<id>"; an
// fp32 reader gets "v<id>" from one dequantize, written just before the first such reader.

#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "backends/libtorch/lowering.h"
#include "backends/libtorch/script_writer.h"

namespace edgebench::backends::libtorch {
namespace {

// quantize_per_tensor's dtype argument is a ScalarType, which TorchScript passes as an
// int; 13 is c10::ScalarType::QUInt8 (a stable serialized value).
constexpr int kQUInt8 = 13;

}  // namespace

bool ScriptWriter::EmitInt8(ir::NodeId id) {
  const int index = int8_->LayerOf(id);
  if (index < 0) return false;
  const Int8Layer& layer = int8_->layers[static_cast<size_t>(index)];
  if (layer.node == id) EmitInt8Layer(layer);
  return true;
}

bool ScriptWriter::EmitQuantizedMaxPool(ir::NodeId id) {
  const ir::Node& node = graph_.node(id);
  if (node.op != ir::OpKind::kMaxPool || node.inputs.size() != 1) return false;
  const ir::ValueId input = node.inputs.front();
  if (!quantized_[static_cast<size_t>(input)] || SpatialRank(node) != 2) return false;
  const auto& attrs = std::get<ir::PoolAttrs>(node.attrs);
  const PoolLowering lowering =
      LowerPool(attrs, /*average=*/false, InputShape(node), OutputShape(node));
  const bool native =
      lowering.explicit_pad.empty() && std::all_of(lowering.trim.begin(), lowering.trim.end(),
                                                   [](int64_t extent) { return extent < 0; });
  if (!native) return false;
  const ir::ValueId output = node.outputs.front();
  Line(node, fmt::format("q{}", output),
       fmt::format("torch.max_pool2d(q{}, {}, {}, {}, [1, 1], {})", input, IntList(attrs.kernel),
                   IntList(attrs.strides), IntList(lowering.padding), Bool(attrs.ceil_mode)));
  quantized_[static_cast<size_t>(output)] = true;
  float_[static_cast<size_t>(output)] = false;
  return true;
}

void ScriptWriter::EnsureFloat(const ir::Node& reader, ir::ValueId value) {
  const auto v = static_cast<size_t>(value);
  if (float_[v]) return;
  Line(reader, fmt::format("v{}", value), fmt::format("torch.dequantize(q{})", value));
  float_[v] = true;
}

std::string ScriptWriter::QuantizedInput(const ir::Node& reader, ir::ValueId value,
                                         const ActivationQuant& quant) {
  const auto v = static_cast<size_t>(value);
  const std::string name = fmt::format("q{}", value);
  if (quantized_[v]) return name;
  EnsureFloat(reader, value);
  Line(reader, name,
       fmt::format("torch.quantize_per_tensor({}, {}, {}, {})", Name(value),
                   FloatLiteral(quant.scale), quant.zero_point, kQUInt8));
  quantized_[v] = true;
  return name;
}

void ScriptWriter::EmitInt8Layer(const Int8Layer& layer) {
  const ir::Node& node = graph_.node(layer.node);
  if (layer.IsAdd()) {
    const std::string a = QuantizedInput(node, layer.input, layer.input_quant);
    const std::string b = QuantizedInput(node, layer.second_input, layer.second_quant);
    Line(
        node, fmt::format("q{}", layer.output),
        fmt::format("quantized.add{}({}, {}, {}, {})", layer.activation != ir::kNoId ? "_relu" : "",
                    a, b, FloatLiteral(layer.output_quant.scale), layer.output_quant.zero_point));
    quantized_[static_cast<size_t>(layer.output)] = true;
    float_[static_cast<size_t>(layer.output)] = false;
    return;
  }
  const char* op = node.op == ir::OpKind::kConv ? "conv2d" : "linear";
  if (layer.fp32_output) {
    EnsureFloat(node, layer.input);
    std::string input = Name(layer.input);
    const std::string output = fmt::format("v{}", layer.output);
    if (!layer.explicit_pad.empty()) {
      Line(node, output,
           fmt::format("torch.constant_pad_nd({}, {}, 0.0)", input, IntList(layer.explicit_pad)));
      input = output;
    }
    // reduce_range=False: full u8 inputs (7-bit weights are the plan's answer to overflow).
    Line(node, output,
         fmt::format("quantized.{}_dynamic({}, self.{}, False)", op, input, layer.packed_name));
    return;
  }
  std::string input;
  if (layer.explicit_pad.empty()) {
    input = QuantizedInput(node, layer.input, layer.input_quant);
  } else {
    // The asymmetric part of the padding is added to the fp32 input (zeros quantize to
    // the zero point exactly), so this layer quantizes its own padded copy.
    EnsureFloat(node, layer.input);
    input = fmt::format("t{}", layer.output);
    Line(node, input,
         fmt::format("torch.constant_pad_nd({}, {}, 0.0)", Name(layer.input),
                     IntList(layer.explicit_pad)));
    Line(node, input,
         fmt::format("torch.quantize_per_tensor({}, {}, {}, {})", input,
                     FloatLiteral(layer.input_quant.scale), layer.input_quant.zero_point, kQUInt8));
  }
  const char* relu = layer.activation != ir::kNoId ? "_relu" : "";
  Line(node, fmt::format("q{}", layer.output),
       fmt::format("quantized.{}{}({}, self.{}, {}, {})", op, relu, input, layer.packed_name,
                   FloatLiteral(layer.output_quant.scale), layer.output_quant.zero_point));
  quantized_[static_cast<size_t>(layer.output)] = true;
  float_[static_cast<size_t>(layer.output)] = false;
}

}  // namespace edgebench::backends::libtorch
