#include "passes/fold_batch_norm.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/passes/test_graphs.h"

namespace edgebench::passes {
namespace {

using testing::Constant;
using testing::Pattern;

// x [1, 3, 6, 6] -> conv 3x3 (4 channels, bias optional) -> batch norm -> relu -> output.
ir::Graph ConvBatchNorm(bool bias) {
  ir::Graph graph("conv_bn");
  const ir::ValueId x = graph.AddInput("x", {1, 3, 6, 6});
  std::vector<ir::ValueId> conv_inputs = {x, Constant(graph, "w", {4, 3, 3, 3}, Pattern(108, 1))};
  if (bias) conv_inputs.push_back(Constant(graph, "b", {4}, Pattern(4, 2), ir::WeightRole::kBias));
  const ir::ValueId conv =
      graph.AddNode("conv", ir::OpKind::kConv, testing::Conv2dAttrs(1), conv_inputs);
  // Variances in [0.5, 1.5) and scales away from zero, so the fold's factors vary widely.
  std::vector<float> variance = Pattern(4, 5);
  for (float& v : variance) v = v * 0.5f + 1.0f;
  std::vector<float> scale = {1.5f, -0.75f, 0.2f, 3.0f};
  const ir::ValueId bn =
      graph.AddNode("bn", ir::OpKind::kBatchNorm, ir::BatchNormAttrs{1e-3f},
                    {conv, Constant(graph, "gamma", {4}, scale, ir::WeightRole::kBnScale),
                     Constant(graph, "beta", {4}, Pattern(4, 3), ir::WeightRole::kBnBias),
                     Constant(graph, "mean", {4}, Pattern(4, 4), ir::WeightRole::kBnMean),
                     Constant(graph, "var", {4}, variance, ir::WeightRole::kBnVariance)});
  graph.MarkOutput(graph.AddNode("relu", ir::OpKind::kRelu, {}, {bn}));
  ir::InferShapes(graph);
  return graph;
}

void ExpectSameOutputs(const ir::Graph& original, const ir::Graph& folded) {
  const backends::HostTensor input({1, 3, 6, 6}, Pattern(108, 9));
  const auto expected = testing::RunOnReference(original, input);
  const auto actual = testing::RunOnReference(folded, input);
  ASSERT_EQ(expected.size(), actual.size());
  float largest = 0;
  for (float v : expected[0].data) largest = std::max(largest, std::fabs(v));
  ASSERT_GT(largest, 0.1f);
  for (size_t i = 0; i < expected[0].data.size(); ++i) {
    // Only the rounding of the folded weights differs: a few ulps of the largest terms.
    EXPECT_NEAR(actual[0].data[i], expected[0].data[i], 4e-6f * largest) << "element " << i;
  }
}

TEST(FoldBatchNormTest, FoldsIntoConvWithBiasUpToRounding) {
  const ir::Graph original = ConvBatchNorm(/*bias=*/true);
  ir::Graph folded = original;
  const std::vector<FoldedBatchNorm> report = FoldBatchNorm(folded);
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0].conv, "conv");
  EXPECT_EQ(report[0].batch_norm, "bn");
  ASSERT_EQ(folded.nodes().size(), 2u);
  EXPECT_EQ(folded.nodes()[0].op, ir::OpKind::kConv);
  // The conv now writes the value the batch norm wrote, under its name.
  EXPECT_EQ(folded.value(folded.nodes()[0].outputs[0]).name, "bn");
  EXPECT_EQ(folded.FindValue("gamma"), ir::kNoId);
  // Channel 1: s = -0.75 / sqrt(var + 1e-3), W' = W s, b' = (b - mean) s + beta.
  const double s =
      -0.75 /
      std::sqrt(static_cast<double>(original.value(original.FindValue("var")).data[1]) + 1e-3);
  const float w = original.value(original.FindValue("w")).data[27 + 5];
  EXPECT_EQ(folded.value(folded.FindValue("w")).data[27 + 5], static_cast<float>(w * s));
  const double b = original.value(original.FindValue("b")).data[1];
  const double mean = original.value(original.FindValue("mean")).data[1];
  const double beta = original.value(original.FindValue("beta")).data[1];
  EXPECT_EQ(folded.value(folded.FindValue("b")).data[1], static_cast<float>((b - mean) * s + beta));
  ExpectSameOutputs(original, folded);
}

TEST(FoldBatchNormTest, GivesABiasToAConvWithout) {
  const ir::Graph original = ConvBatchNorm(/*bias=*/false);
  ir::Graph folded = original;
  ASSERT_EQ(FoldBatchNorm(folded).size(), 1u);
  ASSERT_EQ(folded.nodes()[0].inputs.size(), 3u);
  EXPECT_EQ(folded.value(folded.nodes()[0].inputs[2]).role, ir::WeightRole::kBias);
  ExpectSameOutputs(original, folded);
}

TEST(FoldBatchNormTest, LeavesAConvWhoseOutputIsAlsoReadElsewhere) {
  ir::Graph graph = ConvBatchNorm(/*bias=*/true);
  graph.MarkOutput(graph.FindValue("conv"));
  EXPECT_TRUE(FoldBatchNorm(graph).empty());
  EXPECT_EQ(graph.nodes().size(), 3u);
}

TEST(FoldBatchNormTest, RefusesUnmaterializedWeights) {
  ir::Graph graph = ConvBatchNorm(/*bias=*/true);
  graph.mutable_value(graph.FindValue("mean")).data.clear();
  EXPECT_THROW(FoldBatchNorm(graph), ir::GraphError);
}

}  // namespace
}  // namespace edgebench::passes
