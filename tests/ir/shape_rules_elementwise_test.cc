// Shape rules of binary and unary elementwise ops, reductions, LayerNorm, and scalar
// activations flowing between them.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "shape_test_util.h"

namespace edgebench::ir {
namespace {

using test_util::FailsNamingCulprit;
using test_util::InferOne;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(ElementwiseShapeTest, BinaryOpsBroadcastNumPyStyle) {
  EXPECT_EQ(InferOne(OpKind::kAdd, {}, {{2, 3, 4, 5}, {5}}), (Shape{2, 3, 4, 5}));
  EXPECT_EQ(InferOne(OpKind::kAdd, {}, {{1, 3, 8, 8}, {1, 3, 8, 8}}), (Shape{1, 3, 8, 8}));
  EXPECT_EQ(InferOne(OpKind::kSub, {}, {{4, 1, 3}, {2, 1}}), (Shape{4, 2, 3}));
  EXPECT_EQ(InferOne(OpKind::kMul, {}, {{}, {3, 2}}), (Shape{3, 2}));
  EXPECT_EQ(InferOne(OpKind::kDiv, {}, {{1, 3, 1, 1}, {2, 1, 4, 4}}), (Shape{2, 3, 4, 4}));
  EXPECT_EQ(InferOne(OpKind::kPow, {}, {{7}, {1}}), (Shape{7}));
  EXPECT_EQ(InferOne(OpKind::kMaximum, {}, {{2, 1}, {1, 2}}), (Shape{2, 2}));
  EXPECT_EQ(InferOne(OpKind::kMinimum, {}, {{}, {}}), (Shape{}));
}

TEST(ElementwiseShapeTest, BinaryOpsRejectBadOperands) {
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kAdd, {}, {{1, 3, 8, 8}, {1, 3, 4, 4}}, "broadcast"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kSub, {}, {{3}, {4}}, "broadcast"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kMul, {}, {{3}}, "expects 2 inputs"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kDiv, {}, {{3}, {3}, {3}}, "expects 2 inputs"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kPow, ClipAttrs{}, {{3}, {3}}, "wrong kind"));
}

TEST(ElementwiseShapeTest, UnaryOpsKeepTheShape) {
  for (OpKind op : {OpKind::kHardSwish, OpKind::kSilu, OpKind::kTanh, OpKind::kExp, OpKind::kLog,
                    OpKind::kSqrt, OpKind::kAbs, OpKind::kNeg, OpKind::kErf}) {
    EXPECT_EQ(InferOne(op, {}, {{2, 3}}), (Shape{2, 3})) << OpName(op);
    EXPECT_EQ(InferOne(op, {}, {{}}), (Shape{})) << OpName(op);
    EXPECT_TRUE(FailsNamingCulprit(op, GeluAttrs{}, {{2}}, "wrong kind")) << OpName(op);
    EXPECT_TRUE(FailsNamingCulprit(op, {}, {{2}, {2}}, "expects 1 inputs")) << OpName(op);
  }
  EXPECT_EQ(InferOne(OpKind::kHardSigmoid, HardSigmoidAttrs{}, {{4, 5}}), (Shape{4, 5}));
  EXPECT_EQ(InferOne(OpKind::kGelu, GeluAttrs{.tanh_approximation = true}, {{4}}), (Shape{4}));
  EXPECT_EQ(InferOne(OpKind::kClip, ClipAttrs{}, {{1, 2, 3}}), (Shape{1, 2, 3}));
  EXPECT_EQ(InferOne(OpKind::kClip, ClipAttrs{.min = 2.0f, .max = 2.0f}, {{3}}), (Shape{3}));
  EXPECT_EQ(InferOne(OpKind::kClip, ClipAttrs{.min = 0.0f, .max = kInf}, {{3}}), (Shape{3}));
}

TEST(ElementwiseShapeTest, UnaryAttributesAreChecked) {
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kClip, ClipAttrs{.min = 2.0f, .max = 1.0f}, {{3}},
                                 "min 2 is not <= max 1"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kClip, ClipAttrs{.min = kNaN}, {{3}}, "min"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kClip, {}, {{3}}, "wrong kind"));
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kHardSigmoid, HardSigmoidAttrs{.alpha = kNaN}, {{3}}, "finite"));
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kHardSigmoid, HardSigmoidAttrs{.beta = kInf}, {{3}}, "finite"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kGelu, {}, {{3}}, "wrong kind"));
}

