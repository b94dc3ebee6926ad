// IR -> ONNX (opset 13). Every IR op maps to one ONNX node, except the few opset 13 has
// no node for (Silu, HardSwish, Gelu, LayerNorm: onnx_export_composite.cc); attributes
// ONNX passes as inputs (Clip bounds, shapes, axes, pads, indices, Resize scales) become
// initializers so runtimes see constants.

#include <fmt/format.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <fstream>
#include <unordered_set>

#include "formats/onnx.h"
#include "formats/onnx_export_writer.h"
#include "formats/onnx_tensor.h"

namespace edgebench::formats {
namespace {

constexpr int64_t kIrVersion = 8;
constexpr int64_t kOpset = 13;

using onnx_detail::OnnxWriter;

class Exporter {
 public:
  explicit Exporter(const ir::Graph& graph) : graph_(graph) {}

  onnx::ModelProto Run() {
    onnx::ModelProto model;
    model.set_ir_version(kIrVersion);
    model.set_producer_name("edgebench");
    onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOpset);
    onnx::GraphProto& graph_proto = *model.mutable_graph();
    graph_proto.set_name(graph_.name());
    OnnxWriter writer(graph_, graph_proto);
    writer_ = &writer;
    for (ir::ValueId id : graph_.inputs()) AddValueInfo(graph_proto.add_input(), id);
    for (const ir::Value& value : graph_.values()) {
      if (value.kind == ir::ValueKind::kConstant) AddWeight(value);
    }
    std::vector<ir::NodeId> order;
    try {
      order = graph_.ExecutionOrder();
    } catch (const ir::GraphError& error) {
      throw FormatError(error.what());
    }
    for (ir::NodeId id : order) AddNode(graph_.node(id));
    for (ir::ValueId id : graph_.outputs()) AddValueInfo(graph_proto.add_output(), id);
    writer_ = nullptr;
    return model;
  }

 private:
  void CheckF32(const ir::Value& value) {
    if (value.dtype != ir::DType::kF32) {
      throw FormatError(fmt::format("value '{}' is {}; only f32 graphs export", value.name,
                                    ir::DTypeName(value.dtype)));
    }
  }

  void AddValueInfo(onnx::ValueInfoProto* info, ir::ValueId id) {
    const ir::Value& value = graph_.value(id);
    CheckF32(value);
    info->set_name(value.name);
    onnx::TypeProto::Tensor* type = info->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    onnx::TensorShapeProto* shape = type->mutable_shape();
    for (int64_t dim : value.shape) shape->add_dim()->set_dim_value(dim);
  }

  void AddWeight(const ir::Value& value) {
    CheckF32(value);
    if (static_cast<int64_t>(value.data.size()) != ir::ElementCount(value.shape)) {
      throw FormatError(fmt::format(
          "constant '{}' holds {} values for dims {}: materialize the weights before export",
          value.name, value.data.size(), ir::ShapeToString(value.shape)));
    }
    onnx_detail::EncodeFloatTensor(value.name, value.shape, value.data,
                                   *writer_->proto().add_initializer());
  }

  void AddNode(const ir::Node& node) {
    switch (node.op) {
      case ir::OpKind::kSilu:
        return onnx_detail::ExportSilu(*writer_, node);
      case ir::OpKind::kHardSwish:
        return onnx_detail::ExportHardSwish(*writer_, node);
      case ir::OpKind::kGelu:
        return onnx_detail::ExportGelu(*writer_, node);
      case ir::OpKind::kLayerNorm:
        return onnx_detail::ExportLayerNorm(*writer_, node);
      default:
        break;
    }
    std::vector<std::string> inputs;
    for (ir::ValueId input : node.inputs) inputs.push_back(writer_->Name(input));
    onnx::NodeProto& out =
        writer_->AddNode("", node.name, inputs, {writer_->Name(node.outputs[0])});
    onnx_detail::WriteSingleNodeOp(*writer_, node, out);
  }

  const ir::Graph& graph_;
  OnnxWriter* writer_ = nullptr;
};

}  // namespace

std::string ExportOnnx(const ir::Graph& graph) {
  onnx::ModelProto model = Exporter(graph).Run();
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& error) {
    throw FormatError(
        fmt::format("exported model '{}' fails the ONNX checker: {}", graph.name(), error.what()));
  }
  if (model.ByteSizeLong() > INT_MAX) {
    throw FormatError(
        fmt::format("model '{}' exceeds protobuf's 2 GiB limit for one file", graph.name()));
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes)) {
    throw FormatError(fmt::format("cannot serialize model '{}'", graph.name()));
  }
  return bytes;
}

void ExportOnnxFile(const ir::Graph& graph, const std::string& path) {
  const std::string bytes = ExportOnnx(graph);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file || !file.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) ||
      !file.flush()) {
    throw FormatError(fmt::format("cannot write '{}'", path));
  }
}

}  // namespace edgebench::formats
