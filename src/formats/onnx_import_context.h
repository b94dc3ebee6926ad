#pragma once

// State shared by the ONNX importer's driver (onnx_import.cc) and its per-op converters
// (onnx_import_ops.cc, onnx_import_layers.cc): what each ONNX tensor name stands for, the IR graph
// being built and the IR nodes not yet added to it.

#include <onnx/onnx_pb.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "formats/onnx.h"
#include "formats/onnx_constant_folding.h"
#include "formats/onnx_tensor.h"
#include "ir/graph.h"

namespace edgebench::formats::onnx_detail {

/// An IR node waiting to be added. Nodes are held back until the whole model is read so
/// that a later bias Add can still be folded into its Conv or FullyConnected.
struct PendingNode {
  std::string name;
  ir::OpKind op;
  ir::Attrs attrs;
  std::vector<ir::ValueId> inputs;
  ir::ValueId output = ir::kNoId;
  bool retracted = false;  // absorbed into a fused node; never added to the graph
};

class ImportContext final : public FoldSource {
 public:
  ImportContext(ir::Graph& graph, const OnnxImportLimits& limits, int64_t opset);

  int64_t opset() const { return opset_; }
  const OnnxImportLimits& limits() const { return limits_; }
  ir::Graph& graph() { return graph_; }

  /// Names the IR may not use for values it invents (every tensor name of the model).
  void ReserveName(const std::string& name) { reserved_.insert(name); }
  /// `base` if no IR value has it and it is not reserved, else `base_2`, `base_3`, ...
  std::string UniqueValueName(const std::string& base) const;
  /// The same for node names (ONNX node names may be empty or repeated).
  std::string UniqueNodeName(const std::string& base);

  // --- What names stand for ---
  void DefineActivation(const std::string& name, ir::ValueId value);
  /// An initializer already checked by ValidateTensor; decoded on first use.
  void DefineInitializer(const std::string& name, const onnx::TensorProto* tensor);
  /// A folded or bound constant (the caller has charged its data to the budget).
  void DefineConstant(const std::string& name, ConstTensor tensor);
  /// A graph input the IR cannot take (e.g. an INT64 tensor): an error naming `reason`
  /// only if a converter needs it, so an unsupported op using it is reported first.
  void DefineUnusable(const std::string& name, std::string reason);
  /// `name` denotes the same tensor as `target` (Identity, Dropout, a one-input Sum); the
  /// node defining `name` is the one consumer of `target` that disappears.
  void Alias(const std::string& name, const std::string& target);
  /// `name` denotes the activation `value`: its producer absorbed the node defining
  /// `name`, which consumed `value` once (a folded bias Add).
  void AliasActivation(const std::string& name, ir::ValueId value);

  bool IsDefined(const std::string& name) const { return symbols_.contains(name); }
  bool IsConstant(const std::string& name) const;
  bool IsActivation(const std::string& name) const;

  /// The decoded constant `name`; throws UnsupportedModelError if it is not a constant.
  const ConstTensor& RequireConstant(const std::string& name, const char* role);
  /// The IR value of activation `name`; throws UnsupportedModelError for a constant.
  ir::ValueId RequireActivation(const std::string& name);
  /// Shape of an activation or a constant.
  const ir::Shape& ShapeOf(const std::string& name);

  /// The IR constant holding `name` verbatim, created on first use (dims must be
  /// positive, the type floating).
  ir::ValueId Weight(const std::string& name, ir::WeightRole role, const char* what);
  /// A new IR constant derived from model data (a transposed or folded weight).
  ir::ValueId NewWeight(const std::string& base, ir::Shape shape, ir::WeightRole role,
                        std::vector<float> data);
  /// The IR value for operand `name` of an elementwise op: its activation, or an IR
  /// constant holding the constant (integer constants converted to float).
  ir::ValueId Operand(const std::string& name, ir::WeightRole role, const char* what);

  // --- Nodes ---
  /// Adds an IR node producing ONNX tensor `output` and infers its shape right away, so a
  /// later Shape node can fold. Returns the output value.
  ir::ValueId Emit(const std::string& node_name, const std::string& output, ir::OpKind op,
                   ir::Attrs attrs, std::vector<ir::ValueId> inputs);
  /// The pending node producing `value`, or nullptr (a graph input, a constant or a
  /// retracted node's output).
  PendingNode* ProducerOf(ir::ValueId value);
  /// Re-runs shape inference for a pending node whose inputs changed.
  void Reinfer(const PendingNode& node);
  /// Drops a pending node whose work a fused node now does. Only for nodes whose output
  /// nobody else reads (UsedOnce); its output value disappears from the graph.
  void Retract(PendingNode& node);

  /// How many node inputs and graph outputs refer to `name`.
  int UseCount(const std::string& name) const;
  void CountUse(const std::string& name) { ++uses_[name]; }
  /// How many node inputs and graph outputs, under any name, read activation `value`.
  int ValueUseCount(ir::ValueId value) const;

  /// Adds the pending nodes to the graph, leaving out retracted nodes and constants no
  /// node reads any more.
  void Finish();

  // FoldSource
  const ConstTensor* Constant(const std::string& name) override;
  const ir::Shape* ActivationShape(const std::string& name) override;
  void Charge(int64_t elements) override;

 private:
  struct Symbol {
    ir::ValueId activation = ir::kNoId;
    const onnx::TensorProto* initializer = nullptr;  // not decoded yet
    std::shared_ptr<const ConstTensor> constant;     // decoded, folded or bound
    ir::Shape dims;                                  // of a constant, known undecoded
    ir::ValueId weight = ir::kNoId;                  // its verbatim IR constant
    std::string unusable;                            // why the IR cannot take it
  };
  Symbol& Find(const std::string& name);
  ir::Shape InferOutputShape(const PendingNode& node);
  // Rebuilds the graph without retracted nodes, their outputs and unread constants.
  void Compact();

  ir::Graph& graph_;
  OnnxImportLimits limits_;
  int64_t opset_;
  int64_t charged_bytes_ = 0;
  std::unordered_map<std::string, std::shared_ptr<Symbol>> symbols_;
  std::unordered_set<std::string> reserved_;
  std::unordered_set<std::string> node_names_;
  std::unordered_map<std::string, int> uses_;
  std::unordered_map<ir::ValueId, int> value_uses_;
  bool any_retracted_ = false;
  std::vector<PendingNode> pending_;
  std::unordered_map<ir::ValueId, size_t> pending_by_output_;
};

}  // namespace edgebench::formats::onnx_detail
