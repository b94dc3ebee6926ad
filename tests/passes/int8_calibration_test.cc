#include "passes/int8_calibration.h"

#include <gtest/gtest.h>

#include "tests/passes/test_graphs.h"

namespace edgebench::passes {
namespace {

using testing::Constant;

// x [1, 2, 1, 2] -> 1x1 conv with weight [[1, 2], [-0.5, 0.25]] -> relu -> output. With
// the two inputs below the ranges are known by hand:
//   set A: channel 0 = 1, channel 1 = 0   -> conv (1, -0.5)
//   set B: channel 0 = -1, channel 1 = 3  -> conv (-1 + 6, 0.5 + 0.75) = (5, 1.25)
// x in [-1, 3], conv in [-0.5, 5], relu in [0, 5].
ir::Graph OneByOne() {
  ir::Graph graph("calibration");
  const ir::ValueId x = graph.AddInput("x", {1, 2, 1, 2});
  const ir::ValueId conv =
      graph.AddNode("conv", ir::OpKind::kConv, testing::Conv2dAttrs(0),
                    {x, Constant(graph, "w", {2, 2, 1, 1}, {1.0f, 2.0f, -0.5f, 0.25f})});
  graph.MarkOutput(graph.AddNode("relu", ir::OpKind::kRelu, {}, {conv}));
  ir::InferShapes(graph);
  return graph;
}

TEST(Int8CalibrationTest, ReproducesHandComputedScales) {
  ir::Graph graph = OneByOne();
  const std::vector<std::vector<backends::HostTensor>> inputs = {
      {backends::HostTensor({1, 2, 1, 2}, {1, 1, 0, 0})},
      {backends::HostTensor({1, 2, 1, 2}, {-1, -1, 3, 3})}};
  const CalibrationReport report = CalibrateInt8(graph, inputs);
  EXPECT_EQ(report.input_sets, 2);
  EXPECT_EQ(report.activations, 3);
  EXPECT_EQ(report.weights, 1);

  const auto& x = graph.value(graph.FindValue("x")).quant;
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->type, ir::DType::kU8);
  EXPECT_FLOAT_EQ(x->observed_min, -1.0f);
  EXPECT_FLOAT_EQ(x->observed_max, 3.0f);
  EXPECT_FLOAT_EQ(x->scales.at(0), 4.0f / 255.0f);
  EXPECT_EQ(x->zero_points.at(0), 64);  // round(1 / (4 / 255)) = round(63.75)

  const auto& conv = graph.value(graph.FindValue("conv")).quant;
  ASSERT_TRUE(conv.has_value());
  EXPECT_FLOAT_EQ(conv->scales.at(0), 5.5f / 255.0f);
  EXPECT_EQ(conv->zero_points.at(0), 23);  // round(0.5 / (5.5 / 255)) = round(23.18)

  const auto& relu = graph.value(graph.FindValue("relu")).quant;
  ASSERT_TRUE(relu.has_value());
  EXPECT_FLOAT_EQ(relu->scales.at(0), 5.0f / 255.0f);
  EXPECT_EQ(relu->zero_points.at(0), 0);

  const auto& w = graph.value(graph.FindValue("w")).quant;
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->type, ir::DType::kS8);
  EXPECT_EQ(w->axis, 0);
  ASSERT_EQ(w->scales.size(), 2u);
  EXPECT_FLOAT_EQ(w->scales[0], 2.0f / 127.0f);
  EXPECT_FLOAT_EQ(w->scales[1], 0.5f / 127.0f);
  EXPECT_EQ(w->zero_points, (std::vector<int32_t>{0, 0}));
  // The float weights themselves are untouched.
  EXPECT_EQ(graph.value(graph.FindValue("w")).data, (std::vector<float>{1, 2, -0.5f, 0.25f}));
}

TEST(Int8CalibrationTest, AllPositiveRangesStillRepresentZero) {
  const ir::QuantParams params = AsymmetricU8(2.0f, 4.0f);
  EXPECT_FLOAT_EQ(params.scales[0], 4.0f / 255.0f);
  EXPECT_EQ(params.zero_points[0], 0);
  const ir::QuantParams flat = AsymmetricU8(0.0f, 0.0f);
  EXPECT_FLOAT_EQ(flat.scales[0], 1.0f);
}

TEST(Int8CalibrationTest, NeedsInputs) {
  ir::Graph graph = OneByOne();
  EXPECT_THROW(CalibrateInt8(graph, {}), std::runtime_error);
  EXPECT_THROW(CalibrateInt8(graph, {{}}), std::runtime_error);
}

}  // namespace
}  // namespace edgebench::passes
