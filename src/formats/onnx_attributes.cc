#include "formats/onnx_attributes.h"

#include <fmt/format.h>

#include "formats/onnx.h"

namespace edgebench::formats::onnx_detail {
namespace {

using onnx::AttributeProto;

std::string TypeName(AttributeProto::AttributeType type) {
  if (AttributeProto::AttributeType_IsValid(type) && type != AttributeProto::UNDEFINED) {
    return AttributeProto::AttributeType_Name(type);
  }
  return "UNDEFINED";
}

// Files from before IR version 2 leave `type` unset; the populated field then says
// what the attribute holds.
AttributeProto::AttributeType EffectiveType(const AttributeProto& attr) {
  if (attr.type() != AttributeProto::UNDEFINED) return attr.type();
  if (attr.has_f()) return AttributeProto::FLOAT;
  if (attr.has_i()) return AttributeProto::INT;
  if (attr.has_s()) return AttributeProto::STRING;
  if (attr.has_t()) return AttributeProto::TENSOR;
  if (attr.has_g()) return AttributeProto::GRAPH;
  if (attr.floats_size() > 0) return AttributeProto::FLOATS;
  if (attr.ints_size() > 0) return AttributeProto::INTS;
  if (attr.strings_size() > 0) return AttributeProto::STRINGS;
  return AttributeProto::UNDEFINED;
}

}  // namespace

NodeAttributes::NodeAttributes(const onnx::NodeProto& node) {
  for (const AttributeProto& attr : node.attribute()) {
    if (attr.name().empty()) throw FormatError("attribute without a name");
    if (!by_name_.emplace(attr.name(), &attr).second) {
      throw FormatError(fmt::format("attribute '{}' given twice", attr.name()));
    }
  }
}

const AttributeProto* NodeAttributes::Find(const std::string& name,
                                           AttributeProto::AttributeType expected) {
  auto found = by_name_.find(name);
  if (found == by_name_.end()) return nullptr;
  read_.insert(name);
  const AttributeProto& attr = *found->second;
  if (!attr.ref_attr_name().empty()) {
    throw UnsupportedModelError(fmt::format("attribute '{}' refers to a function attribute", name));
  }
  const AttributeProto::AttributeType actual = EffectiveType(attr);
  // An empty list written without a type is still a valid empty list.
  const bool empty_list = actual == AttributeProto::UNDEFINED &&
                          (expected == AttributeProto::INTS || expected == AttributeProto::FLOATS);
  if (actual != expected && !empty_list) {
    throw FormatError(fmt::format("attribute '{}' must be {}, not {}", name, TypeName(expected),
                                  TypeName(actual)));
  }
  return &attr;
}

int64_t NodeAttributes::Int(const std::string& name, int64_t fallback) {
  const AttributeProto* attr = Find(name, AttributeProto::INT);
  return attr != nullptr ? attr->i() : fallback;
}

float NodeAttributes::Float(const std::string& name, float fallback) {
  const AttributeProto* attr = Find(name, AttributeProto::FLOAT);
  return attr != nullptr ? attr->f() : fallback;
}

std::string NodeAttributes::String(const std::string& name, const std::string& fallback) {
  const AttributeProto* attr = Find(name, AttributeProto::STRING);
  return attr != nullptr ? attr->s() : fallback;
}

std::vector<int64_t> NodeAttributes::Ints(const std::string& name,
                                          const std::vector<int64_t>& fallback) {
  const AttributeProto* attr = Find(name, AttributeProto::INTS);
  if (attr == nullptr) return fallback;
  return {attr->ints().begin(), attr->ints().end()};
}

std::vector<float> NodeAttributes::Floats(const std::string& name,
                                          const std::vector<float>& fallback) {
  const AttributeProto* attr = Find(name, AttributeProto::FLOATS);
  if (attr == nullptr) return fallback;
  return {attr->floats().begin(), attr->floats().end()};
}

const onnx::TensorProto* NodeAttributes::Tensor(const std::string& name) {
  const AttributeProto* attr = Find(name, AttributeProto::TENSOR);
  return attr != nullptr ? &attr->t() : nullptr;
}

void NodeAttributes::Ignore(std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (by_name_.contains(name)) read_.emplace(name);
  }
}

void NodeAttributes::RejectUnread() const {
  for (const auto& [name, attr] : by_name_) {
    if (!read_.contains(name)) {
      throw UnsupportedModelError(fmt::format("unsupported attribute '{}'", name));
    }
  }
}

}  // namespace edgebench::formats::onnx_detail
