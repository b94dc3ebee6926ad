#include "passes/channel_pruning.h"

#include <gtest/gtest.h>

#include "ir/cost.h"
#include "tests/passes/test_graphs.h"

namespace edgebench::passes {
namespace {

using testing::Constant;
using testing::Pattern;

// x [1, 3, 8, 8] -> conv1 3x3 pad 1 (8 ch) -> batch norm -> relu -> max pool 2x2
//   -> conv2 1x1 (6 ch) -> relu -> flatten -> fc (10) -> softmax -> output.
// conv1's odd channels get weights 10 x larger, so its L1 ranking is known.
ir::Graph Chain() {
  ir::Graph graph("chain");
  const ir::ValueId x = graph.AddInput("x", {1, 3, 8, 8});
  std::vector<float> w1 = Pattern(8 * 27, 1);
  for (int64_t o = 1; o < 8; o += 2) {
    for (int64_t i = 0; i < 27; ++i) w1[static_cast<size_t>(o * 27 + i)] *= 10.0f;
  }
  ir::ValueId y = graph.AddNode("conv1", ir::OpKind::kConv, testing::Conv2dAttrs(1),
                                {x, Constant(graph, "w1", {8, 3, 3, 3}, w1),
                                 Constant(graph, "b1", {8}, Pattern(8, 2), ir::WeightRole::kBias)});
  std::vector<float> variance(8, 1.0f);
  y = graph.AddNode("bn", ir::OpKind::kBatchNorm, ir::BatchNormAttrs{},
                    {y, Constant(graph, "gamma", {8}, Pattern(8, 3), ir::WeightRole::kBnScale),
                     Constant(graph, "beta", {8}, Pattern(8, 4), ir::WeightRole::kBnBias),
                     Constant(graph, "mean", {8}, Pattern(8, 5), ir::WeightRole::kBnMean),
                     Constant(graph, "var", {8}, variance, ir::WeightRole::kBnVariance)});
  y = graph.AddNode("relu1", ir::OpKind::kRelu, {}, {y});
  y = graph.AddNode(
      "pool", ir::OpKind::kMaxPool,
      ir::PoolAttrs{.kernel = {2, 2}, .strides = {2, 2}, .pads_begin = {0, 0}, .pads_end = {0, 0}},
      {y});
  y = graph.AddNode("conv2", ir::OpKind::kConv, testing::Conv2dAttrs(0),
                    {y, Constant(graph, "w2", {6, 8, 1, 1}, Pattern(48, 6))});
  y = graph.AddNode("relu2", ir::OpKind::kRelu, {}, {y});
  y = graph.AddNode("flat", ir::OpKind::kFlatten, ir::FlattenAttrs{1}, {y});
  y = graph.AddNode("fc", ir::OpKind::kFullyConnected, {},
                    {y, Constant(graph, "fc_w", {10, 96}, Pattern(960, 7)),
                     Constant(graph, "fc_b", {10}, Pattern(10, 8), ir::WeightRole::kBias)});
  graph.MarkOutput(graph.AddNode("prob", ir::OpKind::kSoftmax, ir::SoftmaxAttrs{1}, {y}));
  ir::InferShapes(graph);
  return graph;
}

TEST(ChannelPruningTest, MacsDropByTheRemovedChannelsWork) {
  const ir::Graph original = Chain();
  ir::Graph graph = original;
  const ChannelPruneReport report = PruneChannels(graph, 0.5);
  ASSERT_EQ(report.pruned.size(), 2u);
  EXPECT_EQ(report.pruned[0].layer, "conv1");
  EXPECT_EQ(report.pruned[0].channels_after, 4);
  EXPECT_EQ(report.pruned[1].layer, "conv2");
  EXPECT_EQ(report.pruned[1].channels_after, 3);
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_EQ(report.skipped[0].layer, "fc");  // its output reaches the softmax
  // conv1: 8x8 outputs x C_out x 3 x 27 taps... computed per layer by hand:
  //   before: conv1 64*8*27 + conv2 16*6*8 + fc 10*96 = 13824 + 768 + 960
  //   after:  conv1 64*4*27 + conv2 16*3*4 + fc 10*48 = 6912 + 192 + 480
  EXPECT_EQ(report.macs_before, 13824 + 768 + 960);
  EXPECT_EQ(report.macs_after, 6912 + 192 + 480);
  EXPECT_EQ(ir::CountGraph(graph).macs, report.macs_after);
  EXPECT_EQ(graph.value(graph.FindValue("conv1")).shape, (ir::Shape{1, 4, 8, 8}));
  EXPECT_EQ(graph.value(graph.FindValue("gamma")).shape, (ir::Shape{4}));
  EXPECT_EQ(graph.value(graph.FindValue("w2")).shape, (ir::Shape{3, 4, 1, 1}));
  EXPECT_EQ(graph.value(graph.FindValue("fc_w")).shape, (ir::Shape{10, 48}));

  // conv1 kept its strong (odd) channels, in order, and conv2 the matching columns.
  const auto& w1_before = original.value(original.FindValue("w1")).data;
  const auto& w1_after = graph.value(graph.FindValue("w1")).data;
  const auto& w2_before = original.value(original.FindValue("w2")).data;
  const auto& w2_after = graph.value(graph.FindValue("w2")).data;
  for (int64_t k = 0; k < 4; ++k) {
    const int64_t kept = 2 * k + 1;
    EXPECT_EQ(w1_after[static_cast<size_t>(k * 27)], w1_before[static_cast<size_t>(kept * 27)]);
    EXPECT_EQ(graph.value(graph.FindValue("gamma")).data[static_cast<size_t>(k)],
              original.value(original.FindValue("gamma")).data[static_cast<size_t>(kept)]);
  }
  // conv2 row 0 of the pruned graph is one of the original rows, restricted to columns 1, 3, 5, 7.
  bool row_found = false;
  for (int64_t row = 0; row < 6; ++row) {
    bool same = true;
    for (int64_t k = 0; k < 4; ++k) {
      same = same && w2_after[static_cast<size_t>(k)] ==
                         w2_before[static_cast<size_t>(row * 8 + 2 * k + 1)];
    }
    row_found = row_found || same;
  }
  EXPECT_TRUE(row_found);

  // The pruned graph still runs, with the original output shape.
  const backends::HostTensor input({1, 3, 8, 8}, Pattern(192, 11));
  const auto outputs = testing::RunOnReference(graph, input);
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs[0].shape, (ir::Shape{1, 10}));
}

// Channels that contribute nothing (all-zero weights and bias, then relu) can go without
// changing the output at all: the pruned graph equals the original exactly.
TEST(ChannelPruningTest, RemovingDeadChannelsKeepsTheOutputExactly) {
  ir::Graph graph("dead");
  const ir::ValueId x = graph.AddInput("x", {1, 2, 5, 5});
  std::vector<float> w1 = Pattern(4 * 18, 1);
  std::vector<float> b1 = Pattern(4, 2);
  for (int64_t o : {0, 2}) {
    for (int64_t i = 0; i < 18; ++i) w1[static_cast<size_t>(o * 18 + i)] = 0.0f;
    b1[static_cast<size_t>(o)] = 0.0f;
  }
  ir::ValueId y = graph.AddNode("conv1", ir::OpKind::kConv, testing::Conv2dAttrs(1),
                                {x, Constant(graph, "w1", {4, 2, 3, 3}, w1),
                                 Constant(graph, "b1", {4}, b1, ir::WeightRole::kBias)});
  y = graph.AddNode("relu", ir::OpKind::kRelu, {}, {y});
  graph.MarkOutput(graph.AddNode("conv2", ir::OpKind::kConv, testing::Conv2dAttrs(0),
                                 {y, Constant(graph, "w2", {3, 4, 1, 1}, Pattern(12, 3))}));
  ir::InferShapes(graph);
  const ir::Graph original = graph;
  const ChannelPruneReport report = PruneChannels(graph, 0.5);
  ASSERT_EQ(report.pruned.size(), 1u);
  const backends::HostTensor input({1, 2, 5, 5}, Pattern(50, 4));
  EXPECT_EQ(testing::RunOnReference(graph, input)[0].data,
            testing::RunOnReference(original, input)[0].data);
}

TEST(ChannelPruningTest, SkipsLayersFeedingAddOrGraphOutputs) {
  ir::Graph graph("residual");
  const ir::ValueId x = graph.AddInput("x", {1, 4, 5, 5});
  const ir::ValueId conv = graph.AddNode("conv", ir::OpKind::kConv, testing::Conv2dAttrs(1),
                                         {x, Constant(graph, "w", {4, 4, 3, 3}, Pattern(144, 1))});
  graph.MarkOutput(graph.AddNode("sum", ir::OpKind::kAdd, {}, {conv, x}));
  ir::InferShapes(graph);
  const int64_t macs = ir::CountGraph(graph).macs;
  const ChannelPruneReport report = PruneChannels(graph, 0.5);
  EXPECT_TRUE(report.pruned.empty());
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_NE(report.skipped[0].reason.find("add 'sum'"), std::string::npos)
      << report.skipped[0].reason;
  EXPECT_EQ(report.macs_after, macs);
}

// MobileNet's block: pointwise -> depthwise 3x3 -> pointwise. Pruning the first pointwise
// conv drops the depthwise filters of its channels too (and the depthwise groups).
TEST(ChannelPruningTest, PrunesThroughDepthwiseConvolutions) {
  ir::Graph graph("mobile");
  const ir::ValueId x = graph.AddInput("x", {1, 3, 6, 6});
  ir::ValueId y = graph.AddNode("pw1", ir::OpKind::kConv, testing::Conv2dAttrs(0),
                                {x, Constant(graph, "pw1_w", {8, 3, 1, 1}, Pattern(24, 1))});
  ir::ConvAttrs depthwise = testing::Conv2dAttrs(1);
  depthwise.groups = 8;
  y = graph.AddNode("dw", ir::OpKind::kConv, depthwise,
                    {y, Constant(graph, "dw_w", {8, 1, 3, 3}, Pattern(72, 2)),
                     Constant(graph, "dw_b", {8}, Pattern(8, 3), ir::WeightRole::kBias)});
  y = graph.AddNode("relu", ir::OpKind::kRelu6, {}, {y});
  graph.MarkOutput(graph.AddNode("pw2", ir::OpKind::kConv, testing::Conv2dAttrs(0),
                                 {y, Constant(graph, "pw2_w", {5, 8, 1, 1}, Pattern(40, 4))}));
  ir::InferShapes(graph);
  const ChannelPruneReport report = PruneChannels(graph, 0.25);
  ASSERT_EQ(report.pruned.size(), 1u);
  EXPECT_EQ(report.pruned[0].channels_after, 6);
  // 36 output positions: pw1 36*8*3 + dw 36*8*9 + pw2 36*5*8, then 6 channels instead of 8.
  EXPECT_EQ(report.macs_before, 36 * 8 * 3 + 36 * 8 * 9 + 36 * 5 * 8);
  EXPECT_EQ(report.macs_after, 36 * 6 * 3 + 36 * 6 * 9 + 36 * 5 * 6);
  const ir::NodeId dw = graph.value(graph.FindValue("dw")).producer;
  EXPECT_EQ(std::get<ir::ConvAttrs>(graph.node(dw).attrs).groups, 6);
  EXPECT_EQ(graph.value(graph.FindValue("dw_b")).shape, (ir::Shape{6}));
  const backends::HostTensor input({1, 3, 6, 6}, Pattern(108, 5));
  EXPECT_EQ(testing::RunOnReference(graph, input)[0].shape, (ir::Shape{1, 5, 6, 6}));
}

TEST(ChannelPruningTest, RejectsFractionsOutsideRange) {
  ir::Graph graph = Chain();
  EXPECT_THROW(PruneChannels(graph, 1.0), ir::GraphError);
  EXPECT_THROW(PruneChannels(graph, -0.5), ir::GraphError);
}

}  // namespace
}  // namespace edgebench::passes
