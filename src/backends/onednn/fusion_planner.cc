#include "backends/onednn/fusion_planner.h"

#include <algorithm>
#include <string>

namespace edgebench::backends::onednn {
namespace {

// oneDNN allows more, but long chains gain nothing in these models.
constexpr size_t kMaxPostOps = 8;

bool AllConstant(const ir::Graph& graph, const ir::Node& node, size_t first) {
  for (size_t i = first; i < node.inputs.size(); ++i) {
    if (graph.value(node.inputs[i]).kind != ir::ValueKind::kConstant) return false;
  }
  return true;
}

class Planner {
 public:
  Planner(const ir::Graph& graph, const std::vector<ir::NodeId>& order) : graph_(graph) {
    for (size_t i = 0; i < order.size(); ++i) position_[order[i]] = static_cast<int>(i);
    for (ir::NodeId id : order) {
      for (ir::ValueId input : graph.node(id).inputs) readers_[input].push_back(id);
    }
    for (ir::ValueId output : graph.outputs()) outputs_.insert(output);
  }

  // The only node reading `value`, or kNoId when it has several readers or is an output.
  ir::NodeId SoleReader(ir::ValueId value) const {
    if (outputs_.count(value) != 0) return ir::kNoId;
    auto found = readers_.find(value);
    if (found == readers_.end() || found->second.size() != 1) return ir::kNoId;
    return found->second.front();
  }

  FusedChain Grow(ir::NodeId anchor) const {
    const ir::Node& node = graph_.node(anchor);
    FusedChain chain;
    chain.output = node.outputs.front();
    bool has_sum = false;
    while (chain.post_ops.size() < kMaxPostOps) {
      const ir::NodeId next_id = SoleReader(chain.output);
      if (next_id == ir::kNoId) break;
      const ir::Node& next = graph_.node(next_id);
      std::string why;
      if (next.op == ir::OpKind::kBatchNorm && node.op == ir::OpKind::kConv &&
          chain.batch_norm == ir::kNoId && chain.post_ops.empty() &&
          next.inputs.front() == chain.output && AllConstant(graph_, next, 1)) {
        chain.batch_norm = next_id;
      } else if (auto eltwise = EltwiseChainFor(graph_, next, why);
                 eltwise && next.inputs.front() == chain.output) {
        chain.post_ops.push_back({*eltwise, ir::kNoId});
      } else if (next.op == ir::OpKind::kAdd && !has_sum && chain.post_ops.empty() &&
                 SumOperandFits(anchor, next, chain)) {
        // Only as the first post-op: oneDNN 2.6's jit convolutions take a sum before
        // activations (ResNet's add then ReLU) but not after one, and fall back to the
        // reference kernel for eltwise+sum (YOLOv3's leaky then shortcut add: 43 s instead
        // of 0.4 s per inference at 416x416).
        const ir::ValueId other = next.inputs[0] == chain.output ? next.inputs[1] : next.inputs[0];
        chain.post_ops.push_back({{}, other});
        has_sum = true;
      } else {
        break;
      }
      chain.output = next.outputs.front();
    }
    return chain;
  }

 private:
  // The other operand of a residual Add must have the Add's shape (no broadcast) and be
  // computed before the anchor runs, since the sum reads it inside the anchor's primitive.
  bool SumOperandFits(ir::NodeId anchor, const ir::Node& add, const FusedChain& chain) const {
    if (add.inputs.size() != 2 || add.inputs[0] == add.inputs[1]) return false;
    const ir::ValueId other = add.inputs[0] == chain.output ? add.inputs[1] : add.inputs[0];
    const ir::Value& value = graph_.value(other);
    if (value.shape != graph_.value(chain.output).shape ||
        value.shape != graph_.value(add.outputs.front()).shape) {
      return false;
    }
    if (value.kind == ir::ValueKind::kConstant) return false;
    if (value.kind == ir::ValueKind::kInput) return true;
    auto producer = position_.find(value.producer);
    return producer != position_.end() && producer->second < position_.at(anchor);
  }

  const ir::Graph& graph_;
  std::unordered_map<ir::NodeId, int> position_;
  std::unordered_map<ir::ValueId, std::vector<ir::NodeId>> readers_;
  std::unordered_set<ir::ValueId> outputs_;
};

}  // namespace

FusionPlan PlanFusion(const ir::Graph& graph, const std::vector<ir::NodeId>& order) {
  Planner planner(graph, order);
  FusionPlan plan;
  for (ir::NodeId id : order) {
    const ir::Node& node = graph.node(id);
    if (plan.absorbed.count(id) != 0) continue;
    if (node.op != ir::OpKind::kConv && node.op != ir::OpKind::kFullyConnected) continue;
    FusedChain chain = planner.Grow(id);
    if (chain.output == node.outputs.front()) continue;
    // Every node between the anchor and the chain's output is absorbed.
    ir::ValueId value = node.outputs.front();
    while (value != chain.output) {
      const ir::NodeId reader = planner.SoleReader(value);
      plan.absorbed.insert(reader);
      chain.absorbed.push_back(reader);
      value = graph.node(reader).outputs.front();
    }
    plan.chains[id] = std::move(chain);
  }
  return plan;
}

}  // namespace edgebench::backends::onednn
