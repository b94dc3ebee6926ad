#pragma once

#include "ir/graph.h"

namespace edgebench::ir {

/// Computes the output shape of one node from its input shapes, validating attributes
/// and weight shapes. Throws GraphError naming the node on any inconsistency.
Shape InferNodeOutputShape(const Graph& graph, const Node& node);

/// Runs shape inference over the whole graph in execution order, storing each
/// activation's shape. Throws GraphError (naming the node) on the first inconsistency,
/// a cycle or a dangling edge.
void InferShapes(Graph& graph);

}  // namespace edgebench::ir
