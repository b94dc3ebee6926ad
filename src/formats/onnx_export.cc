// IR -> ONNX (opset 13). Every IR op maps to one ONNX node; the few attributes ONNX
// passes as inputs at opset 13 (Clip bounds, Reshape shape, Resize scales) become
// initializers so runtimes see constants.

#include <fmt/format.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <fstream>
#include <unordered_set>

#include "formats/onnx.h"
#include "formats/onnx_tensor.h"

namespace edgebench::formats {
namespace {

constexpr int64_t kIrVersion = 8;
constexpr int64_t kOpset = 13;

class Exporter {
 public:
  explicit Exporter(const ir::Graph& graph) : graph_(graph) {
    for (const ir::Value& value : graph.values()) names_.insert(value.name);
  }

  onnx::ModelProto Run() {
    onnx::ModelProto model;
    model.set_ir_version(kIrVersion);
    model.set_producer_name("edgebench");
    onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOpset);
    graph_proto_ = model.mutable_graph();
    graph_proto_->set_name(graph_.name());
    for (ir::ValueId id : graph_.inputs()) AddValueInfo(graph_proto_->add_input(), id);
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
    for (ir::ValueId id : graph_.outputs()) AddValueInfo(graph_proto_->add_output(), id);
    return model;
  }

 private:
  // A name no IR value uses, for the initializers ONNX needs in place of attributes.
  std::string FreshName(const std::string& base) {
    std::string name = base;
    for (int suffix = 2; names_.contains(name); ++suffix) name = fmt::format("{}_{}", base, suffix);
    names_.insert(name);
    return name;
  }

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
                                   *graph_proto_->add_initializer());
  }

  std::string FloatInitializer(const std::string& base, const ir::Shape& dims,
                               const std::vector<float>& data) {
    const std::string name = FreshName(base);
    onnx_detail::EncodeFloatTensor(name, dims, data, *graph_proto_->add_initializer());
    return name;
  }

  std::string Int64Initializer(const std::string& base, const std::vector<int64_t>& data) {
    const std::string name = FreshName(base);
    onnx_detail::EncodeInt64Tensor(name, {static_cast<int64_t>(data.size())}, data,
                                   *graph_proto_->add_initializer());
    return name;
  }

  // Clip's opset-13 bounds for ReLU6, shared by every ReLU6 node.
  void AddRelu6Bounds(onnx::NodeProto& node) {
    if (relu6_min_.empty()) {
      relu6_min_ = FloatInitializer("relu6_min", {}, {0.0f});
      relu6_max_ = FloatInitializer("relu6_max", {}, {6.0f});
    }
    node.add_input(relu6_min_);
    node.add_input(relu6_max_);
  }

  static void SetInts(onnx::NodeProto& node, const std::string& name,
                      const std::vector<int64_t>& values) {
    onnx::AttributeProto* attr = node.add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values) attr->add_ints(v);
  }
  static void SetInt(onnx::NodeProto& node, const std::string& name, int64_t value) {
    onnx::AttributeProto* attr = node.add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::INT);
    attr->set_i(value);
  }
  static void SetFloat(onnx::NodeProto& node, const std::string& name, float value) {
    onnx::AttributeProto* attr = node.add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::FLOAT);
    attr->set_f(value);
  }
  static void SetString(onnx::NodeProto& node, const std::string& name, const std::string& value) {
    onnx::AttributeProto* attr = node.add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::STRING);
    attr->set_s(value);
  }

  // ONNX lists all begin pads, then all end pads.
  static std::vector<int64_t> Pads(const std::vector<int64_t>& begin,
                                   const std::vector<int64_t>& end) {
    std::vector<int64_t> pads = begin;
    pads.insert(pads.end(), end.begin(), end.end());
    return pads;
  }

  void AddNode(const ir::Node& node) {
    onnx::NodeProto& out = *graph_proto_->add_node();
    out.set_name(node.name);
    for (ir::ValueId input : node.inputs) out.add_input(graph_.value(input).name);
    for (ir::ValueId output : node.outputs) out.add_output(graph_.value(output).name);
    switch (node.op) {
      case ir::OpKind::kSub:
      case ir::OpKind::kMul:
      case ir::OpKind::kDiv:
      case ir::OpKind::kPow:
      case ir::OpKind::kMaximum:
      case ir::OpKind::kMinimum:
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
      case ir::OpKind::kSlice:
      case ir::OpKind::kSqueeze:
      case ir::OpKind::kUnsqueeze:
      case ir::OpKind::kPad:
      case ir::OpKind::kGather:
      case ir::OpKind::kMatMul:
      case ir::OpKind::kConvTranspose:
      case ir::OpKind::kResize:
      case ir::OpKind::kLayerNorm:
        throw std::runtime_error("PLACEHOLDER: onnx_export.cc lacks this op");
      case ir::OpKind::kConv: {
        const auto& a = std::get<ir::ConvAttrs>(node.attrs);
        const ir::Shape& w = graph_.value(node.inputs[1]).shape;
        out.set_op_type("Conv");
        SetInts(out, "kernel_shape", {w.begin() + 2, w.end()});
        SetInts(out, "strides", a.strides);
        SetInts(out, "pads", Pads(a.pads_begin, a.pads_end));
        SetInts(out, "dilations", a.dilations);
        SetInt(out, "group", a.groups);
        break;
      }
      case ir::OpKind::kBatchNorm:
        out.set_op_type("BatchNormalization");
        SetFloat(out, "epsilon", std::get<ir::BatchNormAttrs>(node.attrs).epsilon);
        break;
      case ir::OpKind::kRelu:
        out.set_op_type("Relu");
        break;
      case ir::OpKind::kRelu6:
        out.set_op_type("Clip");
        AddRelu6Bounds(out);
        break;
      case ir::OpKind::kLeakyRelu:
        out.set_op_type("LeakyRelu");
        SetFloat(out, "alpha", std::get<ir::LeakyReluAttrs>(node.attrs).alpha);
        break;
      case ir::OpKind::kSigmoid:
        out.set_op_type("Sigmoid");
        break;
      case ir::OpKind::kSoftmax:
        out.set_op_type("Softmax");  // opset 13: one axis, as the IR
        SetInt(out, "axis", std::get<ir::SoftmaxAttrs>(node.attrs).axis);
        break;
      case ir::OpKind::kMaxPool:
      case ir::OpKind::kAvgPool: {
        const auto& a = std::get<ir::PoolAttrs>(node.attrs);
        const bool max = node.op == ir::OpKind::kMaxPool;
        out.set_op_type(max ? "MaxPool" : "AveragePool");
        SetInts(out, "kernel_shape", a.kernel);
        SetInts(out, "strides", a.strides);
        SetInts(out, "pads", Pads(a.pads_begin, a.pads_end));
        SetInt(out, "ceil_mode", a.ceil_mode ? 1 : 0);
        if (!max) SetInt(out, "count_include_pad", a.count_include_pad ? 1 : 0);
        break;
      }
      case ir::OpKind::kGlobalAvgPool:
        out.set_op_type("GlobalAveragePool");
        break;
      case ir::OpKind::kFullyConnected:
        out.set_op_type("Gemm");  // the IR weight is [outputs, features]
        SetInt(out, "transB", 1);
        break;
      case ir::OpKind::kAdd:
        out.set_op_type("Add");
        break;
      case ir::OpKind::kConcat:
        out.set_op_type("Concat");
        SetInt(out, "axis", std::get<ir::ConcatAttrs>(node.attrs).axis);
        break;
      case ir::OpKind::kFlatten:
        out.set_op_type("Flatten");
        SetInt(out, "axis", std::get<ir::FlattenAttrs>(node.attrs).axis);
        break;
      case ir::OpKind::kReshape:
        out.set_op_type("Reshape");
        out.add_input(
            Int64Initializer(node.name + "_shape", std::get<ir::ReshapeAttrs>(node.attrs).shape));
        break;
      case ir::OpKind::kUpsampleNearest: {
        // Asymmetric coordinates with floor rounding read input floor(out / scale): plain
        // pixel replication, the form OpenCV 4.6 and ONNX Runtime both read.
        const auto& a = std::get<ir::UpsampleAttrs>(node.attrs);
        std::vector<float> scales{1.0f, 1.0f};
        for (int64_t s : a.scales) scales.push_back(static_cast<float>(s));
        out.set_op_type("Resize");
        out.add_input("");  // roi, unused
        out.add_input(
            FloatInitializer(node.name + "_scales", {static_cast<int64_t>(scales.size())}, scales));
        SetString(out, "mode", "nearest");
        SetString(out, "coordinate_transformation_mode", "asymmetric");
        SetString(out, "nearest_mode", "floor");
        break;
      }
      case ir::OpKind::kLrn: {
        const auto& a = std::get<ir::LrnAttrs>(node.attrs);
        out.set_op_type("LRN");
        SetInt(out, "size", a.size);
        SetFloat(out, "alpha", a.alpha);
        SetFloat(out, "beta", a.beta);
        SetFloat(out, "bias", a.bias);
        break;
      }
    }
  }

  const ir::Graph& graph_;
  onnx::GraphProto* graph_proto_ = nullptr;
  std::unordered_set<std::string> names_;
  std::string relu6_min_;
  std::string relu6_max_;
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
