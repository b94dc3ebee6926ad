// IR ops that opset 13 has no node for, written as the node patterns PyTorch exports for
// them, which the importer folds back (onnx_import_fusion.h) and OpenCV 4.6 reads.

#include <fmt/format.h>

#include <cmath>

#include "formats/onnx_export_writer.h"
#include "ir/op_semantics.h"

namespace edgebench::formats::onnx_detail {
namespace {

// Steps of one IR node: intermediate tensors and nodes get fresh names derived from the
// IR node's; Finish writes the last node under the IR node's own name and output.
class Pattern {
 public:
  Pattern(OnnxWriter& writer, const ir::Node& node) : writer_(writer), node_(node) {}

  std::string Step(const std::string& op_type, const std::string& suffix,
                   const std::vector<std::string>& inputs, onnx::NodeProto** created = nullptr) {
    const std::string output = writer_.FreshName(fmt::format("{}_{}", Output(), suffix));
    onnx::NodeProto& node = writer_.AddNode(
        op_type, writer_.FreshNodeName(fmt::format("{}_{}", node_.name, suffix)), inputs, {output});
    if (created != nullptr) *created = &node;
    return output;
  }

  onnx::NodeProto& Finish(const std::string& op_type, const std::vector<std::string>& inputs) {
    return writer_.AddNode(op_type, node_.name, inputs, {Output()});
  }

  const std::string& Input(size_t i) const { return writer_.Name(node_.inputs.at(i)); }
  const std::string& Output() const { return writer_.Name(node_.outputs.at(0)); }

 private:
  OnnxWriter& writer_;
  const ir::Node& node_;
};

}  // namespace

void ExportSilu(OnnxWriter& writer, const ir::Node& node) {
  Pattern p(writer, node);
  const std::string gate = p.Step("Sigmoid", "sigmoid", {p.Input(0)});
  p.Finish("Mul", {p.Input(0), gate});
}

void ExportHardSwish(OnnxWriter& writer, const ir::Node& node) {
  Pattern p(writer, node);
  onnx::NodeProto* hard = nullptr;
  const std::string gate = p.Step("HardSigmoid", "hard_sigmoid", {p.Input(0)}, &hard);
  OnnxWriter::SetFloat(*hard, "alpha", 1.0f / 6.0f);
  OnnxWriter::SetFloat(*hard, "beta", 0.5f);
  p.Finish("Mul", {p.Input(0), gate});
}

void ExportGelu(OnnxWriter& writer, const ir::Node& node) {
  Pattern p(writer, node);
  const std::string& x = p.Input(0);
  std::string branch;
  if (std::get<ir::GeluAttrs>(node.attrs).tanh_approximation) {
    // 1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))
    const std::string square = p.Step("Mul", "square", {x, x});
    const std::string cube = p.Step("Mul", "cube", {x, square});
    const std::string cubic = p.Step("Mul", "cubic", {cube, writer.FloatScalar(0.044715f)});
    const std::string sum = p.Step("Add", "sum", {x, cubic});
    const auto beta = static_cast<float>(std::sqrt(2.0 / M_PI));
    const std::string inner = p.Step("Mul", "inner", {sum, writer.FloatScalar(beta)});
    const std::string tanh = p.Step("Tanh", "tanh", {inner});
    branch = p.Step("Add", "branch", {tanh, writer.FloatScalar(1.0f)});
  } else {
    // 1 + erf(x / sqrt(2))
    const auto sqrt2 = static_cast<float>(std::sqrt(2.0));
    const std::string scaled = p.Step("Div", "scaled", {x, writer.FloatScalar(sqrt2)});
    const std::string erf = p.Step("Erf", "erf", {scaled});
    branch = p.Step("Add", "branch", {erf, writer.FloatScalar(1.0f)});
  }
  const std::string product = p.Step("Mul", "product", {x, branch});
  p.Finish("Mul", {product, writer.FloatScalar(0.5f)});
}

void ExportLayerNorm(OnnxWriter& writer, const ir::Node& node) {
  Pattern p(writer, node);
  const std::string& x = p.Input(0);
  const auto& attrs = std::get<ir::LayerNormAttrs>(node.attrs);
  const size_t rank = writer.graph().value(node.inputs[0]).shape.size();
  const int64_t axis = ir::NormalizeAxis(attrs.axis, rank);
  // Negative axes, as PyTorch writes them: the normalized dims counted from the end.
  std::vector<int64_t> axes;
  for (int64_t d = axis; d < static_cast<int64_t>(rank); ++d) {
    axes.push_back(d - static_cast<int64_t>(rank));
  }
  onnx::NodeProto* reduce = nullptr;
  const std::string mean = p.Step("ReduceMean", "mean", {x}, &reduce);
  OnnxWriter::SetInts(*reduce, "axes", axes);
  const std::string centered = p.Step("Sub", "centered", {x, mean});
  const std::string square = p.Step("Pow", "square", {centered, writer.FloatScalar(2.0f)});
  const std::string variance = p.Step("ReduceMean", "variance", {square}, &reduce);
  OnnxWriter::SetInts(*reduce, "axes", axes);
  const std::string shifted =
      p.Step("Add", "shifted", {variance, writer.FloatScalar(attrs.epsilon)});
  const std::string deviation = p.Step("Sqrt", "deviation", {shifted});
  const bool has_bias = node.inputs.size() > 2;
  const std::string normalized = p.Step("Div", "normalized", {centered, deviation});
  if (!has_bias) {
    p.Finish("Mul", {normalized, p.Input(1)});
    return;
  }
  const std::string scaled = p.Step("Mul", "scaled", {normalized, p.Input(1)});
  p.Finish("Add", {scaled, p.Input(2)});
}

}  // namespace edgebench::formats::onnx_detail
