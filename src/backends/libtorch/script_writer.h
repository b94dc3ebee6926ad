#pragma once

// The TorchScript source of a graph's forward(), written from the IR and the lowering
// plans (lowering.h, modern_lowering.h, resize_lowering.h) that the eager mode executes
// too. Torch-free: torch_script.cc compiles the source into a module.

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "backends/libtorch/int8_plan.h"
#include "ir/graph.h"

namespace edgebench::backends::libtorch {

/// Writes forward() for a graph. Activations are locals "v<id>", weights module
/// parameters "c<id>", per-node helper tensors (average-pool divisors, index and weight
/// tensors of gathers and resizes) buffers "d<id>" / "d<id>_<k>".
class ScriptWriter {
 public:
  /// With an `int8` plan (which must outlive the writer), its layers run on LibTorch's
  /// quantized operators (see int8_plan.h): the source then calls `quantized.<op>`, which
  /// the compiling resolver maps to the quantized:: operator namespace, and reads each
  /// layer's packed weights from the module attribute the plan names.
  explicit ScriptWriter(const ir::Graph& graph, const Int8Plan* int8 = nullptr)
      : graph_(graph), int8_(int8) {}

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

  // The int8 layers (script_writer_int8.cc).
  /// Writes `id` if the int8 plan computes it (the layer itself; nothing for the BatchNorm
  /// or activation it absorbed) and says whether it did.
  bool EmitInt8(ir::NodeId id);
  void EmitInt8Layer(const Int8Layer& layer);
  /// Writes a 2-D max pooling with native padding on the quantized form of its input
  /// when one exists (the maxima of quantized values, in their parameters: exact), and
  /// says whether it did.
  bool EmitQuantizedMaxPool(ir::NodeId id);
  /// The quint8 form of `value` for `reader`: an int8 layer's own output, or a
  /// quantize_per_tensor of the fp32 value with `quant`, its calibrated parameters (once).
  std::string QuantizedInput(const ir::Node& reader, ir::ValueId value,
                             const ActivationQuant& quant);
  /// Makes the fp32 local of an int8 layer's output exist before `reader` reads it.
  void EnsureFloat(const ir::Node& reader, ir::ValueId value);

  const ir::Graph& graph_;
  const Int8Plan* int8_;
  std::vector<bool> quantized_;  // per value: a quint8 local "q<id>" exists
  std::vector<bool> float_;      // per value: the fp32 local "v<id>" exists (int8 only)
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
