#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/dtype.h"
#include "ir/ops.h"
#include "ir/shape.h"

namespace edgebench::ir {

using ValueId = int32_t;
using NodeId = int32_t;
inline constexpr int32_t kNoId = -1;

/// Thrown for any structural or shape inconsistency; the message names the node or value.
class GraphError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ValueKind : uint8_t { kInput, kConstant, kActivation };

/// What a constant is for. Parameter counts follow the usual convention (trainable
/// tensors only): batch-norm running statistics are stored and counted as weight bytes,
/// but not as parameters.
enum class WeightRole : uint8_t {
  kNone,
  kWeight,
  kBias,
  kBnScale,
  kBnBias,
  kBnMean,
  kBnVariance,
};

/// How a constant's values are generated when weights are materialized: uniform in
/// [center - half_width, center + half_width). Recorded at build time so counting never
/// needs the data and any seed reproduces the same tensor everywhere.
struct WeightInit {
  float center = 0.0f;
  float half_width = 0.0f;
};

/// Int8 quantization parameters of one tensor, recorded in the IR by
/// passes::CalibrateInt8 so that every backend running a quantized graph quantizes with
/// the same numbers instead of calibrating on its own. A real value x maps to
///   q = clamp(round(x / scales[c]) + zero_points[c], qmin, qmax)
/// where c is 0 for a per-tensor entry and the index along `axis` otherwise.
///  * Activations and graph inputs: asymmetric u8 (type kU8, [0, 255]), one scale and zero
///    point per tensor, from the calibration range widened to contain 0 (so 0 is exact).
///  * Weights of conv / fully connected / transposed conv / MatMul: symmetric s8
///    (type kS8, [-127, 127], zero point 0), one scale per output channel (axis 0; axis 1
///    for a transposed conv's [C, O/g, k...] weight): max |w| of the channel / 127.
/// A scale is never 0: an all-zero range gets scale 1.
struct QuantParams {
  DType type = DType::kU8;
  int32_t axis = -1;  // -1: per tensor; else the channel axis the scales run along
  std::vector<float> scales;
  std::vector<int32_t> zero_points;  // as many as scales
  float observed_min = 0.0f;         // the whole tensor's calibration (or weight) range
  float observed_max = 0.0f;
};

/// A tensor flowing through the graph: a graph input, a constant (weight) or an
/// activation produced by exactly one node.
struct Value {
  std::string name;
  ValueKind kind = ValueKind::kActivation;
  DType dtype = DType::kF32;
  Shape shape;  // activations: set by shape inference, in execution order; empty = scalar
  NodeId producer = kNoId;
  WeightRole role = WeightRole::kNone;
  WeightInit init;
  std::vector<float> data;  // constants only; empty until materialized
  /// Set by int8 calibration (passes::CalibrateInt8); absent in fp32 graphs.
  std::optional<QuantParams> quant;
};

struct Node {
  std::string name;
  OpKind op;
  Attrs attrs;
  std::vector<ValueId> inputs;
  std::vector<ValueId> outputs;
};

/// A framework-neutral inference graph. Nodes may be added in any order; ExecutionOrder()
/// sorts them and rejects cycles. Names of values and nodes are unique.
class Graph {
 public:
  explicit Graph(std::string name = "graph") : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  /// Declares a graph input with a known shape.
  ValueId AddInput(const std::string& name, Shape shape, DType dtype = DType::kF32);
  /// Declares a constant (weight) tensor; data stays empty until materialized.
  ValueId AddConstant(const std::string& name, Shape shape, WeightRole role, WeightInit init);
  /// Adds a node with one output activation named after the node; returns the output.
  ValueId AddNode(const std::string& name, OpKind op, Attrs attrs, std::vector<ValueId> inputs);
  /// Declares an activation before its producer exists, for importers whose nodes come in
  /// any order; AddNodeWithOutput later attaches the producer.
  ValueId DeclareActivation(const std::string& name);
  /// Adds a node writing into a previously declared activation.
  void AddNodeWithOutput(const std::string& name, OpKind op, Attrs attrs,
                         std::vector<ValueId> inputs, ValueId output);
  /// Marks an activation (or input) as a graph output.
  void MarkOutput(ValueId value);

  const std::vector<Value>& values() const { return values_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<ValueId>& inputs() const { return inputs_; }
  const std::vector<ValueId>& outputs() const { return outputs_; }

  const Value& value(ValueId id) const { return values_.at(static_cast<size_t>(id)); }
  /// For filling constant data or shapes; renaming through it is not allowed.
  Value& mutable_value(ValueId id) { return values_.at(static_cast<size_t>(id)); }
  const Node& node(NodeId id) const { return nodes_.at(static_cast<size_t>(id)); }

  /// Returns the id of the value with this name, or kNoId.
  ValueId FindValue(const std::string& name) const;

  /// Topological order of the nodes. Throws GraphError on a dangling input (a value
  /// nobody produces), a cycle, or an output that is never produced.
  std::vector<NodeId> ExecutionOrder() const;

 private:
  ValueId NewValue(Value value);
  void CheckNewNode(const std::string& name, const std::vector<ValueId>& inputs) const;

  std::string name_;
  std::vector<Value> values_;
  std::vector<Node> nodes_;
  std::vector<ValueId> inputs_;
  std::vector<ValueId> outputs_;
  std::unordered_map<std::string, ValueId> value_index_;
  std::unordered_map<std::string, NodeId> node_index_;
};

}  // namespace edgebench::ir
