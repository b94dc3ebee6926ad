#pragma once

// Lowers a whole IR graph to an ordered list of oneDNN primitives (the session's plan).

#include <oneapi/dnnl/dnnl.hpp>
#include <vector>

#include "backends/onednn/plan_builder.h"
#include "ir/graph.h"

namespace edgebench::backends::onednn {

/// What a prepared session runs: the steps in order, the buffers they use, and the plain
/// memories graph inputs are copied into and outputs are read from.
struct Plan {
  std::vector<Step> steps;
  std::vector<dnnl::memory> buffers;
  std::vector<dnnl::memory> inputs;
  std::vector<dnnl::memory> outputs;
  /// The kernel oneDNN picked for each convolution and inner product.
  std::vector<KernelUse> kernels;
};

/// Builds the plan; weights are reordered into the primitives' layouts here, once.
/// Throws dnnl::error or std::runtime_error on what oneDNN cannot build.
/// `precision` is what convolutions and inner products compute in.
Plan LowerGraph(const ir::Graph& graph, bool fuse, ComputePrecision precision,
                const dnnl::engine& engine, const dnnl::stream& stream);

}  // namespace edgebench::backends::onednn
