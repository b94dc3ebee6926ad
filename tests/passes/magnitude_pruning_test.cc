#include "passes/magnitude_pruning.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "ir/cost.h"
#include "tests/passes/test_graphs.h"

namespace edgebench::passes {
namespace {

using testing::Constant;
using testing::Pattern;

// x [1, 2, 4, 4] -> conv 3x3 (5 channels) -> flatten -> fully connected (7) -> output.
ir::Graph ConvFc() {
  ir::Graph graph("conv_fc");
  const ir::ValueId x = graph.AddInput("x", {1, 2, 4, 4});
  const ir::ValueId conv =
      graph.AddNode("conv", ir::OpKind::kConv, testing::Conv2dAttrs(1),
                    {x, Constant(graph, "conv_w", {5, 2, 3, 3}, Pattern(90, 1)),
                     Constant(graph, "conv_b", {5}, Pattern(5, 2), ir::WeightRole::kBias)});
  const ir::ValueId flat = graph.AddNode("flat", ir::OpKind::kFlatten, ir::FlattenAttrs{1}, {conv});
  graph.MarkOutput(graph.AddNode("fc", ir::OpKind::kFullyConnected, {},
                                 {flat, Constant(graph, "fc_w", {7, 80}, Pattern(560, 3))}));
  ir::InferShapes(graph);
  return graph;
}

// Checks that `after` zeroed exactly `expected_zeros` of `before`'s values, and only ones no
// larger in magnitude than every value it kept.
void ExpectSmallestZeroed(const std::vector<float>& before, const std::vector<float>& after,
                          int64_t expected_zeros) {
  ASSERT_EQ(before.size(), after.size());
  int64_t zeros = 0;
  float largest_zeroed = 0;
  float smallest_kept = INFINITY;
  for (size_t i = 0; i < before.size(); ++i) {
    if (after[i] == 0.0f) {
      ++zeros;
      largest_zeroed = std::max(largest_zeroed, std::fabs(before[i]));
    } else {
      EXPECT_EQ(after[i], before[i]);
      smallest_kept = std::min(smallest_kept, std::fabs(before[i]));
    }
  }
  EXPECT_EQ(zeros, expected_zeros);
  EXPECT_LE(largest_zeroed, smallest_kept);
}

TEST(MagnitudePruningTest, HitsTheTargetSparsityInEveryLayer) {
  const ir::Graph original = ConvFc();
  ir::Graph graph = original;
  const MagnitudePruneReport report = PruneMagnitude(graph, 0.7);
  ASSERT_EQ(report.tensors.size(), 2u);
  // round(0.7 x 90) = 63 and round(0.7 x 560) = 392.
  EXPECT_EQ(report.tensors[0].zeros, 63);
  EXPECT_EQ(report.tensors[1].zeros, 392);
  EXPECT_EQ(report.elements, 650);
  EXPECT_DOUBLE_EQ(report.achieved_sparsity, 455.0 / 650.0);
  ExpectSmallestZeroed(original.value(original.FindValue("conv_w")).data,
                       graph.value(graph.FindValue("conv_w")).data, 63);
  ExpectSmallestZeroed(original.value(original.FindValue("fc_w")).data,
                       graph.value(graph.FindValue("fc_w")).data, 392);
  // Biases stay, and so does the work a dense kernel does.
  EXPECT_EQ(graph.value(graph.FindValue("conv_b")).data,
            original.value(original.FindValue("conv_b")).data);
  EXPECT_EQ(ir::CountGraph(graph).macs, ir::CountGraph(original).macs);
}

TEST(MagnitudePruningTest, RejectsSparsityOutsideTheUnitInterval) {
  ir::Graph graph = ConvFc();
  EXPECT_THROW(PruneMagnitude(graph, 1.5), ir::GraphError);
  EXPECT_THROW(PruneMagnitude(graph, -0.1), ir::GraphError);
  EXPECT_THROW(PruneMagnitude(graph, NAN), ir::GraphError);
}

}  // namespace
}  // namespace edgebench::passes
