#include "formats/onnx_export_writer.h"

#include <fmt/format.h>

#include <bit>

#include "formats/onnx_tensor.h"

namespace edgebench::formats::onnx_detail {

OnnxWriter::OnnxWriter(const ir::Graph& graph, onnx::GraphProto& graph_proto)
    : graph_(graph), proto_(graph_proto) {
  for (const ir::Value& value : graph.values()) names_.insert(value.name);
  for (const ir::Node& node : graph.nodes()) node_names_.insert(node.name);
}

std::string OnnxWriter::FreshName(const std::string& base) {
  std::string name = base;
  for (int suffix = 2; names_.contains(name); ++suffix) name = fmt::format("{}_{}", base, suffix);
  names_.insert(name);
  return name;
}

std::string OnnxWriter::FreshNodeName(const std::string& base) {
  std::string name = base;
  for (int suffix = 2; node_names_.contains(name); ++suffix) {
    name = fmt::format("{}_{}", base, suffix);
  }
  node_names_.insert(name);
  return name;
}

std::string OnnxWriter::FloatInitializer(const std::string& base, const ir::Shape& dims,
                                         const std::vector<float>& data) {
  const std::string name = FreshName(base);
  EncodeFloatTensor(name, dims, data, *proto_.add_initializer());
  return name;
}

std::string OnnxWriter::Int64Initializer(const std::string& base, const ir::Shape& dims,
                                         const std::vector<int64_t>& data) {
  const std::string name = FreshName(base);
  EncodeInt64Tensor(name, dims, data, *proto_.add_initializer());
  return name;
}

std::string OnnxWriter::Int64Vector(const std::string& base, const std::vector<int64_t>& data) {
  return Int64Initializer(base, {static_cast<int64_t>(data.size())}, data);
}

std::string OnnxWriter::FloatScalar(float value) {
  const auto bits = std::bit_cast<uint32_t>(value);
  for (const auto& [known, name] : scalars_) {
    if (known == bits) return name;
  }
  std::string name = FloatInitializer(fmt::format("scalar_{}", value), {}, {value});
  scalars_.emplace_back(bits, name);
  return name;
}

onnx::NodeProto& OnnxWriter::AddNode(const std::string& op_type, const std::string& name,
                                     const std::vector<std::string>& inputs,
                                     const std::vector<std::string>& outputs) {
  onnx::NodeProto& node = *proto_.add_node();
  node.set_op_type(op_type);
  node.set_name(name);
  for (const std::string& input : inputs) node.add_input(input);
  for (const std::string& output : outputs) node.add_output(output);
  return node;
}

void OnnxWriter::SetInt(onnx::NodeProto& node, const std::string& name, int64_t value) {
  onnx::AttributeProto* attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::INT);
  attr->set_i(value);
}

void OnnxWriter::SetInts(onnx::NodeProto& node, const std::string& name,
                         const std::vector<int64_t>& values) {
  onnx::AttributeProto* attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) attr->add_ints(v);
}

void OnnxWriter::SetFloat(onnx::NodeProto& node, const std::string& name, float value) {
  onnx::AttributeProto* attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::FLOAT);
  attr->set_f(value);
}

void OnnxWriter::SetString(onnx::NodeProto& node, const std::string& name,
                           const std::string& value) {
  onnx::AttributeProto* attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::STRING);
  attr->set_s(value);
}

}  // namespace edgebench::formats::onnx_detail
