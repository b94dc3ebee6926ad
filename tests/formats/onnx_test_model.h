#pragma once

// Hand-built ONNX models for the importer tests: each test states exactly the nodes,
// attributes and tensors it is about.

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace edgebench::formats::onnx_test {

class OnnxModelBuilder {
 public:
  explicit OnnxModelBuilder(int64_t opset = 13) {
    model_.set_ir_version(7);
    model_.set_producer_name("edgebench-test");
    onnx::OperatorSetIdProto* id = model_.add_opset_import();
    id->set_domain("");
    id->set_version(opset);
    model_.mutable_graph()->set_name("test");
  }

  /// A FLOAT input; a dim of -1 is symbolic ("N").
  OnnxModelBuilder& Input(const std::string& name, const std::vector<int64_t>& dims,
                          int32_t elem_type = onnx::TensorProto::FLOAT) {
    onnx::ValueInfoProto* info = model_.mutable_graph()->add_input();
    info->set_name(name);
    onnx::TypeProto::Tensor* type = info->mutable_type()->mutable_tensor_type();
    type->set_elem_type(elem_type);
    for (int64_t dim : dims) {
      if (dim < 0) {
        type->mutable_shape()->add_dim()->set_dim_param("N");
      } else {
        type->mutable_shape()->add_dim()->set_dim_value(dim);
      }
    }
    return *this;
  }

  /// A FLOAT input whose dims are given as text: digits for a fixed dim, "" for an
  /// unknown one, anything else for a symbolic one of that name ("batch", "height").
  OnnxModelBuilder& SymbolicInput(const std::string& name, const std::vector<std::string>& dims) {
    onnx::ValueInfoProto* info = model_.mutable_graph()->add_input();
    info->set_name(name);
    onnx::TypeProto::Tensor* type = info->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    for (const std::string& dim : dims) {
      onnx::TensorShapeProto::Dimension* added = type->mutable_shape()->add_dim();
      if (!dim.empty() && dim.find_first_not_of("0123456789") == std::string::npos) {
        added->set_dim_value(std::stoll(dim));
      } else if (!dim.empty()) {
        added->set_dim_param(dim);
      }
    }
    return *this;
  }

  OnnxModelBuilder& Output(const std::string& name) {
    model_.mutable_graph()->add_output()->set_name(name);
    return *this;
  }

  onnx::TensorProto& Initializer(const std::string& name, const std::vector<int64_t>& dims,
                                 const std::vector<float>& values) {
    onnx::TensorProto* tensor = model_.mutable_graph()->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t dim : dims) tensor->add_dims(dim);
    tensor->set_raw_data(values.data(), values.size() * sizeof(float));
    return *tensor;
  }

  onnx::TensorProto& IntInitializer(const std::string& name, const std::vector<int64_t>& dims,
                                    const std::vector<int64_t>& values) {
    onnx::TensorProto* tensor = model_.mutable_graph()->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::INT64);
    for (int64_t dim : dims) tensor->add_dims(dim);
    for (int64_t v : values) tensor->add_int64_data(v);
    return *tensor;
  }

  onnx::NodeProto& Node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "") {
    onnx::NodeProto* node = model_.mutable_graph()->add_node();
    node->set_op_type(op);
    node->set_name(name);
    for (const std::string& input : inputs) node->add_input(input);
    for (const std::string& output : outputs) node->add_output(output);
    return *node;
  }

  onnx::ModelProto& model() { return model_; }
  std::string Bytes() const { return model_.SerializeAsString(); }

 private:
  onnx::ModelProto model_;
};

inline void SetInt(onnx::NodeProto& node, const std::string& name, int64_t value) {
  onnx::AttributeProto* attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::INT);
  attr->set_i(value);
}

inline void SetFloat(onnx::NodeProto& node, const std::string& name, float value) {
  onnx::AttributeProto* attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::FLOAT);
  attr->set_f(value);
}

inline void SetInts(onnx::NodeProto& node, const std::string& name,
                    const std::vector<int64_t>& values) {
  onnx::AttributeProto* attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) attr->add_ints(v);
}

inline void SetString(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  onnx::AttributeProto* attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::STRING);
  attr->set_s(value);
}

/// Deterministic values in [-1, 1) for weights and inputs.
inline std::vector<float> TestValues(size_t count, uint32_t seed = 1) {
  std::vector<float> values(count);
  uint32_t state = seed * 2654435761u + 1;
  for (float& v : values) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<float>(state >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return values;
}

}  // namespace edgebench::formats::onnx_test
