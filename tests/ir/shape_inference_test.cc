#include "ir/shape_inference.h"

#include <gtest/gtest.h>

namespace edgebench::ir {
namespace {

// Adds a conv node reading `x` with a weight of `weight_shape`; returns its output.
ValueId AddConv(Graph& graph, const std::string& name, ValueId x, Shape weight_shape,
                ConvAttrs attrs, bool bias = false) {
  const int64_t out_channels = weight_shape[0];
  std::vector<ValueId> inputs{
      x, graph.AddConstant(name + ".w", std::move(weight_shape), WeightRole::kWeight, {})};
  if (bias) {
    inputs.push_back(graph.AddConstant(name + ".b", {out_channels}, WeightRole::kBias, {}));
  }
  return graph.AddNode(name, OpKind::kConv, std::move(attrs), std::move(inputs));
}

ConvAttrs Conv2dAttrs(int64_t stride, int64_t pad, int64_t dilation = 1, int64_t groups = 1) {
  return {.strides = {stride, stride},
          .pads_begin = {pad, pad},
          .pads_end = {pad, pad},
          .dilations = {dilation, dilation},
          .groups = groups};
}

Shape InferredShape(Graph& graph, ValueId value) {
  InferShapes(graph);
  return graph.value(value).shape;
}

std::string InferError(Graph& graph) {
  try {
    InferShapes(graph);
  } catch (const GraphError& error) {
    return error.what();
  }
  return "";
}

TEST(ShapeInferenceTest, DepthwiseConvKeepsChannels) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 32, 112, 112});
  ValueId y = AddConv(graph, "dw", x, {32, 1, 3, 3}, Conv2dAttrs(2, 1, 1, 32));
  EXPECT_EQ(InferredShape(graph, y), (Shape{1, 32, 56, 56}));
}

TEST(ShapeInferenceTest, DilatedConvWidensTheWindow) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 8, 20, 20});
  // Effective window 2*(3-1)+1 = 5: (20 + 2 - 5) / 1 + 1 = 18.
  ValueId y = AddConv(graph, "dilated", x, {4, 8, 3, 3}, Conv2dAttrs(1, 1, 2));
  EXPECT_EQ(InferredShape(graph, y), (Shape{1, 4, 18, 18}));
}

TEST(ShapeInferenceTest, StridedConvWithAsymmetricPadding) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 3, 224, 225});
  ConvAttrs attrs{.strides = {2, 2},
                  .pads_begin = {0, 1},
                  .pads_end = {1, 2},
                  .dilations = {1, 1},
                  .groups = 1};
  // H: (224 + 0 + 1 - 3) / 2 + 1 = 112; W: (225 + 1 + 2 - 3) / 2 + 1 = 113.
  ValueId y = AddConv(graph, "conv", x, {16, 3, 3, 3}, attrs, true);
  EXPECT_EQ(InferredShape(graph, y), (Shape{1, 16, 112, 113}));
}

TEST(ShapeInferenceTest, Conv3dOverFrames) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 3, 16, 112, 112});
  ConvAttrs attrs{.strides = {1, 2, 2},
                  .pads_begin = {1, 1, 1},
                  .pads_end = {1, 1, 1},
                  .dilations = {1, 1, 1},
                  .groups = 1};
  ValueId y = AddConv(graph, "conv3d", x, {64, 3, 3, 3, 3}, attrs);
  EXPECT_EQ(InferredShape(graph, y), (Shape{1, 64, 16, 56, 56}));
}

PoolAttrs Pool(int64_t kernel, int64_t stride, int64_t pad, bool ceil) {
  return {.kernel = {kernel, kernel},
          .strides = {stride, stride},
          .pads_begin = {pad, pad},
          .pads_end = {pad, pad},
          .ceil_mode = ceil};
}

TEST(ShapeInferenceTest, CeilModePoolingRoundsUp) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 96, 109, 109});
  ValueId floor = graph.AddNode("floor", OpKind::kMaxPool, Pool(3, 3, 0, false), {x});
  ValueId ceil = graph.AddNode("ceil", OpKind::kMaxPool, Pool(3, 3, 0, true), {x});
  InferShapes(graph);
  EXPECT_EQ(graph.value(floor).shape, (Shape{1, 96, 36, 36}));  // floor(106/3)+1
  EXPECT_EQ(graph.value(ceil).shape, (Shape{1, 96, 37, 37}));   // ceil(106/3)+1
}

