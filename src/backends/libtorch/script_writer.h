#pragma once

// The TorchScript source of a graph's forward(), written from the IR and the lowering
// plans (lowering.h, modern_lowering.h, resize_lowering.h) that the eager mode executes
// too. Torch-free: torch_script.cc compiles the source into a module.

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace edgebench::backends::libtorch {

/// Writes forward() for a graph. Activations are locals "v<id>", weights module
/// parameters "c<id>", per-node helper tensors (average-pool divisors, index and weight
/// tensors of gathers and resizes) buffers "d<id>" / "d<id>_<k>".
class ScriptWriter {
 public:
  explicit ScriptWriter(const ir::Graph& graph) : graph_(graph) {}

  /// A buffer the source refers to beyond the weights: f32 `data`, or int64 `indices`
  /// when `index` is set (index_select wants int64).
  struct Buffer {
    std::string name;
    ir::Shape shape;
    bool index = false;
    std::vector<float> data;
    std::vector<int64_t> indices;
  };

  /// The source of `def forward(self, v<input ids>...)`; throws std::logic_error for a
  /// node whose plan cannot be written (SupportsNode refuses those first).
  std::string Write();

  const std::vector<Buffer>& buffers() const { return buffers_; }

  /// For each line of the source Write() returned (index 0 is line 1), the name of the IR
  /// node it computes, or "" for the lines that belong to no node (def, locals, return):
  /// how a profiled TorchScript operator's source line names its IR node.
  const std::vector<std::string>& line_nodes() const { return line_nodes_; }

 private:
  std::string Name(ir::ValueId id) const;
  std::string In(const ir::Node& node, size_t i) const { return Name(node.inputs[i]); }
  std::string Optional(const ir::Node& node, size_t i) const;
  size_t SpatialRank(const ir::Node& node) const;
  const ir::Shape& InputShape(const ir::Node& node) const;
  const ir::Shape& OutputShape(const ir::Node& node) const;
  void Line(const ir::Node& node, const std::string& target, const std::string& expression);
  /// Registers a buffer for `node` and returns how the source names it.
  std::string AddBuffer(const ir::Node& node, Buffer buffer);

  void Emit(const ir::Node& node);
  void EmitConv(const ir::Node& node, const std::string& y);
  void EmitPool(const ir::Node& node, const std::string& y);
  void EmitLrn(const ir::Node& node, const std::string& y);

  // The modern op set (script_writer_modern.cc).
  void EmitHardSigmoid(const ir::Node& node, const std::string& y);
  void EmitClip(const ir::Node& node, const std::string& y);
  void EmitReduce(const ir::Node& node, const std::string& y);
  void EmitSlice(const ir::Node& node, const std::string& y);
  void EmitPad(const ir::Node& node, const std::string& y);
  void EmitGather(const ir::Node& node, const std::string& y);
  void EmitConvTranspose(const ir::Node& node, const std::string& y);
  void EmitResize(const ir::Node& node, const std::string& y);
  void EmitLayerNorm(const ir::Node& node, const std::string& y);

  const ir::Graph& graph_;
  std::ostringstream out_;
  std::vector<Buffer> buffers_;
  std::vector<std::string> line_nodes_;
};

/// A TorchScript int list literal; an empty one is the typed local `no_ints` that
/// forward() declares (a bare [] would be a List[Tensor]).
std::string IntList(const std::vector<int64_t>& values);

/// A TorchScript float literal: always with a '.' or an exponent (a bare "6" is an int,
/// which float parameters do not accept), 17 digits so the value round-trips; infinities
/// as float("inf").
std::string FloatLiteral(double value);

const char* Bool(bool value);

}  // namespace edgebench::backends::libtorch
