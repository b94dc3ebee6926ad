// Which nodes the oneDNN backend fuses into a convolution, checked on the plan itself:
// outputs cannot tell a fused chain from an unfused one, but the speed can (a chain
// oneDNN has no jit kernel for runs on its reference kernel, orders of magnitude slower).
#include <gtest/gtest.h>

#include "backends/onednn/fusion_planner.h"
#include "zoo/graph_builder.h"

namespace edgebench::backends::onednn {
namespace {

TEST(OneDnnFusionPlanTest, ResidualAddThenReluFusesAsSumThenEltwise) {
  zoo::GraphBuilder b("resnet_block", {1, 8, 8, 8});
  const ir::ValueId conv = b.Conv2d("conv", b.input(), 8, 3, 1, 1);
  const ir::ValueId bn = b.BatchNorm("bn", conv);
  const ir::ValueId add = b.Add("add", bn, b.input());
  const ir::Graph graph = b.Finish({b.Relu("relu", add)});
  const FusionPlan plan = PlanFusion(graph, graph.ExecutionOrder());
  ASSERT_EQ(plan.chains.size(), 1u);
  const FusedChain& chain = plan.chains.begin()->second;
  EXPECT_NE(chain.batch_norm, ir::kNoId);
  ASSERT_EQ(chain.post_ops.size(), 2u);
  EXPECT_NE(chain.post_ops[0].sum_operand, ir::kNoId);
  EXPECT_FALSE(chain.post_ops[1].eltwise.empty());
  EXPECT_EQ(plan.absorbed.size(), 3u);  // bn, add, relu
}

TEST(OneDnnFusionPlanTest, AddAfterAnActivationStaysOutOfTheChain) {
  zoo::GraphBuilder b("yolo_shortcut", {1, 8, 8, 8});
  const ir::ValueId conv = b.Conv2d("conv", b.input(), 8, 3, 1, 1);
  const ir::ValueId leaky = b.LeakyRelu("leaky", b.BatchNorm("bn", conv), 0.1f);
  const ir::Graph graph = b.Finish({b.Add("shortcut", leaky, b.input())});
  const FusionPlan plan = PlanFusion(graph, graph.ExecutionOrder());
  ASSERT_EQ(plan.chains.size(), 1u);
  const FusedChain& chain = plan.chains.begin()->second;
  ASSERT_EQ(chain.post_ops.size(), 1u);
  EXPECT_EQ(chain.post_ops[0].sum_operand, ir::kNoId);
  EXPECT_EQ(plan.absorbed.size(), 2u);  // bn and leaky; the add runs on its own
}

}  // namespace
}  // namespace edgebench::backends::onednn
