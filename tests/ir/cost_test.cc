#include "ir/cost.h"

#include <gtest/gtest.h>

#include <limits>

#include "ir/shape_inference.h"

namespace edgebench::ir {
namespace {

TEST(CostTest, ConvWithBiasAndBatchNormCountsByHand) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 3, 8, 8});
  ValueId w = graph.AddConstant("conv.w", {4, 3, 3, 3}, WeightRole::kWeight, {});
  ValueId b = graph.AddConstant("conv.b", {4}, WeightRole::kBias, {});
  ConvAttrs attrs{.strides = {1, 1},
                  .pads_begin = {1, 1},
                  .pads_end = {1, 1},
                  .dilations = {1, 1},
                  .groups = 1};
  ValueId conv = graph.AddNode("conv", OpKind::kConv, attrs, {x, w, b});
  std::vector<ValueId> bn_inputs{conv};
  const WeightRole roles[] = {WeightRole::kBnScale, WeightRole::kBnBias, WeightRole::kBnMean,
                              WeightRole::kBnVariance};
  for (int i = 0; i < 4; ++i) {
    bn_inputs.push_back(graph.AddConstant("bn." + std::to_string(i), {4}, roles[i], {}));
  }
  ValueId bn = graph.AddNode("bn", OpKind::kBatchNorm, BatchNormAttrs{}, bn_inputs);
  graph.MarkOutput(graph.AddNode("relu", OpKind::kRelu, {}, {bn}));
  InferShapes(graph);
  GraphCost cost = CountGraph(graph);

  const int64_t out = 4 * 8 * 8;  // 256 output elements
  EXPECT_EQ(cost.nodes[0].macs, out * 3 * 3 * 3);
  EXPECT_EQ(cost.nodes[0].flops, 2 * out * 27 + out);
  EXPECT_EQ(cost.nodes[0].params, 4 * 27 + 4);
  EXPECT_EQ(cost.nodes[1].params, 8);  // gamma and beta; running stats are not params
  EXPECT_EQ(cost.nodes[1].weight_bytes, 16 * 4);
  EXPECT_EQ(cost.nodes[1].flops, 2 * out);
  EXPECT_EQ(cost.nodes[2].flops, out);
  EXPECT_EQ(cost.macs, out * 27);
  EXPECT_EQ(cost.params, 112 + 8);
  EXPECT_EQ(cost.weight_bytes, (112 + 16) * 4);
  // Input 192 floats, then each node's output (256 floats) lives beside its input: the
  // peak is two 256-float tensors (bn and relu), the input having been freed after conv.
  EXPECT_EQ(cost.activation_bytes, (192 + 3 * 256) * 4);
  EXPECT_EQ(cost.peak_activation_bytes, (256 + 256) * 4);
}

TEST(CostTest, DepthwiseAndFullyConnected) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 32, 10, 10});
  ValueId w = graph.AddConstant("dw.w", {32, 1, 3, 3}, WeightRole::kWeight, {});
  ConvAttrs attrs{.strides = {2, 2},
                  .pads_begin = {1, 1},
                  .pads_end = {1, 1},
                  .dilations = {1, 1},
                  .groups = 32};
  ValueId dw = graph.AddNode("dw", OpKind::kConv, attrs, {x, w});
  ValueId flat = graph.AddNode("flat", OpKind::kFlatten, FlattenAttrs{1}, {dw});
  ValueId fc_w = graph.AddConstant("fc.w", {10, 32 * 25}, WeightRole::kWeight, {});
  ValueId fc_b = graph.AddConstant("fc.b", {10}, WeightRole::kBias, {});
  graph.MarkOutput(graph.AddNode("fc", OpKind::kFullyConnected, {}, {flat, fc_w, fc_b}));
  InferShapes(graph);
  GraphCost cost = CountGraph(graph);
  EXPECT_EQ(cost.nodes[0].macs, 32 * 5 * 5 * 9);  // one input channel per group
  EXPECT_EQ(cost.nodes[2].macs, 10 * 800);
  EXPECT_EQ(cost.params, 32 * 9 + 8000 + 10);
}

TEST(CostTest, PeakMemoryHoldsBranchesUntilTheirLastConsumer) {
  // x -> a, x -> b, concat(a, b): x must stay alive until b is computed.
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 10});
  ValueId a = graph.AddNode("a", OpKind::kRelu, {}, {x});
  ValueId b = graph.AddNode("b", OpKind::kSigmoid, {}, {x});
  ValueId cat = graph.AddNode("cat", OpKind::kConcat, ConcatAttrs{1}, {a, b});
  graph.MarkOutput(cat);
  InferShapes(graph);
  GraphCost cost = CountGraph(graph);
  // Step a: x + a = 80; step b: x + a + b = 120, then x is freed; step cat: a + b + cat
  // (20 floats) = 160 bytes.
  EXPECT_EQ(cost.peak_activation_bytes, 160);
  EXPECT_EQ(cost.activation_bytes, (10 + 10 + 10 + 20) * 4);
}

TEST(CostTest, SharedConstantIsCountedOnce) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 4});
  ValueId w = graph.AddConstant("shared.w", {4, 4}, WeightRole::kWeight, {});
  ValueId y = graph.AddNode("fc1", OpKind::kFullyConnected, {}, {x, w});
  graph.MarkOutput(graph.AddNode("fc2", OpKind::kFullyConnected, {}, {y, w}));
  InferShapes(graph);
  EXPECT_EQ(CountGraph(graph).params, 16);
}

TEST(CostTest, HugeGraphsSaturateInsteadOfOverflowing) {
  // Sixteen FC layers of 2^30 x 2^30 weights: 2^64 MACs in total, more than int64 holds.
  // Nothing is allocated: counting needs shapes only.
  constexpr int64_t kWide = int64_t{1} << 30;
  Graph graph;
  ValueId x = graph.AddInput("x", {1, kWide});
  ValueId w = graph.AddConstant("w", {kWide, kWide}, WeightRole::kWeight, {});
  for (int i = 0; i < 16; ++i) {
    x = graph.AddNode("fc" + std::to_string(i), OpKind::kFullyConnected, {}, {x, w});
  }
  graph.MarkOutput(x);
  InferShapes(graph);
  GraphCost cost = CountGraph(graph);
  EXPECT_EQ(cost.nodes[0].macs, kWide * kWide);
  EXPECT_EQ(cost.macs, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(cost.flops, std::numeric_limits<int64_t>::max());
  EXPECT_GT(cost.params, 0);
}

}  // namespace
}  // namespace edgebench::ir
