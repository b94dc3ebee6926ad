#include "backends/onednn/lowering.h"

#include <fmt/format.h>

#include <stdexcept>

#include "backends/onednn/builders.h"
#include "backends/onednn/fusion_planner.h"

namespace edgebench::backends::onednn {
namespace {

void LowerNode(PlanBuilder& plan, const ir::Node& node, const FusedChain* chain) {
  switch (node.op) {
    case ir::OpKind::kConv:
      return BuildConv(plan, node, chain);
    case ir::OpKind::kFullyConnected:
      return BuildFullyConnected(plan, node, chain);
    case ir::OpKind::kConvTranspose:
      return BuildConvTranspose(plan, node);
    case ir::OpKind::kMatMul:
      return BuildMatMul(plan, node);
    case ir::OpKind::kBatchNorm:
      return BuildBatchNorm(plan, node);
    case ir::OpKind::kRelu:
    case ir::OpKind::kRelu6:
    case ir::OpKind::kLeakyRelu:
    case ir::OpKind::kSigmoid:
    case ir::OpKind::kHardSigmoid:
    case ir::OpKind::kHardSwish:
    case ir::OpKind::kSilu:
    case ir::OpKind::kTanh:
    case ir::OpKind::kExp:
    case ir::OpKind::kLog:
    case ir::OpKind::kSqrt:
    case ir::OpKind::kAbs:
    case ir::OpKind::kNeg:
    case ir::OpKind::kErf:
    case ir::OpKind::kGelu:
    case ir::OpKind::kClip:
    case ir::OpKind::kPow:
      return BuildEltwise(plan, node);
    case ir::OpKind::kAdd:
    case ir::OpKind::kSub:
    case ir::OpKind::kMul:
    case ir::OpKind::kDiv:
    case ir::OpKind::kMaximum:
    case ir::OpKind::kMinimum:
      return BuildBinary(plan, node);
    case ir::OpKind::kMaxPool:
    case ir::OpKind::kAvgPool:
      return BuildPool(plan, node);
    case ir::OpKind::kGlobalAvgPool:
      return BuildGlobalAvgPool(plan, node);
    case ir::OpKind::kSoftmax:
      return BuildSoftmax(plan, node);
    case ir::OpKind::kLrn:
      return BuildLrn(plan, node);
    case ir::OpKind::kLayerNorm:
      return BuildLayerNorm(plan, node);
    case ir::OpKind::kReduceMean:
    case ir::OpKind::kReduceSum:
    case ir::OpKind::kReduceMax:
      return BuildReduce(plan, node);
    case ir::OpKind::kUpsampleNearest:
    case ir::OpKind::kResize:
      return BuildResize(plan, node);
    case ir::OpKind::kFlatten:
    case ir::OpKind::kReshape:
    case ir::OpKind::kSqueeze:
    case ir::OpKind::kUnsqueeze:
      return BuildReshapeLike(plan, node);
    case ir::OpKind::kConcat:
      return BuildConcat(plan, node);
    case ir::OpKind::kTranspose:
      return BuildTranspose(plan, node);
    case ir::OpKind::kSlice:
      return BuildSlice(plan, node);
    case ir::OpKind::kPad:
      return BuildPad(plan, node);
    case ir::OpKind::kGather:
      return BuildGather(plan, node);
  }
}

}  // namespace

Plan LowerGraph(const ir::Graph& graph, bool fuse, ComputePrecision precision,
                const dnnl::engine& engine, const dnnl::stream& stream) {
  const std::vector<ir::NodeId> order = graph.ExecutionOrder();
  const FusionPlan fusion = fuse ? PlanFusion(graph, order) : FusionPlan{};
  PlanBuilder builder(graph, engine, stream, precision);
  Plan plan;
  for (ir::ValueId id : graph.inputs()) {
    dnnl::memory input = builder.NewMemory(PlainDesc(graph.value(id).shape));
    builder.Set(id, input, false);  // restaged by SetInputs, never overwritten by a run
    plan.inputs.push_back(input);
  }
  for (ir::NodeId id : order) {
    if (fusion.absorbed.count(id) != 0) continue;
    const ir::Node& node = graph.node(id);
    auto chain = fusion.chains.find(id);
    std::vector<std::string> covered = {node.name};
    if (chain != fusion.chains.end()) {
      for (ir::NodeId absorbed : chain->second.absorbed)
        covered.push_back(graph.node(absorbed).name);
    }
    builder.SetCurrentNodes(std::move(covered));
    try {
      LowerNode(builder, node, chain == fusion.chains.end() ? nullptr : &chain->second);
    } catch (const dnnl::error& error) {
      throw std::runtime_error(
          fmt::format("node '{}' ({}): oneDNN: {}", node.name, ir::OpName(node.op), error.what()));
    } catch (const std::exception& error) {
      throw std::runtime_error(
          fmt::format("node '{}' ({}): {}", node.name, ir::OpName(node.op), error.what()));
    }
  }
  builder.SetCurrentNodes({});
  for (ir::ValueId id : graph.outputs()) {
    if (graph.value(id).kind != ir::ValueKind::kActivation) {
      throw std::runtime_error(
          fmt::format("graph output '{}' is not computed by a node", graph.value(id).name));
    }
    // Outputs leave in the IR's plain layout.
    plan.outputs.push_back(builder.Plain(id));
  }
  plan.steps = builder.TakeSteps();
  plan.buffers = builder.TakeBuffers();
  plan.kernels = builder.TakeKernels();
  return plan;
}

}  // namespace edgebench::backends::onednn
