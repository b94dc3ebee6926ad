#pragma once

#include "ir/graph.h"

namespace edgebench::ir {

/// Computes the output shape of one node from its input shapes, validating attributes
/// and weight shapes. Throws GraphError naming the node on any inconsistency. The inputs'
/// shapes must already be final: an empty shape is read as a scalar (which ReduceMean over
/// every dim or a Gather with a scalar index legitimately produce), never as "unknown".
Shape InferNodeOutputShape(const Graph& graph, const Node& node);

/// Runs shape inference over the whole graph in execution order, storing each
/// activation's shape. Throws GraphError (naming the node) on the first inconsistency,
/// a cycle or a dangling edge.
void InferShapes(Graph& graph);

}  // namespace edgebench::ir
