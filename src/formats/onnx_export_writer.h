#pragma once

// Building blocks of the ONNX exporter: fresh tensor and node names, initializers for
// the values ONNX passes as inputs (shapes, scales, bounds), nodes and attributes.

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "ir/graph.h"

namespace edgebench::formats::onnx_detail {

class OnnxWriter {
 public:
  /// Writes into `graph_proto`; names already used by `graph` (values and nodes) are
  /// never handed out again.
  OnnxWriter(const ir::Graph& graph, onnx::GraphProto& graph_proto);

  const ir::Graph& graph() const { return graph_; }
  onnx::GraphProto& proto() { return proto_; }
  /// The ONNX tensor name of an IR value (its IR name).
  const std::string& Name(ir::ValueId value) const { return graph_.value(value).name; }

  /// `base` if unused, else `base_2`, `base_3`, ...: for tensors the IR does not have.
  std::string FreshName(const std::string& base);
  /// The same for node names.
  std::string FreshNodeName(const std::string& base);

  /// A FLOAT / INT64 initializer under a fresh name based on `base`; returns the name.
  std::string FloatInitializer(const std::string& base, const ir::Shape& dims,
                               const std::vector<float>& data);
  std::string Int64Initializer(const std::string& base, const ir::Shape& dims,
                               const std::vector<int64_t>& data);
  /// A 1-D INT64 initializer.
  std::string Int64Vector(const std::string& base, const std::vector<int64_t>& data);
  /// A scalar FLOAT initializer, shared by every node needing the same value.
  std::string FloatScalar(float value);

  /// Appends a node. `name` is used as is (the IR's node names are unique).
  onnx::NodeProto& AddNode(const std::string& op_type, const std::string& name,
                           const std::vector<std::string>& inputs,
                           const std::vector<std::string>& outputs);

  static void SetInt(onnx::NodeProto& node, const std::string& name, int64_t value);
  static void SetInts(onnx::NodeProto& node, const std::string& name,
                      const std::vector<int64_t>& values);
  static void SetFloat(onnx::NodeProto& node, const std::string& name, float value);
  static void SetString(onnx::NodeProto& node, const std::string& name, const std::string& value);

 private:
  const ir::Graph& graph_;
  onnx::GraphProto& proto_;
  std::unordered_set<std::string> names_;
  std::unordered_set<std::string> node_names_;
  std::vector<std::pair<uint32_t, std::string>> scalars_;  // float bits -> initializer
};

/// Sets the op type, attributes and extra (initializer) inputs of `out`, the one node
/// that stands for `node` (onnx_export_ops.cc).
void WriteSingleNodeOp(OnnxWriter& writer, const ir::Node& node, onnx::NodeProto& out);

/// Ops written as several ONNX nodes, because opset 13 (and OpenCV 4.6) lack them; the
/// importer folds each pattern back into the one IR op (onnx_import_fusion.h). The last
/// node carries the IR node's name and output.
void ExportSilu(OnnxWriter& writer, const ir::Node& node);
void ExportHardSwish(OnnxWriter& writer, const ir::Node& node);
void ExportGelu(OnnxWriter& writer, const ir::Node& node);
void ExportLayerNorm(OnnxWriter& writer, const ir::Node& node);

}  // namespace edgebench::formats::onnx_detail
