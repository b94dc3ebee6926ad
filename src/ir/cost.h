#pragma once

#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace edgebench::ir {

/// Work and storage of one node.
///
/// Conventions: `macs` counts multiply-accumulates of the ops made of them only:
/// convolution, transposed convolution, fully connected and MatMul (what papers, and the
/// study's Table I, call "FLOPs"). Conv: output elements x (C/groups) x kernel taps;
/// ConvTranspose: input elements x (O/groups) x kernel taps (each input element scatters
/// into that many outputs); MatMul: output elements x K.
///
/// `flops` counts every arithmetic operation, by these (approximate, fixed) rules:
///  * 2 per MAC, plus 1 per output element for a bias add;
///  * per output element: 1 for add, sub, mul, div, maximum, minimum, neg, abs, relu,
///    relu6, leaky_relu and clip; 2 batch norm (folded scale and shift); 3 hard_sigmoid
///    (multiply-add, clamp); 3 softmax; 4 hard_swish (hard sigmoid, multiply); 4 for an
///    elementary function: exp, log, sqrt, tanh, erf, pow and sigmoid (mostly one exp);
///    5 silu (sigmoid, multiply); 8 gelu, exact or tanh-approximated (erf or tanh plus
///    about four multiply-adds); size + 3 LRN; 7 layer norm (mean 1, variance 3,
///    normalize 2, scale 1), 8 with a bias;
///  * pooling: one per window element per output element; global average pooling and
///    reduce_mean / reduce_sum / reduce_max: one per input element;
///  * linear resize: 2 (weight multiply, accumulate) per blended input element, i.e.
///    2 x 2^k per output element where k is the number of dims whose extent changes;
///    nearest resize 0;
///  * 0 for data movement: concat, flatten, reshape, upsample_nearest, transpose, slice,
///    squeeze, unsqueeze, pad, gather.
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
