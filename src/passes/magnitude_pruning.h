#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace edgebench::passes {

/// One weight tensor after magnitude pruning.
struct PrunedTensor {
  std::string layer;
  int64_t elements = 0;
  int64_t zeros = 0;  // zero-valued weights after pruning (including any there before)
};

struct MagnitudePruneReport {
  std::vector<PrunedTensor> tensors;
  int64_t elements = 0;
  int64_t zeros = 0;
  /// zeros / elements over every pruned tensor (0 when there is none).
  double achieved_sparsity = 0;
};

/// Unstructured magnitude pruning: in the weight tensor of every convolution, transposed
/// convolution and fully connected layer, sets the round(sparsity x size) weights of
/// smallest magnitude to zero (ties broken by position, so the result is deterministic).
/// Each tensor is pruned to the target on its own, so every layer, small or large, ends
/// at the same sparsity. Biases and batch-norm parameters are kept. Shapes and MAC counts
/// do not change: only a backend with sparse kernels can turn the zeros into speed.
/// `sparsity` must be in [0, 1]; weights must be materialized. Throws ir::GraphError
/// otherwise.
MagnitudePruneReport PruneMagnitude(ir::Graph& graph, double sparsity);

}  // namespace edgebench::passes
