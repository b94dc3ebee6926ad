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

// Counts the single node `op` over a graph input x and constant operands of the given
// shapes (constants count as weights).
NodeCost CountOne(OpKind op, Attrs attrs, const Shape& x,
                  const std::vector<Shape>& constants = {}) {
  Graph graph;
  std::vector<ValueId> inputs{graph.AddInput("x", x)};
  for (size_t i = 0; i < constants.size(); ++i) {
    std::string name = std::to_string(i);
    name.insert(0, "constant");  // not "c" + ...: GCC 12 -O3 warns falsely (-Wrestrict)
    inputs.push_back(graph.AddConstant(name, constants[i], WeightRole::kWeight, {}));
  }
  graph.MarkOutput(graph.AddNode("node", op, std::move(attrs), std::move(inputs)));
  InferShapes(graph);
  return CountGraph(graph).nodes[0];
}

TEST(CostTest, BatchedMatMulCountsByHand) {
  // Six [4 x 5] by [5 x 6] products: 6 x (4 * 6 outputs x 5 terms) = 720 MACs.
  NodeCost cost = CountOne(OpKind::kMatMul, {}, {2, 3, 4, 5}, {{5, 6}});
  EXPECT_EQ(cost.macs, 6 * 4 * 6 * 5);
  EXPECT_EQ(cost.flops, 2 * 720);
  EXPECT_EQ(cost.params, 30);
  EXPECT_EQ(cost.output_bytes, 2 * 3 * 4 * 6 * 4);
  // A dot product of two 1-D vectors: 5 MACs into a scalar.
  NodeCost dot = CountOne(OpKind::kMatMul, {}, {5}, {{5}});
  EXPECT_EQ(dot.macs, 5);
  EXPECT_EQ(dot.output_bytes, 4);
  // Vector times a batch of matrices [3, 5, 2]: 3 x 2 outputs of 5 terms each.
  EXPECT_EQ(CountOne(OpKind::kMatMul, {}, {5}, {{3, 5, 2}}).macs, 3 * 2 * 5);
}

ConvTransposeAttrs Deconv(int64_t stride, int64_t pad, int64_t output_padding, int64_t groups) {
  return {.strides = {stride, stride},
          .pads_begin = {pad, pad},
          .pads_end = {pad, pad},
          .dilations = {1, 1},
          .output_padding = {output_padding, output_padding},
          .groups = groups};
}

TEST(CostTest, ConvTransposeCountsByHand) {
  // 8 x 5 x 5 = 200 input elements, each scattered into 4 output channels x 9 taps.
  NodeCost cost =
      CountOne(OpKind::kConvTranspose, Deconv(2, 1, 1, 1), {1, 8, 5, 5}, {{8, 4, 3, 3}, {4}});
  EXPECT_EQ(cost.macs, 200 * 4 * 9);
  EXPECT_EQ(cost.flops, 2 * 7200 + 4 * 10 * 10);  // plus one bias add per output element
  EXPECT_EQ(cost.params, 8 * 4 * 9 + 4);
  // Groups 2: each input channel reaches only the 2 output channels of its group.
  NodeCost grouped =
      CountOne(OpKind::kConvTranspose, Deconv(1, 0, 0, 2), {1, 8, 4, 4}, {{8, 2, 3, 3}});
  EXPECT_EQ(grouped.macs, 8 * 16 * 2 * 9);
  EXPECT_EQ(grouped.flops, 2 * grouped.macs);
}

TEST(CostTest, ConvTransposeCostsWhatTheConvItInvertsCosts) {
  // The transposed convolution of a 4 -> 8 channel, stride-2 conv (10x10 -> 5x5) maps 5x5
  // back to 10x10 with the same weight: both do the same multiply-accumulates.
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 4, 10, 10});
  ValueId w = graph.AddConstant("w", {8, 4, 3, 3}, WeightRole::kWeight, {});
  ConvAttrs conv{.strides = {2, 2}, .pads_begin = {1, 1}, .pads_end = {1, 1}, .dilations = {1, 1}};
  ValueId down = graph.AddNode("down", OpKind::kConv, conv, {x, w});
  graph.MarkOutput(graph.AddNode("up", OpKind::kConvTranspose, Deconv(2, 1, 1, 1), {down, w}));
  InferShapes(graph);
  GraphCost cost = CountGraph(graph);
  EXPECT_EQ(graph.value(down).shape, (Shape{1, 8, 5, 5}));
  EXPECT_EQ(cost.nodes[1].macs, cost.nodes[0].macs);
}

