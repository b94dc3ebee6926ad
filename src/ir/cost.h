#pragma once

#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace edgebench::ir {

/// Work and storage of one node.
///
/// Conventions: `macs` counts multiply-accumulates of convolutions and fully connected
/// layers only (what papers, and the study's Table I, call "FLOPs"). `flops` counts every
/// arithmetic operation: 2 per MAC, one per bias add, plus the elementwise work of
/// batch norm (2/element), activations (1/element; sigmoid 4), pooling (one per window
/// element), softmax (3/element), LRN (size + 3 per element) and additions.
struct NodeCost {
  int64_t macs = 0;
  int64_t flops = 0;
  int64_t params = 0;        // trainable weights feeding this node
  int64_t weight_bytes = 0;  // every constant feeding this node, incl. BN statistics
  int64_t output_bytes = 0;  // activation written by this node
};

/// Totals for a graph plus the per-node breakdown (indexed by NodeId).
struct GraphCost {
  std::vector<NodeCost> nodes;
  int64_t macs = 0;
  int64_t flops = 0;
  int64_t params = 0;
  int64_t weight_bytes = 0;
  /// Bytes of all activations, graph inputs included: what a naive executor that keeps
  /// every tensor would allocate.
  int64_t activation_bytes = 0;
  /// Largest total of simultaneously live activations when nodes run in
  /// Graph::ExecutionOrder() and each tensor is freed after its last consumer.
  int64_t peak_activation_bytes = 0;
};

/// Counts one node; shapes must have been inferred.
NodeCost CountNode(const Graph& graph, const Node& node);

/// Counts the whole graph; shapes must have been inferred (see InferShapes).
GraphCost CountGraph(const Graph& graph);

}  // namespace edgebench::ir
