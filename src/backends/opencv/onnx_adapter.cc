#include "backends/opencv/onnx_adapter.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

namespace edgebench::backends::opencv {
namespace {

using Initializers = std::unordered_map<std::string, const onnx::TensorProto*>;

// The value of a scalar f32 initializer, or nothing when `name` is not one.
std::optional<float> ScalarInitializer(const Initializers& initializers, const std::string& name) {
  const auto found = initializers.find(name);
  if (found == initializers.end()) return std::nullopt;
  const onnx::TensorProto& tensor = *found->second;
  if (tensor.data_type() != onnx::TensorProto::FLOAT) return std::nullopt;
  for (int64_t dim : tensor.dims()) {
    if (dim != 1) return std::nullopt;
  }
  if (tensor.float_data_size() == 1) return tensor.float_data(0);
  if (tensor.raw_data().size() != sizeof(float)) return std::nullopt;
  float value = 0;
  std::memcpy(&value, tensor.raw_data().data(), sizeof(float));  // ONNX raw data: little endian
  return value;
}

// The values of a 1-D int64 initializer, or nothing when `name` is not one.
std::optional<std::vector<int64_t>> Int64Initializer(const Initializers& initializers,
                                                     const std::string& name) {
  const auto found = initializers.find(name);
  if (found == initializers.end()) return std::nullopt;
  const onnx::TensorProto& tensor = *found->second;
  if (tensor.data_type() != onnx::TensorProto::INT64 || tensor.dims_size() != 1) {
    return std::nullopt;
  }
  if (tensor.int64_data_size() == tensor.dims(0)) {
    return std::vector<int64_t>(tensor.int64_data().begin(), tensor.int64_data().end());
  }
  const std::string& raw = tensor.raw_data();
  if (tensor.dims(0) < 0 || raw.size() != static_cast<size_t>(tensor.dims(0)) * sizeof(int64_t)) {
    return std::nullopt;
  }
  std::vector<int64_t> values(static_cast<size_t>(tensor.dims(0)));
  std::memcpy(values.data(), raw.data(), raw.size());
  return values;
}

// Clip: OpenCV reads bounds only as attributes ("parseClip: expected
// node_proto.input_size() == 1") and turns either form into its ReLU6 layer.
void ClipBoundsToAttributes(const Initializers& initializers, onnx::NodeProto& node) {
  if (node.input_size() != 3) return;
  const std::optional<float> low = ScalarInitializer(initializers, node.input(1));
  const std::optional<float> high = ScalarInitializer(initializers, node.input(2));
  if (!low || !high) return;
  node.mutable_input()->DeleteSubrange(1, 2);
  for (const auto& [name, value] : {std::pair{"min", *low}, std::pair{"max", *high}}) {
    onnx::AttributeProto& attribute = *node.add_attribute();
    attribute.set_name(name);
    attribute.set_type(onnx::AttributeProto::FLOAT);
    attribute.set_f(value);
  }
}

// Squeeze / Unsqueeze / ReduceSum: OpenCV reads axes only as an attribute
// ("parseSqueeze: node_proto.input_size() == 1", "Unsupported ReduceSum operation of
// opset 13").
void AxesInputToAttribute(const Initializers& initializers, onnx::NodeProto& node) {
  if (node.input_size() != 2) return;
  const std::optional<std::vector<int64_t>> axes = Int64Initializer(initializers, node.input(1));
  if (!axes) return;
  node.mutable_input()->DeleteSubrange(1, 1);
  onnx::AttributeProto& attribute = *node.add_attribute();
  attribute.set_name("axes");
  attribute.set_type(onnx::AttributeProto::INTS);
  for (int64_t axis : *axes) attribute.add_ints(axis);
}

}  // namespace

bool NeedsOnnxAdaptation(const ir::Graph& graph) {
  return std::any_of(graph.nodes().begin(), graph.nodes().end(), [](const ir::Node& node) {
    // Relu6 is exported as Clip.
    return node.op == ir::OpKind::kRelu6 || node.op == ir::OpKind::kClip ||
           node.op == ir::OpKind::kSqueeze || node.op == ir::OpKind::kUnsqueeze ||
           node.op == ir::OpKind::kReduceSum;
  });
}

std::string AdaptOnnxForOpenCv(const std::string& onnx_bytes) {
  onnx::ModelProto model;
  if (!model.ParseFromString(onnx_bytes)) {
    throw std::runtime_error("cannot re-read the exported ONNX model");
  }
  onnx::GraphProto& graph = *model.mutable_graph();
  Initializers initializers;
  for (const onnx::TensorProto& tensor : graph.initializer()) {
    initializers.emplace(tensor.name(), &tensor);
  }
  for (onnx::NodeProto& node : *graph.mutable_node()) {
    const std::string& type = node.op_type();
    if (type == "Clip") {
      ClipBoundsToAttributes(initializers, node);
    } else if (type == "Squeeze" || type == "Unsqueeze" || type == "ReduceSum") {
      AxesInputToAttribute(initializers, node);
    }
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes)) {
    throw std::runtime_error("cannot serialize the rewritten ONNX model");
  }
  return bytes;
}

}  // namespace edgebench::backends::opencv