TEST(ShapeInferenceTest, CeilModeDropsWindowStartingInEndPadding) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 1, 4, 4});
  // k 3, s 2, pad 1: ceil((4 + 2 - 3) / 2) + 1 = 3 (floor would give 2); the last
  // window starts at 4, inside input + begin padding (5), so it stays.
  ValueId y = graph.AddNode("pool", OpKind::kMaxPool, Pool(3, 2, 1, true), {x});
  EXPECT_EQ(InferredShape(graph, y), (Shape{1, 1, 3, 3}));
  Graph graph2;
  ValueId x2 = graph2.AddInput("x", {1, 1, 5, 5});
  // k 2, s 2, pad 1: ceil((5 + 2 - 2) / 2) + 1 = 4, but the last window would start at
  // 6, entirely in the end padding, so it is dropped: 3.
  ValueId y2 = graph2.AddNode("pool", OpKind::kMaxPool, Pool(2, 2, 1, true), {x2});
  EXPECT_EQ(InferredShape(graph2, y2), (Shape{1, 1, 3, 3}));
}

TEST(ShapeInferenceTest, CeilModeAllowsWindowLargerThanInput) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 8, 2, 2});
  ValueId y = graph.AddNode("pool", OpKind::kMaxPool, Pool(3, 3, 0, true), {x});
  EXPECT_EQ(InferredShape(graph, y), (Shape{1, 8, 1, 1}));
  Graph floor_graph;
  ValueId fx = floor_graph.AddInput("x", {1, 8, 2, 2});
  floor_graph.AddNode("pool", OpKind::kMaxPool, Pool(3, 3, 0, false), {fx});
  EXPECT_NE(InferError(floor_graph).find("larger than padded input"), std::string::npos);
}

TEST(ShapeInferenceTest, Pool3dAndGlobalPool) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 512, 2, 7, 7});
  PoolAttrs attrs{.kernel = {2, 2, 2},
                  .strides = {2, 2, 2},
                  .pads_begin = {0, 1, 1},
                  .pads_end = {0, 1, 1}};
  ValueId pooled = graph.AddNode("pool5", OpKind::kMaxPool, attrs, {x});
  ValueId global = graph.AddNode("gap", OpKind::kGlobalAvgPool, {}, {x});
  InferShapes(graph);
  EXPECT_EQ(graph.value(pooled).shape, (Shape{1, 512, 1, 4, 4}));
  EXPECT_EQ(graph.value(global).shape, (Shape{1, 512, 1, 1, 1}));
}

TEST(ShapeInferenceTest, ConcatFlattenReshapeUpsample) {
  Graph graph;
  ValueId a = graph.AddInput("a", {1, 256, 26, 26});
  ValueId b = graph.AddInput("b", {1, 128, 13, 13});
  ValueId up = graph.AddNode("up", OpKind::kUpsampleNearest, UpsampleAttrs{{2, 2}}, {b});
  ValueId cat = graph.AddNode("cat", OpKind::kConcat, ConcatAttrs{1}, {up, a});
  ValueId flat = graph.AddNode("flat", OpKind::kFlatten, FlattenAttrs{1}, {cat});
  ValueId reshaped =
      graph.AddNode("reshape", OpKind::kReshape, ReshapeAttrs{{0, -1, 4}}, {flat});
  InferShapes(graph);
  EXPECT_EQ(graph.value(cat).shape, (Shape{1, 384, 26, 26}));
  EXPECT_EQ(graph.value(flat).shape, (Shape{1, 384 * 26 * 26}));
  EXPECT_EQ(graph.value(reshaped).shape, (Shape{1, 384 * 26 * 26 / 4, 4}));
}

TEST(ShapeInferenceTest, FlattenCountsANegativeAxisFromTheRank) {
  Graph graph;
  ValueId x = graph.AddInput("x", {2, 3, 4});
  ValueId last = graph.AddNode("last", OpKind::kFlatten, FlattenAttrs{-1}, {x});
  ValueId end = graph.AddNode("end", OpKind::kFlatten, FlattenAttrs{3}, {x});
  InferShapes(graph);
  EXPECT_EQ(graph.value(last).shape, (Shape{6, 4}));
  EXPECT_EQ(graph.value(end).shape, (Shape{24, 1}));
  Graph bad;
  ValueId bx = bad.AddInput("x", {2, 3, 4});
  bad.AddNode("flatten_bad", OpKind::kFlatten, FlattenAttrs{-4}, {bx});
  EXPECT_NE(InferError(bad).find("flatten_bad"), std::string::npos);
}

