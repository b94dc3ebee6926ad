#pragma once

// Turns a whole IR graph into one XNNPACK subgraph: one tensor per IR value in the layout
// of layout.h (external ids for graph inputs and outputs), weights converted once into
// XNNPACK's layouts, and one XNNPACK node (or a short exact composition) per IR node, with
// batch norms and clamps folded as fusion.h plans. Only graphs whose every node
// NodeSupport accepts are built.

#include <xnnpack.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/xnnpack/fusion.h"
#include "ir/graph.h"

namespace edgebench::backends::xnnpack {

/// Thrown for anything the builder cannot build; the message names the node and the call.
class BuildError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// XNNPACK's name for a status code, for error messages.
const char* StatusName(xnn_status status);

/// A graph input or output as the session exchanges it with the subgraph.
struct ExternalTensor {
  uint32_t id = XNN_INVALID_VALUE_ID;
  std::string name;
  ir::Shape shape;    // IR shape (NCHW for 4-D)
  bool nhwc = false;  // stored NHWC (4-D), so converted on the way in or out
};

struct SubgraphDeleter {
  void operator()(xnn_subgraph_t subgraph) const { xnn_delete_subgraph(subgraph); }
};
using SubgraphHandle = std::unique_ptr<xnn_subgraph, SubgraphDeleter>;

struct BuiltSubgraph {
  SubgraphHandle subgraph;
  /// Static tensors' data (converted weights, broadcast constants): XNNPACK reads them
  /// through raw pointers, so they must outlive the subgraph and every runtime made from
  /// it. Each buffer has XNN_EXTRA_BYTES of readable slack.
  std::vector<std::vector<float>> static_data;
  std::vector<std::vector<int8_t>> static_int8;    // int8 weights, likewise
  std::vector<std::vector<int32_t>> static_int32;  // int8 layers' biases, likewise
  /// Per-channel scales of quantized tensors: XNNPACK keeps the pointer it is given
  /// (xnn_define_channelwise_quantized_tensor_value), so these must live as long too.
  std::vector<std::vector<float>> static_scales;
  std::vector<ExternalTensor> inputs;
  std::vector<ExternalTensor> outputs;
  int folded_batch_norms = 0;
  int fused_activations = 0;
  /// Per convolution and fully connected node: the XNNPACK node defined for it and the
  /// datatypes XNNPACK accepted it with.
  std::vector<KernelUse> kernels;
};

class SubgraphBuilder {
 public:
  /// `int8`: convolutions and fully connected layers run as XNNPACK's signed 8-bit
  /// operators (qint8 activations, per-channel qcint8 weights, qcint32 biases) with the
  /// IR's calibrated parameters, between Convert nodes that quantize their input and
  /// dequantize their output; everything else stays fp32.
  explicit SubgraphBuilder(const ir::Graph& graph, bool int8 = false);

  /// Builds the subgraph; throws BuildError (or GraphError for a malformed graph).
  BuiltSubgraph Build();

 private:
  // Tensors.
  uint32_t DefineOutput(ir::ValueId value);  // the tensor of an IR value a node computes
  uint32_t Read(ir::ValueId value) const;    // the tensor of an already computed value
  uint32_t DefineInternal(const std::vector<size_t>& dims);
  uint32_t DefineStatic(const std::vector<size_t>& dims, std::vector<float> data);
  uint32_t DefineScalarLike(ir::ValueId like, float value);  // all-1 dims of like's rank
  const std::vector<float>& ConstantData(ir::ValueId value) const;
  void Check(xnn_status status, const char* call) const;

  // Nodes (node_emitters.cc).
  void Emit(ir::NodeId id);
  void EmitConv(ir::NodeId id);
  void EmitConvTranspose(ir::NodeId id);
  // Int8 (quantized_emitters.cc).
  void EmitQuantizedConv(ir::NodeId id);
  void EmitQuantizedFullyConnected(ir::NodeId id);
  uint32_t QuantizedInput(ir::ValueId value);  // a qint8 copy of an fp32 value (cached)
  uint32_t DefineQuantized(const std::vector<size_t>& dims, ir::ValueId like);
  uint32_t DefineChannelwise(xnn_datatype type, const std::vector<size_t>& dims, size_t channel_dim,
                             const std::vector<float>& scales, const void* data);
  void DequantizeInto(uint32_t quantized, ir::ValueId value);
  void RecordKernel(const ir::Node& node, std::string kernel, std::string precision);
  void EmitFullyConnected(ir::NodeId id);
  void EmitMatMul(const ir::Node& node);
  void EmitBatchNorm(const ir::Node& node);
  void EmitPool(const ir::Node& node);
  void EmitGlobalMean(const ir::Node& node);
  void EmitBinary(const ir::Node& node);
  void EmitUnary(const ir::Node& node);
  void EmitReshape(const ir::Node& node);
  void EmitPad(const ir::Node& node);
  void EmitResize(const ir::Node& node);

  const ir::Graph& graph_;
  bool int8_;
  std::vector<uint32_t> quantized_;  // per IR value: its qint8 copy, if made
  ConsumerIndex consumers_;
  BuiltSubgraph result_;
  std::vector<uint32_t> tensors_;      // per IR value; XNN_INVALID_VALUE_ID until defined
  std::vector<uint32_t> external_id_;  // per IR value; XNN_INVALID_VALUE_ID if internal
  std::vector<bool> absorbed_;         // per node: folded into the node before it
  const ir::Node* current_ = nullptr;  // for error messages
};

}  // namespace edgebench::backends::xnnpack
