#pragma once

// Typed, checked access to an ONNX node's attributes. A hostile or buggy file may give
// an attribute the wrong type; every accessor checks it, and RejectUnread() makes sure
// no attribute the importer does not understand silently changes an op's meaning.

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace edgebench::formats::onnx_detail {

class NodeAttributes {
 public:
  /// Indexes the attributes; throws FormatError for unnamed or duplicate ones.
  explicit NodeAttributes(const onnx::NodeProto& node);

  bool Has(const std::string& name) const { return by_name_.contains(name); }

  /// Each accessor returns `fallback` when the attribute is absent and throws
  /// FormatError when it has another type.
  int64_t Int(const std::string& name, int64_t fallback);
  float Float(const std::string& name, float fallback);
  std::string String(const std::string& name, const std::string& fallback);
  std::vector<int64_t> Ints(const std::string& name, const std::vector<int64_t>& fallback = {});
  std::vector<float> Floats(const std::string& name, const std::vector<float>& fallback = {});
  /// nullptr when absent.
  const onnx::TensorProto* Tensor(const std::string& name);

  /// Marks attributes that do not change inference results (e.g. BatchNormalization's
  /// momentum) as understood.
  void Ignore(std::initializer_list<std::string_view> names);

  /// Throws UnsupportedModelError naming the first attribute nobody read or ignored.
  void RejectUnread() const;

 private:
  // The attribute, or nullptr when absent; throws when its type is not `expected`.
  const onnx::AttributeProto* Find(const std::string& name,
                                   onnx::AttributeProto::AttributeType expected);

  std::map<std::string, const onnx::AttributeProto*, std::less<>> by_name_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace edgebench::formats::onnx_detail
