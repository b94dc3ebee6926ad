#include "passes/activation_fusion.h"

#include "passes/graph_rewrite.h"

namespace edgebench::passes {
namespace {

bool IsLinearLayer(ir::OpKind op) {
  return op == ir::OpKind::kConv || op == ir::OpKind::kConvTranspose ||
         op == ir::OpKind::kFullyConnected;
}

// Activations frameworks commonly fuse: the unary elementwise ops that are functions of
// one value, excluding plain math (exp, log, sqrt, abs, neg, erf) nobody fuses as such.
bool IsFusableActivation(ir::OpKind op) {
  for (ir::OpKind fusable :
       {ir::OpKind::kRelu, ir::OpKind::kRelu6, ir::OpKind::kLeakyRelu, ir::OpKind::kClip,
        ir::OpKind::kSigmoid, ir::OpKind::kTanh, ir::OpKind::kHardSigmoid, ir::OpKind::kHardSwish,
        ir::OpKind::kSilu, ir::OpKind::kGelu}) {
    if (op == fusable) return true;
  }
  return false;
}

}  // namespace

std::vector<FusableActivation> MarkActivationFusion(const ir::Graph& graph) {
  std::vector<FusableActivation> pairs;
  const auto consumers = ConsumersByValue(graph);
  for (const ir::Node& layer : graph.nodes()) {
    if (!IsLinearLayer(layer.op)) continue;
    const ir::ValueId out = layer.outputs.front();
    const auto& readers = consumers[static_cast<size_t>(out)];
    if (readers.size() != 1 || IsGraphOutput(graph, out)) continue;
    const ir::Node& next = graph.node(readers.front());
    if (!IsFusableActivation(next.op)) continue;
    pairs.push_back({layer.name, next.name, next.op});
  }
  return pairs;
}

}  // namespace edgebench::passes
