#pragma once

// The eager interpreter's int8 layers (int8_plan.h): the same plan the TorchScript source
// is written from, run through LibTorch's quantized operators called from C++ via the
// dispatcher. Includes ATen; only torch_eager.cc and eager_int8.cc include this header.

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>

#include <vector>

#include "backends/libtorch/int8_plan.h"
#include "ir/graph.h"

namespace edgebench::backends::libtorch {

/// An int8 plan ready to run: weights packed for the quantized engine selected now.
/// Activations live in two slots per value: `values` (fp32) and `quantized` (quint8), each
/// filled when first needed.
class EagerInt8 {
 public:
  EagerInt8(const ir::Graph& graph, Int8Plan plan);

  /// Whether an int8 layer computes `node` (the layer itself or a node it absorbed).
  bool Covers(ir::NodeId node) const { return plan_.LayerOf(node) >= 0; }
  /// Runs the layer whose anchor is `node` (nothing for an absorbed node).
  void Run(ir::NodeId node, std::vector<at::Tensor>& values,
           std::vector<at::Tensor>& quantized) const;
  /// Fills values[id] from quantized[id] when only the quantized form exists.
  static void EnsureFloat(ir::ValueId id, std::vector<at::Tensor>& values,
                          const std::vector<at::Tensor>& quantized);
  const std::vector<KernelUse>& kernels() const { return plan_.kernels; }

 private:
  const at::Tensor& Quantized(ir::ValueId id, const ActivationQuant& quant,
                              std::vector<at::Tensor>& values,
                              std::vector<at::Tensor>& quantized) const;

  Int8Plan plan_;
  std::vector<c10::IValue> packed_;  // per layer; None for an Add
  std::vector<ir::OpKind> ops_;      // per layer: conv, fully connected or add
};

}  // namespace edgebench::backends::libtorch
