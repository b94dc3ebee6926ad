#pragma once

// The eager mode's execution of the modern op set (Sub ... LayerNorm), kept apart from
// torch_eager.cc so each torch translation unit stays small. Each op runs the same ATen
// sequence the TorchScript mode writes (script_writer*.cc), from the same plans.

#include <ATen/ATen.h>

#include <vector>

#include "backends/libtorch/modern_lowering.h"
#include "backends/libtorch/resize_lowering.h"
#include "ir/graph.h"

namespace edgebench::backends::libtorch {

/// What a modern-op node needs at run time besides its inputs, decided at Prepare.
struct ModernPlan {
  SliceLowering slice;
  PadLowering pad;
  int64_t gather_axis = 0;
  ConvTransposeLowering conv_transpose;
  ResizeLowering resize;
  std::vector<int64_t> dims;        // reduced dims, permutation, or layer norm's normalized shape
  std::vector<at::Tensor> tensors;  // index and weight tensors on the device, in use order
};

/// The plan of `node` (any op; classic ops get an empty plan).
ModernPlan PlanModernOp(const ir::Graph& graph, const ir::Node& node, const c10::Device& device);

/// Runs a modern-op node. `values` holds every value's tensor by ValueId (weights and the
/// activations computed so far); `output_shape` is the node's, from shape inference.
at::Tensor RunModernOp(const ir::Node& node, const ModernPlan& plan,
                       const std::vector<at::Tensor>& values, const ir::Shape& output_shape);

}  // namespace edgebench::backends::libtorch
