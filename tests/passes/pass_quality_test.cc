#include "harness/pass_quality.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/passes/test_graphs.h"

namespace edgebench::harness {
namespace {

using backends::HostTensor;

TEST(PassQualityTest, ComparesScoresRowByRow) {
  // Row 0: same top-1 (class 2). Row 1: reference top-1 is class 0, ours ranks it 3rd.
  const std::vector<HostTensor> reference = {
      HostTensor({2, 6}, {0, 1, 5, 2, 0, 0, /**/ 9, 1, 2, 3, 4, 0})};
  const std::vector<HostTensor> optimized = {
      HostTensor({2, 6}, {0, 1, 5, 2, 0, 0, /**/ 7, 1, 2, 8, 9, 0})};
  const OutputDeviation deviation = CompareWithReference(reference, optimized);
  EXPECT_EQ(deviation.rows, 2);
  EXPECT_EQ(deviation.top1_matches, 1);
  EXPECT_EQ(deviation.top5_matches, 2);
  // ||diff|| = sqrt(4 + 25 + 25) over ||ref|| = sqrt(1 + 25 + 4 + 81 + 1 + 4 + 9 + 16).
  EXPECT_NEAR(deviation.rel_l2, std::sqrt(54.0 / 141.0), 1e-12);
}

TEST(PassQualityTest, OutputsThatAreNotScoresHaveNoAgreement) {
  const std::vector<HostTensor> reference = {HostTensor({1, 3, 2, 2}, std::vector<float>(12, 1))};
  const std::vector<HostTensor> optimized = {HostTensor({1, 3, 2, 2}, std::vector<float>(12, 1))};
  const OutputDeviation deviation = CompareWithReference(reference, optimized);
  EXPECT_EQ(deviation.rows, 0);
  EXPECT_EQ(deviation.rel_l2, 0.0);
}

TEST(PassQualityTest, IdenticalGraphsDeviateByNothing) {
  ir::Graph graph("id");
  const ir::ValueId x = graph.AddInput("x", {1, 8});
  graph.MarkOutput(graph.AddNode(
      "fc", ir::OpKind::kFullyConnected, {},
      {x, passes::testing::Constant(graph, "w", {6, 8}, passes::testing::Pattern(48, 1))}));
  ir::InferShapes(graph);
  GraphPassResult result;
  MeasureOutputDeviation(graph, graph, 7, 32, result);
  EXPECT_EQ(result.quality_inputs, 32);
  EXPECT_EQ(result.rel_l2_max, 0.0);
  EXPECT_EQ(result.top1_agreement, 1.0);
  EXPECT_EQ(result.top5_agreement, 1.0);
  EXPECT_NE(QualityInputSeed(7, 1), QualityInputSeed(7, 2));
  EXPECT_EQ(QualityInputSeed(7, 0), 7u);
}

}  // namespace
}  // namespace edgebench::harness
