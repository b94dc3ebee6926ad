#pragma once

// Which IR nodes are folded into a convolution (or inner product) when fusion is on:
// a following BatchNorm (folded into the weights at Prepare), then a chain of
// activations and at most one residual Add, expressed as oneDNN post-ops.

#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "backends/onednn/eltwise_map.h"
#include "ir/graph.h"

namespace edgebench::backends::onednn {

/// One post-op: either eltwise operations or a sum with another (already computed) value.
struct PostOp {
  std::vector<EltwiseOp> eltwise;       // empty for a sum
  ir::ValueId sum_operand = ir::kNoId;  // set for a sum
};

/// A convolution or fully connected node and what is fused into it.
struct FusedChain {
  ir::NodeId batch_norm = ir::kNoId;  // folded into the weights (convolutions only)
  std::vector<PostOp> post_ops;
  ir::ValueId output = ir::kNoId;    // the value the last fused node produces
  std::vector<ir::NodeId> absorbed;  // every node fused into the anchor, in chain order
};

struct FusionPlan {
  std::unordered_map<ir::NodeId, FusedChain> chains;  // by anchor node
  std::unordered_set<ir::NodeId> absorbed;            // nodes computed inside a chain
};

/// Plans fusion over `order` (the graph's execution order). A node joins a chain only when
/// the chain's current output has no other reader and is not a graph output, so nothing
/// else ever needs an intermediate value that fusion removed.
FusionPlan PlanFusion(const ir::Graph& graph, const std::vector<ir::NodeId>& order);

}  // namespace edgebench::backends::onednn