TEST(CostTest, ElementwiseFlopsPerOutputElement) {
  const Shape x{2, 3};  // 6 elements
  struct Case {
    OpKind op;
    Attrs attrs;
    int64_t per_element;
  };
  const Case cases[] = {
      {OpKind::kNeg, {}, 1},
      {OpKind::kAbs, {}, 1},
      {OpKind::kClip, ClipAttrs{}, 1},
      {OpKind::kExp, {}, 4},
      {OpKind::kLog, {}, 4},
      {OpKind::kSqrt, {}, 4},
      {OpKind::kTanh, {}, 4},
      {OpKind::kErf, {}, 4},
      {OpKind::kHardSigmoid, HardSigmoidAttrs{}, 3},
      {OpKind::kHardSwish, {}, 4},
      {OpKind::kSilu, {}, 5},
      {OpKind::kGelu, GeluAttrs{}, 8},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CountOne(c.op, c.attrs, x).flops, 6 * c.per_element) << OpName(c.op);
  }
  // Binary ops count per broadcast output element: [2, 3] with [3] gives 6.
  for (OpKind op : {OpKind::kAdd, OpKind::kSub, OpKind::kMul, OpKind::kDiv, OpKind::kMaximum,
                    OpKind::kMinimum}) {
    EXPECT_EQ(CountOne(op, {}, x, {{3}}).flops, 6) << OpName(op);
    EXPECT_EQ(CountOne(op, {}, x, {{3}}).macs, 0) << OpName(op);
  }
  EXPECT_EQ(CountOne(OpKind::kPow, {}, x, {{1}}).flops, 6 * 4);
}

TEST(CostTest, ReductionsLayerNormResizeAndDataMovement) {
  const Shape x{2, 3, 4};  // 24 elements
  for (OpKind op : {OpKind::kReduceMean, OpKind::kReduceSum, OpKind::kReduceMax}) {
    NodeCost cost = CountOne(op, ReduceAttrs{.axes = {1}, .keepdims = false}, x);
    EXPECT_EQ(cost.flops, 24) << OpName(op);
    EXPECT_EQ(cost.output_bytes, 2 * 4 * 4) << OpName(op);
  }
  NodeCost scalar = CountOne(OpKind::kReduceMean, ReduceAttrs{.keepdims = false}, x);
  EXPECT_EQ(scalar.output_bytes, 4);
  EXPECT_EQ(scalar.flops, 24);

  EXPECT_EQ(CountOne(OpKind::kLayerNorm, LayerNormAttrs{}, x, {{4}, {4}}).flops, 24 * 8);
  EXPECT_EQ(CountOne(OpKind::kLayerNorm, LayerNormAttrs{}, x, {{4}}).flops, 24 * 7);
  EXPECT_EQ(CountOne(OpKind::kLayerNorm, LayerNormAttrs{}, x, {{4}, {4}}).params, 8);

  // Linear: H doubles only, so 2 corners per output element; both dims: 4 corners.
  const Shape image{1, 3, 10, 20};
  ResizeAttrs tall{.mode = ResizeMode::kLinear, .scales = {1, 1, 2, 1}};
  EXPECT_EQ(CountOne(OpKind::kResize, tall, image).flops, (3 * 20 * 20) * 2 * 2);
  ResizeAttrs both{.mode = ResizeMode::kLinear, .scales = {1, 1, 2, 2}};
  EXPECT_EQ(CountOne(OpKind::kResize, both, image).flops, (3 * 20 * 40) * 2 * 4);
  ResizeAttrs nearest{.mode = ResizeMode::kNearest, .scales = {1, 1, 2, 2}};
  EXPECT_EQ(CountOne(OpKind::kResize, nearest, image).flops, 0);
  EXPECT_EQ(CountOne(OpKind::kResize, nearest, image).output_bytes, 3 * 20 * 40 * 4);

  EXPECT_EQ(CountOne(OpKind::kTranspose, TransposeAttrs{}, x).flops, 0);
  EXPECT_EQ(CountOne(OpKind::kSlice, SliceAttrs{.starts = {1}, .ends = {2}}, x).flops, 0);
  EXPECT_EQ(CountOne(OpKind::kSqueeze, AxesAttrs{}, {1, 4}).flops, 0);
  EXPECT_EQ(CountOne(OpKind::kUnsqueeze, AxesAttrs{{0}}, x).flops, 0);
  EXPECT_EQ(CountOne(OpKind::kPad, PadAttrs{.pads_begin = {1, 0, 0}, .pads_end = {0, 0, 0}}, x)
                .output_bytes,
            3 * 3 * 4 * 4);
  EXPECT_EQ(
      CountOne(OpKind::kGather, GatherAttrs{.axis = 2, .indices = {0, 3}, .indices_shape = {2}}, x)
          .flops,
      0);
}

}  // namespace
}  // namespace edgebench::ir