TEST(ShapeInferenceTest, ChannelMismatchNamesTheNode) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 3, 32, 32});
  AddConv(graph, "conv_bad", x, {16, 4, 3, 3}, Conv2dAttrs(1, 1));
  std::string error = InferError(graph);
  EXPECT_NE(error.find("conv_bad"), std::string::npos) << error;
  EXPECT_NE(error.find("channel mismatch"), std::string::npos) << error;
}

TEST(ShapeInferenceTest, ZeroStrideIsRejected) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 3, 32, 32});
  AddConv(graph, "conv_zero_stride", x, {16, 3, 3, 3}, Conv2dAttrs(0, 1));
  std::string error = InferError(graph);
  EXPECT_NE(error.find("conv_zero_stride"), std::string::npos) << error;
  EXPECT_NE(error.find("stride"), std::string::npos) << error;
  Graph pool_graph;
  ValueId px = pool_graph.AddInput("x", {1, 3, 32, 32});
  pool_graph.AddNode("pool_zero_stride", OpKind::kMaxPool, Pool(2, 0, 0, false), {px});
  EXPECT_NE(InferError(pool_graph).find("pool_zero_stride"), std::string::npos);
}

TEST(ShapeInferenceTest, NegativePaddingIsRejected) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 3, 32, 32});
  AddConv(graph, "conv_negative_pad", x, {16, 3, 3, 3}, Conv2dAttrs(1, -1));
  std::string error = InferError(graph);
  EXPECT_NE(error.find("conv_negative_pad"), std::string::npos) << error;
  EXPECT_NE(error.find("padding"), std::string::npos) << error;
}

TEST(ShapeInferenceTest, OtherInconsistenciesAreClearErrors) {
  {
    Graph graph;
    ValueId x = graph.AddInput("x", {1, 6, 8, 8});
    AddConv(graph, "bad_groups", x, {4, 2, 3, 3}, Conv2dAttrs(1, 1, 1, 4));
    EXPECT_NE(InferError(graph).find("bad_groups"), std::string::npos);
  }
  {
    Graph graph;
    ValueId x = graph.AddInput("x", {1, 3, 2, 2});
    AddConv(graph, "kernel_too_big", x, {4, 3, 5, 5}, Conv2dAttrs(1, 0));
    EXPECT_NE(InferError(graph).find("kernel_too_big"), std::string::npos);
  }
  {
    Graph graph;
    ValueId a = graph.AddInput("a", {1, 3, 8, 8});
    ValueId b = graph.AddInput("b", {1, 3, 4, 4});
    graph.AddNode("add_mismatch", OpKind::kAdd, {}, {a, b});
    EXPECT_NE(InferError(graph).find("add_mismatch"), std::string::npos);
  }
  {
    Graph graph;
    ValueId a = graph.AddInput("a", {1, 3, 8, 8});
    ValueId b = graph.AddInput("b", {1, 3, 4, 4});
    graph.AddNode("concat_mismatch", OpKind::kConcat, ConcatAttrs{1}, {a, b});
    EXPECT_NE(InferError(graph).find("concat_mismatch"), std::string::npos);
  }
  {
    Graph graph;
    ValueId x = graph.AddInput("x", {1, 100});
    ValueId w = graph.AddConstant("w", {10, 99}, WeightRole::kWeight, {});
    graph.AddNode("fc_mismatch", OpKind::kFullyConnected, {}, {x, w});
    EXPECT_NE(InferError(graph).find("fc_mismatch"), std::string::npos);
  }
  {
    Graph graph;
    ValueId x = graph.AddInput("x", {1, 10});
    graph.AddNode("reshape_bad", OpKind::kReshape, ReshapeAttrs{{3, -1}}, {x});
    EXPECT_NE(InferError(graph).find("reshape_bad"), std::string::npos);
  }
  {
    Graph graph;
    ValueId x = graph.AddInput("x", {1, 3, 8, 8});
    graph.AddNode("wrong_attrs", OpKind::kConv, PoolAttrs{}, {x, x});
    EXPECT_NE(InferError(graph).find("wrong_attrs"), std::string::npos);
  }
  {
    Graph graph;
    ValueId x = graph.AddInput("x", {1, 3, 8, 8});
    graph.AddNode("conv_no_weight", OpKind::kConv, Conv2dAttrs(1, 0), {x});
    EXPECT_NE(InferError(graph).find("conv_no_weight"), std::string::npos);
  }
}

}  // namespace
}  // namespace edgebench::ir
