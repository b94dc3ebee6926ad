#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace edgebench::passes {

/// A linear layer whose output only an activation reads: the pair a backend can run as
/// one kernel (the activation applied while the layer's output is still in registers).
struct FusableActivation {
  std::string layer;       // conv, transposed conv or fully connected node
  std::string activation;  // the elementwise node after it
  ir::OpKind activation_op = ir::OpKind::kRelu;
};

/// Lists the layer -> activation pairs of `graph` that a backend could fuse: the layer's
/// output is read by exactly one node, that node is a unary elementwise activation
/// (relu, relu6, leaky relu, clip, sigmoid, tanh, hard sigmoid/swish, silu, gelu), and the
/// layer's output is not a graph output. The graph is not changed: fusion is the
/// backend's to do (or, under the `no-fusion` toggle, not to do); the list says how many
/// such chances a model offers.
std::vector<FusableActivation> MarkActivationFusion(const ir::Graph& graph);

}  // namespace edgebench::passes