TEST(ReductionShapeTest, AxesKeepdimsAndNegativeAxes) {
  const Shape x{2, 3, 4, 5};
  EXPECT_EQ(InferOne(OpKind::kReduceMean, ReduceAttrs{.axes = {1, -1}, .keepdims = true}, {x}),
            (Shape{2, 1, 4, 1}));
  EXPECT_EQ(InferOne(OpKind::kReduceMean, ReduceAttrs{.axes = {-1, 1}, .keepdims = false}, {x}),
            (Shape{2, 4}));
  EXPECT_EQ(InferOne(OpKind::kReduceSum, ReduceAttrs{.axes = {}, .keepdims = true}, {x}),
            (Shape{1, 1, 1, 1}));
  EXPECT_EQ(InferOne(OpKind::kReduceMax, ReduceAttrs{.axes = {}, .keepdims = false}, {x}),
            (Shape{}));
  EXPECT_EQ(InferOne(OpKind::kReduceMax, ReduceAttrs{.axes = {-4}, .keepdims = false}, {x}),
            (Shape{3, 4, 5}));
  EXPECT_EQ(InferOne(OpKind::kReduceSum, ReduceAttrs{.axes = {}, .keepdims = true}, {{}}),
            (Shape{}));
}

TEST(ReductionShapeTest, BadAxesAreRejected) {
  const Shape x{2, 3, 4, 5};
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kReduceMean, ReduceAttrs{.axes = {4}}, {x}, "out of range"));
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kReduceSum, ReduceAttrs{.axes = {-5}}, {x}, "out of range"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kReduceMax, ReduceAttrs{.axes = {1, -3}}, {x}, "twice"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kReduceMean, {}, {x}, "wrong kind"));
}

TEST(LayerNormShapeTest, ScaleAndBiasMatchTheNormalizedDims) {
  EXPECT_EQ(InferOne(OpKind::kLayerNorm, LayerNormAttrs{}, {{2, 5, 8}, {8}, {8}}),
            (Shape{2, 5, 8}));
  EXPECT_EQ(InferOne(OpKind::kLayerNorm, LayerNormAttrs{.axis = 1}, {{2, 5, 8}, {5, 8}}),
            (Shape{2, 5, 8}));
  EXPECT_EQ(InferOne(OpKind::kLayerNorm, LayerNormAttrs{.axis = -3}, {{2, 5, 8}, {2, 5, 8}}),
            (Shape{2, 5, 8}));
}

TEST(LayerNormShapeTest, InconsistenciesAreRejected) {
  const Shape x{2, 5, 8};
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kLayerNorm, LayerNormAttrs{}, {x, {5}}, "scale 5"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kLayerNorm, LayerNormAttrs{.axis = 1}, {x, {5, 8}, {8}},
                                 "bias 8"));
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kLayerNorm, LayerNormAttrs{.axis = 3}, {x, {8}}, "out of range"));
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kLayerNorm, LayerNormAttrs{.epsilon = 0.0f}, {x, {8}}, "epsilon"));
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kLayerNorm, LayerNormAttrs{.epsilon = kNaN}, {x, {8}}, "epsilon"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kLayerNorm, LayerNormAttrs{}, {x}, "expects 2 to 3"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kLayerNorm, LayerNormAttrs{}, {{}, {}}, "scalar"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kLayerNorm, SoftmaxAttrs{}, {x, {8}}, "wrong kind"));
}

TEST(ScalarActivationTest, ScalarsFlowBetweenNodes) {
  Graph graph;
  ValueId x = graph.AddInput("x", {2, 3});
  ValueId mean = graph.AddNode("mean", OpKind::kReduceMean, ReduceAttrs{.keepdims = false}, {x});
  ValueId centered = graph.AddNode("centered", OpKind::kSub, {}, {x, mean});
  ValueId squared = graph.AddNode("squared", OpKind::kMul, {}, {mean, mean});
  ValueId root = graph.AddNode("root", OpKind::kSqrt, {}, {squared});
  ValueId row = graph.AddNode("row", OpKind::kUnsqueeze, AxesAttrs{{0}}, {root});
  ValueId pick = graph.AddNode("pick", OpKind::kGather,
                               GatherAttrs{.axis = 0, .indices = {-1}, .indices_shape = {}}, {row});
  InferShapes(graph);
  EXPECT_EQ(graph.value(mean).shape, Shape{});
  EXPECT_EQ(graph.value(centered).shape, (Shape{2, 3}));
  EXPECT_EQ(graph.value(squared).shape, Shape{});
  EXPECT_EQ(graph.value(root).shape, Shape{});
  EXPECT_EQ(graph.value(row).shape, Shape{1});
  EXPECT_EQ(graph.value(pick).shape, Shape{});
}

TEST(ScalarActivationTest, NodesAddedOutOfOrderStillSeeTheirInputsShapes) {
  // The consumer is added before its producer; execution order, not insertion order,
  // decides when each shape is inferred.
  Graph graph;
  ValueId x = graph.AddInput("x", {4, 4});
  ValueId scalar = graph.DeclareActivation("total");
  ValueId scaled = graph.AddNode("scaled", OpKind::kMul, {}, {x, scalar});
  graph.AddNodeWithOutput("total", OpKind::kReduceSum, ReduceAttrs{.keepdims = false}, {x}, scalar);
  InferShapes(graph);
  EXPECT_EQ(graph.value(scalar).shape, Shape{});
  EXPECT_EQ(graph.value(scaled).shape, (Shape{4, 4}));
}

}  // namespace
}  // namespace edgebench::ir
