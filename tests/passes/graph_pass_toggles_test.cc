#include "passes/graph_pass_toggles.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "harness/graph_passes_for_job.h"
#include "passes/activation_fusion.h"
#include "tests/passes/test_graphs.h"

namespace edgebench::passes {
namespace {

TEST(GraphPassTogglesTest, CanonicalTextOfValidToggles) {
  std::string error;
  EXPECT_EQ(CanonicalGraphPassToggle("prune=.50", error), "prune=0.5");
  EXPECT_EQ(CanonicalGraphPassToggle("prune-channels=0.25", error), "prune-channels=0.25");
  EXPECT_EQ(CanonicalGraphPassToggle("fold-bn", error), "fold-bn");
}

TEST(GraphPassTogglesTest, RejectsBadValuesWithAReason) {
  for (const char* bad : {"prune=2", "prune=0", "prune=1", "prune", "prune=", "prune=0.5x",
                          "prune=nan", "prune-channels=-0.5", "fold-bn=1"}) {
    SCOPED_TRACE(bad);
    std::string error;
    EXPECT_FALSE(CanonicalGraphPassToggle(bad, error).has_value());
    EXPECT_NE(error.find(bad), std::string::npos) << error;
  }
  EXPECT_FALSE(IsGraphPassToggle("no-fusion"));
  EXPECT_FALSE(IsGraphPassToggle("pruned"));
  EXPECT_TRUE(IsGraphPassToggle("prune=2"));  // a pass, if a malformed one
}

TEST(GraphPassTogglesTest, ParsesAJobsToggles) {
  const GraphPassToggles toggles =
      ParseGraphPassToggles({"fold-bn", "no-fusion", "prune-channels=0.25"});
  EXPECT_TRUE(toggles.fold_bn);
  EXPECT_FALSE(toggles.prune.has_value());
  EXPECT_DOUBLE_EQ(toggles.prune_channels.value(), 0.25);
  EXPECT_TRUE(toggles.lossy());
  EXPECT_FALSE(ParseGraphPassToggles({"fold-bn"}).lossy());
  EXPECT_THROW(ParseGraphPassToggles({"prune=3"}), std::invalid_argument);
}

TEST(GraphPassTogglesTest, BackendsSeeOnlyTheirOwnToggles) {
  const harness::JobConfig config{
      .model = "m", .backend = "onednn", .toggles = "fold-bn,no-fusion,prune=0.5"};
  EXPECT_EQ(harness::BackendToggles(config), (std::vector<std::string>{"no-fusion"}));
  EXPECT_EQ(harness::GraphPassKey(config), "fold-bn,prune=0.5");
  EXPECT_EQ(harness::GraphPassKey({.model = "m", .toggles = "no-fusion"}), "");
}

TEST(ActivationFusionTest, ListsLayersWhoseOnlyReaderIsAnActivation) {
  ir::Graph graph("fusion");
  const ir::ValueId x = graph.AddInput("x", {1, 2, 3, 3});
  const ir::ValueId w = testing::Constant(graph, "w", {2, 2, 1, 1}, testing::Pattern(4, 1));
  const ir::ValueId w2 = testing::Constant(graph, "w2", {2, 2, 1, 1}, testing::Pattern(4, 2));
  const ir::ValueId a = graph.AddNode("a", ir::OpKind::kConv, testing::Conv2dAttrs(0), {x, w});
  const ir::ValueId a_relu = graph.AddNode("a_relu", ir::OpKind::kRelu, {}, {a});
  // b's output is read twice: fusing the activation would lose the pre-activation value.
  const ir::ValueId b =
      graph.AddNode("b", ir::OpKind::kConv, testing::Conv2dAttrs(0), {a_relu, w2});
  const ir::ValueId b_relu = graph.AddNode("b_relu", ir::OpKind::kRelu6, {}, {b});
  graph.MarkOutput(graph.AddNode("sum", ir::OpKind::kAdd, {}, {b, b_relu}));
  ir::InferShapes(graph);
  const std::vector<FusableActivation> pairs = MarkActivationFusion(graph);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].layer, "a");
  EXPECT_EQ(pairs[0].activation, "a_relu");
  EXPECT_EQ(pairs[0].activation_op, ir::OpKind::kRelu);
}

}  // namespace
}  // namespace edgebench::passes
