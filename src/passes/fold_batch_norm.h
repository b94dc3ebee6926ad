#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace edgebench::passes {

/// One batch norm folded into the convolution before it.
struct FoldedBatchNorm {
  std::string conv;
  std::string batch_norm;
};

/// Folds every inference-mode BatchNorm that directly follows a convolution into that
/// convolution's weights and bias: with s = scale / sqrt(variance + epsilon),
///   W'[o] = W[o] * s[o],   b'[o] = (b[o] - mean[o]) * s[o] + bias[o]
/// (b = 0 for a convolution without bias, which gets one). Each value is computed in
/// double and rounded once, so the folded graph equals the original up to f32 rounding.
/// A pair is left alone when the convolution's output is read by anything else or is a
/// graph output, or when its weights are shared with another node. The batch norm's
/// output keeps its name (now produced by the convolution), so graph outputs keep theirs.
/// Weights must be materialized; throws ir::GraphError otherwise.
std::vector<FoldedBatchNorm> FoldBatchNorm(ir::Graph& graph);

}  // namespace edgebench::passes
