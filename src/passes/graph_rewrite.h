#pragma once

// Helpers the graph passes share: who consumes a value, and rebuilding a graph with some
// nodes removed (ir::Graph only grows, so removing a node means copying the rest).

#include <string>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"

namespace edgebench::passes {

/// For each value (indexed by ValueId), the nodes that read it, in node order; a node
/// reading a value twice is listed twice.
std::vector<std::vector<ir::NodeId>> ConsumersByValue(const ir::Graph& graph);

/// True when `value` is one of the graph's outputs.
bool IsGraphOutput(const ir::Graph& graph, ir::ValueId value);

/// What RebuildGraph changes; everything else is copied as it is.
struct GraphEdit {
  std::vector<ir::NodeId> drop_nodes;
  /// Reads of (and graph outputs naming) a key read the mapped value instead.
  std::unordered_map<ir::ValueId, ir::ValueId> replace;
  /// Values copied under another name (the name must be free in the result).
  std::unordered_map<ir::ValueId, std::string> rename;
  /// New input lists (before `replace` applies) for some nodes.
  std::unordered_map<ir::NodeId, std::vector<ir::ValueId>> node_inputs;
  /// New attributes for some nodes.
  std::unordered_map<ir::NodeId, ir::Attrs> node_attrs;
};

/// A copy of `graph` with `edit` applied. Values nothing uses any more (the dropped
/// nodes' outputs and constants only they read) are left out; the rest keep their order,
/// data and quantization parameters. Shapes are re-inferred. Throws ir::GraphError when
/// the edit leaves the graph inconsistent.
ir::Graph RebuildGraph(const ir::Graph& graph, const GraphEdit& edit);

/// True for ops that map each element to one element of the same position and need no
/// other input: what a conv's output may pass through and still be channel-separable.
bool IsUnaryElementwise(ir::OpKind op);

}  // namespace edgebench::passes
