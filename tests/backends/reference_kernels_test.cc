#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "backends/reference/kernels.h"
#include "ir/graph.h"
#include "ir/shape_inference.h"

namespace edgebench::backends::reference {
namespace {

// Sizes the output through shape inference on a one-node graph, exactly as the harness
// will, so each test also pins that the kernel agrees with the inferred geometry (ceil
// mode, asymmetric pads). NaN-filled so an element the kernel forgets to write fails.
HostTensor OutputOf(ir::OpKind op, ir::Attrs attrs, const std::vector<ir::Shape>& input_shapes) {
  ir::Graph graph;
  std::vector<ir::ValueId> inputs;
  for (size_t i = 0; i < input_shapes.size(); ++i) {
    inputs.push_back(graph.AddInput("in" + std::to_string(i), input_shapes[i]));
  }
  ir::ValueId out = graph.AddNode("node", op, std::move(attrs), inputs);
  graph.MarkOutput(out);
  ir::InferShapes(graph);
  HostTensor y(graph.value(out).shape);
  std::fill(y.data.begin(), y.data.end(), std::numeric_limits<float>::quiet_NaN());
  return y;
}

void ExpectValues(const HostTensor& actual, const std::vector<float>& expected,
                  float tolerance = 1e-5f) {
  ASSERT_EQ(actual.data.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual.data[i], expected[i], tolerance) << "element " << i;
  }
}

// 1, 2, ..., n: inputs whose every element is distinguishable in a hand-worked sum.
std::vector<float> Iota(int n, float first = 1.0f) {
  std::vector<float> values(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) values[static_cast<size_t>(i)] = first + static_cast<float>(i);
  return values;
}

std::vector<float> Negated(std::vector<float> values) {
  for (float& v : values) v = -v;
  return values;
}

ir::ConvAttrs Conv2d(int64_t stride, int64_t pad, int64_t dilation = 1, int64_t groups = 1) {
  return {.strides = {stride, stride},
          .pads_begin = {pad, pad},
          .pads_end = {pad, pad},
          .dilations = {dilation, dilation},
          .groups = groups};
}

HostTensor RunConv(const ir::ConvAttrs& attrs, const HostTensor& x, const HostTensor& w,
                   const HostTensor* bias = nullptr) {
  std::vector<ir::Shape> shapes{x.shape, w.shape};
  if (bias != nullptr) shapes.push_back(bias->shape);
  HostTensor y = OutputOf(ir::OpKind::kConv, attrs, shapes);
  Conv(attrs, x, w, bias, y);
  return y;
}

HostTensor RunPool(ir::OpKind op, const ir::PoolAttrs& attrs, const HostTensor& x) {
  HostTensor y = OutputOf(op, attrs, {x.shape});
  if (op == ir::OpKind::kMaxPool) {
    MaxPool(attrs, x, y);
  } else {
    AvgPool(attrs, x, y);
  }
  return y;
}

TEST(ReferenceConvTest, SumsOverInputChannelsAndBatch) {
  // Channel 0 of image 0 is          Channel 1 is all ones.
  //   1 2 3
  //   4 5 6                          Image 1 is image 0 negated.
  //   7 8 9
  std::vector<float> image = Iota(9);
  image.insert(image.end(), 9, 1.0f);
  std::vector<float> both = image;
  const std::vector<float> negated = Negated(image);
  both.insert(both.end(), negated.begin(), negated.end());
  HostTensor x({2, 2, 3, 3}, both);
  // oc0: [1 2; 3 4] on channel 0 plus all-ones on channel 1.
  // oc1: picks the bottom-right of channel 0 and subtracts channel 1's top-left.
  HostTensor w({2, 2, 2, 2}, {1, 2, 3, 4, 1, 1, 1, 1, 0, 0, 0, 1, -1, 0, 0, 0});
  HostTensor y = RunConv(Conv2d(1, 0), x, w);
  ASSERT_EQ(y.shape, (ir::Shape{2, 2, 2, 2}));
  // oc0 at (0,0): 1*1 + 2*2 + 4*3 + 5*4 = 37, plus 4 ones = 41; then 47+4, 67+4, 77+4.
  // oc1: bottom-right values 5, 6, 8, 9 minus 1.
  // Image 1: oc0 negates; oc1 is -(5, 6, 8, 9) - (-1).
  ExpectValues(y, {41, 51, 71, 81, 4, 5, 7, 8, -41, -51, -71, -81, -4, -5, -7, -8});
}

TEST(ReferenceConvTest, AddsBiasPerOutputChannel) {
  HostTensor x({1, 1, 2, 2}, {1, 2, 3, 4});
  HostTensor w({2, 1, 1, 1}, {2, -1});
  HostTensor b({2}, {0.5f, 10});
  HostTensor y = RunConv(Conv2d(1, 0), x, w, &b);
  // oc0 = 2x + 0.5, oc1 = 10 - x.
  ExpectValues(y, {2.5f, 4.5f, 6.5f, 8.5f, 9, 8, 7, 6});
}

TEST(ReferenceConvTest, StrideTwoWithAsymmetricPadding) {
  //    1  2  3  4
  //    5  6  7  8      3x3 box sums, stride 2, one pad column on the left and one pad
  //    9 10 11 12      row at the bottom (none on top or right).
  //   13 14 15 16
  HostTensor x({1, 1, 4, 4}, Iota(16));
  HostTensor w({1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  ir::ConvAttrs attrs{
      .strides = {2, 2}, .pads_begin = {0, 1}, .pads_end = {1, 0}, .dilations = {1, 1}};
  HostTensor y = RunConv(attrs, x, w);
  // H: (4 + 0 + 1 - 3) / 2 + 1 = 2; W: (4 + 1 + 0 - 3) / 2 + 1 = 2.
  ASSERT_EQ(y.shape, (ir::Shape{1, 1, 2, 2}));
  // (0,0): rows 0-2, cols 0-1: 1+2+5+6+9+10 = 33
  // (0,1): rows 0-2, cols 1-3: 2+3+4+6+7+8+10+11+12 = 63
  // (1,0): rows 2-3 (row 4 is padding), cols 0-1: 9+10+13+14 = 46
  // (1,1): rows 2-3, cols 1-3: 10+11+12+14+15+16 = 78
  ExpectValues(y, {33, 63, 46, 78});
}

TEST(ReferenceConvTest, DilationSpreadsTheTaps) {
  // x[r][c] = 5r + c on a 5x5 grid; taps [1 2; 3 4] two apart cover a 3x3 window:
  // y = 1*x[r][c] + 2*x[r][c+2] + 3*x[r+2][c] + 4*x[r+2][c+2] = 10*x[r][c] + 4 + 30 + 48.
  HostTensor x({1, 1, 5, 5}, Iota(25, 0.0f));
  HostTensor w({1, 1, 2, 2}, {1, 2, 3, 4});
  HostTensor y = RunConv(Conv2d(1, 0, 2), x, w);
  ASSERT_EQ(y.shape, (ir::Shape{1, 1, 3, 3}));
  ExpectValues(y, {82, 92, 102, 132, 142, 152, 182, 192, 202});

  // Dilation with padding: taps at w-1 and w+1, so y[w] = x[w-1] + 10 * x[w+1].
  HostTensor row({1, 1, 1, 5}, {1, 2, 3, 4, 5});
  HostTensor taps({1, 1, 1, 2}, {1, 10});
  ir::ConvAttrs attrs{
      .strides = {1, 1}, .pads_begin = {0, 1}, .pads_end = {0, 1}, .dilations = {1, 2}};
  HostTensor padded = RunConv(attrs, row, taps);
  // 0 + 20, 1 + 30, 2 + 40, 3 + 50, 4 + 0.
  ExpectValues(padded, {20, 31, 42, 53, 4});
}

TEST(ReferenceConvTest, GroupsSeeOnlyTheirOwnChannels) {
  // Channels 0-1 feed outputs 0-1, channels 2-3 feed outputs 2-3.
  HostTensor x({1, 4, 1, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  HostTensor w({4, 2, 1, 1}, {1, 1, 1, -1, 2, 0, 0, 3});
  HostTensor y = RunConv(Conv2d(1, 0, 1, 2), x, w);
  // oc0 = c0 + c1 = (4, 6); oc1 = c0 - c1 = (-2, -2); oc2 = 2 * c2 = (10, 12);
  // oc3 = 3 * c3 = (21, 24).
  ExpectValues(y, {4, 6, -2, -2, 10, 12, 21, 24});
}

TEST(ReferenceConvTest, DepthwiseWithPadding) {
  // Channel 0 is 1..9 under an all-ones 3x3 kernel (padded box sums); channel 1 is
  // 10..90 under a kernel whose only tap is the top-left, so y1[r][c] = x1[r-1][c-1].
  std::vector<float> values = Iota(9);
  for (int i = 1; i <= 9; ++i) values.push_back(10.0f * static_cast<float>(i));
  HostTensor x({1, 2, 3, 3}, values);
  std::vector<float> weights(9, 1.0f);
  weights.push_back(1.0f);
  weights.insert(weights.end(), 8, 0.0f);
  HostTensor w({2, 1, 3, 3}, weights);
  HostTensor y = RunConv(Conv2d(1, 1, 1, 2), x, w);
  ASSERT_EQ(y.shape, (ir::Shape{1, 2, 3, 3}));
  // Box sums of   1 2 3     corners 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28;
  //               4 5 6     edges 1+..+6 = 21, 1+2+4+5+7+8 = 27, 2+3+5+6+8+9 = 33,
  //               7 8 9     4+..+9 = 39; centre 45.
  ExpectValues(y, {12, 21, 16, 27, 45, 33, 24, 39, 28, 0, 0, 0, 0, 10, 20, 0, 40, 50});
}

TEST(ReferenceConvTest, ThreeDimensional) {
  // Depth-only kernel [1, 10] over a 2x2x2 volume 1..8: y[h][w] = x[0][h][w] + 10 x[1][h][w].
  HostTensor x({1, 1, 2, 2, 2}, Iota(8));
  HostTensor w({1, 1, 2, 1, 1}, {1, 10});
  ir::ConvAttrs attrs{
      .strides = {1, 1, 1}, .pads_begin = {0, 0, 0}, .pads_end = {0, 0, 0}, .dilations = {1, 1, 1}};
  HostTensor y = RunConv(attrs, x, w);
  ASSERT_EQ(y.shape, (ir::Shape{1, 1, 1, 2, 2}));
  ExpectValues(y, {51, 62, 73, 84});

  // All-ones 2x2x2 kernel over a 3x2x2 volume 1..12, depth stride 2, one leading depth
  // pad: D = (3 + 1 - 2) / 2 + 1 = 2. Window 0 covers pad + slice 0: 1+2+3+4 = 10;
  // window 1 covers slices 1-2: 5+6+7+8 + 9+10+11+12 = 68.
  HostTensor volume({1, 1, 3, 2, 2}, Iota(12));
  HostTensor ones({1, 1, 2, 2, 2}, std::vector<float>(8, 1.0f));
  ir::ConvAttrs strided{
      .strides = {2, 1, 1}, .pads_begin = {1, 0, 0}, .pads_end = {0, 0, 0}, .dilations = {1, 1, 1}};
  HostTensor z = RunConv(strided, volume, ones);
  ASSERT_EQ(z.shape, (ir::Shape{1, 1, 2, 1, 1}));
  ExpectValues(z, {10, 68});
}

TEST(ReferenceBatchNormTest, NormalizesPerChannel) {
  // epsilon 0.25 makes sqrt(variance + epsilon) = 2 and 1.
  HostTensor x({2, 2, 1, 2}, {1, 3, -2, 4, 5, 2, 1, 0});
  HostTensor scale({2}, {2, 0.5f});
  HostTensor bias({2}, {1, -1});
  HostTensor mean({2}, {2, 1});
  HostTensor variance({2}, {3.75f, 0.75f});
  HostTensor y(x.shape);
  BatchNorm(0.25f, x, scale, bias, mean, variance, y);
  // c0: (x - 2) / 2 * 2 + 1 = x - 1;  c1: (x - 1) / 1 * 0.5 - 1.
  // Image 0: c0 (1, 3) -> (0, 2); c1 (-2, 4) -> (-2.5, 0.5).
  // Image 1: c0 (5, 2) -> (4, 1); c1 (1, 0) -> (-1, -1.5).
  ExpectValues(y, {0, 2, -2.5f, 0.5f, 4, 1, -1, -1.5f});
}

TEST(ReferenceActivationTest, ReluFamily) {
  HostTensor x({1, 7}, {-2, -0.5f, 0, 0.5f, 3, 6, 7});
  HostTensor y(x.shape);
  Relu(x, y);
  ExpectValues(y, {0, 0, 0, 0.5f, 3, 6, 7});
  Relu6(x, y);
  ExpectValues(y, {0, 0, 0, 0.5f, 3, 6, 6});
  LeakyRelu(0.1f, x, y);
  ExpectValues(y, {-0.2f, -0.05f, 0, 0.5f, 3, 6, 7});
}

TEST(ReferenceActivationTest, Sigmoid) {
  const float ln3 = 1.0986122886681098f;
  HostTensor x({1, 7}, {0, ln3, -ln3, 100, -100, 1000, -1000});
  HostTensor y(x.shape);
  Sigmoid(x, y);
  // 1 / (1 + 1/3) = 0.75 and 1 / (1 + 3) = 0.25; the extremes saturate without NaN.
  ExpectValues(y, {0.5f, 0.75f, 0.25f, 1, 0, 1, 0}, 1e-6f);
}

TEST(ReferenceSoftmaxTest, AlongChannelsOfAnImage) {
  // Two channels at two positions: (0, ln 3) -> (1/4, 3/4) and (2, 2) -> (1/2, 1/2).
  const float ln3 = 1.0986122886681098f;
  HostTensor x({1, 2, 1, 2}, {0, 2, ln3, 2});
  HostTensor y(x.shape);
  Softmax(1, x, y);
  ExpectValues(y, {0.25f, 0.5f, 0.75f, 0.5f}, 1e-6f);
}

TEST(ReferenceSoftmaxTest, AlongLastAxisStaysStableForLargeInputs) {
  // Row 0: exp(ln 1, ln 2, ln 5) = 1, 2, 5 out of 8.
  // Row 1: shifted by 1000, which overflows a naive exp: e^0, e^1, e^0 over 2 + e, with
  // e = 2.718281828: 1 / 4.718281828 = 0.2119415576, e / 4.718281828 = 0.5761168848.
  HostTensor x({2, 3}, {0, 0.6931471805599453f, 1.6094379124341003f, 1000, 1001, 1000});
  HostTensor y(x.shape);
  Softmax(-1, x, y);
  ExpectValues(y, {0.125f, 0.25f, 0.625f, 0.2119415576f, 0.5761168848f, 0.2119415576f}, 1e-6f);
}

TEST(ReferenceMaxPoolTest, CeilModeOverhangAndPadding) {
  // Negative inputs, so a kernel that let padding count as 0 would be caught.
  //   -1 -2 -3
  //   -4 -5 -6     2x2 windows, stride 2, ceil mode: the last row/column windows hang
  //   -7 -8 -9     off the end and see only the input inside.
  HostTensor x({1, 1, 3, 3}, Negated(Iota(9)));
  ir::PoolAttrs ceil{.kernel = {2, 2},
                     .strides = {2, 2},
                     .pads_begin = {0, 0},
                     .pads_end = {0, 0},
                     .ceil_mode = true};
  HostTensor y = RunPool(ir::OpKind::kMaxPool, ceil, x);
  ASSERT_EQ(y.shape, (ir::Shape{1, 1, 2, 2}));
  ExpectValues(y, {-1, -3, -7, -9});

  // x[r][c] = -(4r + c + 1) on 4x4, 3x3 windows, stride 2, pad 1: each window's max is
  // its top-left input element: rows/cols start at 0, 0 / 0, 1 / 1, 0 / 1, 1.
  HostTensor grid({1, 1, 4, 4}, Negated(Iota(16)));
  ir::PoolAttrs padded{
      .kernel = {3, 3}, .strides = {2, 2}, .pads_begin = {1, 1}, .pads_end = {1, 1}};
  HostTensor z = RunPool(ir::OpKind::kMaxPool, padded, grid);
  ASSERT_EQ(z.shape, (ir::Shape{1, 1, 2, 2}));
  ExpectValues(z, {-1, -2, -5, -6});

  // Ceil mode with padding on both ends: width 6 padded to 8, windows of 3 at stride 2
  // start at inputs -1, 1, 3, 5; ceil((8 - 3) / 2) + 1 = 4 windows (floor gives 3), the
  // last covering input 5, the end pad and one overhanging position.
  HostTensor row({1, 1, 1, 6}, Negated(Iota(6)));
  ir::PoolAttrs both{.kernel = {1, 3},
                     .strides = {1, 2},
                     .pads_begin = {0, 1},
                     .pads_end = {0, 1},
                     .ceil_mode = true};
  HostTensor r = RunPool(ir::OpKind::kMaxPool, both, row);
  ASSERT_EQ(r.shape, (ir::Shape{1, 1, 1, 4}));
  // Windows {-1, -2}, {-2, -3, -4}, {-4, -5, -6}, {-6}.
  ExpectValues(r, {-1, -2, -4, -6});
}

TEST(ReferenceMaxPoolTest, ThreeDimensional) {
  //   d=0: h0  1 8 2 3      d=1: h0  7 1 9  0
  //        h1  4 0 5 6           h1  2 3 0 12
  HostTensor x({1, 1, 2, 2, 4}, {1, 8, 2, 3, 4, 0, 5, 6, 7, 1, 9, 0, 2, 3, 0, 12});
  ir::PoolAttrs cube{
      .kernel = {2, 2, 2}, .strides = {2, 2, 2}, .pads_begin = {0, 0, 0}, .pads_end = {0, 0, 0}};
  HostTensor y = RunPool(ir::OpKind::kMaxPool, cube, x);
  ASSERT_EQ(y.shape, (ir::Shape{1, 1, 1, 1, 2}));
  // Columns 0-1 over both slices: max is 8 (d=0); columns 2-3: 12 (d=1).
  ExpectValues(y, {8, 12});

  // A leading depth pad makes the only depth window cover the pad and slice 0.
  ir::PoolAttrs depth_padded = cube;
  depth_padded.pads_begin = {1, 0, 0};
  HostTensor z = RunPool(ir::OpKind::kMaxPool, depth_padded, x);
  ASSERT_EQ(z.shape, (ir::Shape{1, 1, 1, 1, 2}));
  ExpectValues(z, {8, 6});
}

TEST(ReferenceAvgPoolTest, PaddedBorderWithAndWithoutPadCount) {
  //   1 2 3
  //   4 5 6     3x3 windows, stride 2, pad 1: each window holds a 2x2 block of input
  //   7 8 9     (sums 12, 16, 24, 28) and 5 padding positions.
  HostTensor x({1, 1, 3, 3}, Iota(9));
  ir::PoolAttrs attrs{
      .kernel = {3, 3}, .strides = {2, 2}, .pads_begin = {1, 1}, .pads_end = {1, 1}};
  HostTensor excluded = RunPool(ir::OpKind::kAvgPool, attrs, x);
  ASSERT_EQ(excluded.shape, (ir::Shape{1, 1, 2, 2}));
  ExpectValues(excluded, {3, 4, 6, 7});

  attrs.count_include_pad = true;
  HostTensor included = RunPool(ir::OpKind::kAvgPool, attrs, x);
  ExpectValues(included, {12.0f / 9, 16.0f / 9, 24.0f / 9, 28.0f / 9});
}

TEST(ReferenceAvgPoolTest, CeilModeOverhangIsNeverCounted) {
  // Width 6 (1..6), windows of 3 at stride 2 with one pad each side, ceil mode: windows
  // start at inputs -1, 1, 3, 5 (see the max-pool test for the count).
  HostTensor x({1, 1, 1, 6}, Iota(6));
  ir::PoolAttrs attrs{.kernel = {1, 3},
                      .strides = {1, 2},
                      .pads_begin = {0, 1},
                      .pads_end = {0, 1},
                      .ceil_mode = true};
  // Inputs only: {1,2}/2, {2,3,4}/3, {4,5,6}/3, {6}/1.
  HostTensor excluded = RunPool(ir::OpKind::kAvgPool, attrs, x);
  ExpectValues(excluded, {1.5f, 3, 5, 6});

  // With padding counted: the first window counts its begin pad (3/3); the last counts
  // input 5 and the end pad at 6 but not the overhang at 7, which lies past
  // [-1, 6 + 1): 6/2.
  attrs.count_include_pad = true;
  HostTensor included = RunPool(ir::OpKind::kAvgPool, attrs, x);
  ExpectValues(included, {1, 3, 5, 3});
}

TEST(ReferenceGlobalAvgPoolTest, TwoAndThreeDimensional) {
  HostTensor image({1, 2, 2, 2}, {1, 2, 3, 4, -1, 0, 0, 5});
  HostTensor y = OutputOf(ir::OpKind::kGlobalAvgPool, {}, {image.shape});
  GlobalAvgPool(image, y);
  ASSERT_EQ(y.shape, (ir::Shape{1, 2, 1, 1}));
  ExpectValues(y, {2.5f, 1});  // 10 / 4 and 4 / 4

  HostTensor volume({2, 1, 2, 2, 2}, Iota(16));
  HostTensor z = OutputOf(ir::OpKind::kGlobalAvgPool, {}, {volume.shape});
  GlobalAvgPool(volume, z);
  ASSERT_EQ(z.shape, (ir::Shape{2, 1, 1, 1, 1}));
  ExpectValues(z, {4.5f, 12.5f});  // means of 1..8 and 9..16
}

TEST(ReferenceFullyConnectedTest, WithAndWithoutBias) {
  HostTensor x({2, 3}, {1, 2, 3, -1, 0, 1});
  HostTensor w({2, 3}, {1, 0, -1, 0.5f, 0.5f, 0.5f});
  HostTensor b({2}, {10, -1});
  HostTensor y({2, 2});
  // Row 0: 1 - 3 = -2 and (1 + 2 + 3) / 2 = 3; row 1: -1 - 1 = -2 and 0.
  FullyConnected(x, w, nullptr, y);
  ExpectValues(y, {-2, 3, -2, 0});
  FullyConnected(x, w, &b, y);
  ExpectValues(y, {8, 2, 8, -1});
}

TEST(ReferenceFullyConnectedTest, AccumulatesInDouble) {
  // A million terms of +-1e-4 (three plus, one minus): a plain f32 running sum loses
  // ~0.5% once it nears 50, where each addend is only a few ulps of the total.
  constexpr int kFeatures = 1'000'000;
  const float step = 1e-4f;
  HostTensor x({1, kFeatures});
  for (int k = 0; k < kFeatures; ++k) x.data[static_cast<size_t>(k)] = k % 4 == 3 ? -step : step;
  HostTensor w({1, kFeatures}, std::vector<float>(kFeatures, 1.0f));
  HostTensor y({1, 1});
  FullyConnected(x, w, nullptr, y);

  const double exact = 500'000.0 * static_cast<double>(step);  // 750k - 250k terms
  float naive = 0.0f;
  for (float v : x.data) naive += v;
  ASSERT_GT(std::abs(naive - exact) / exact, 1e-3) << "the f32 sum should drift here";
  EXPECT_NEAR(y.data[0], exact, exact * 1e-6);
}

TEST(ReferenceElementwiseTest, AddAndCopy) {
  HostTensor a({1, 3}, {1, -2.5f, 3});
  HostTensor b({1, 3}, {0.5f, 2.5f, -4});
  HostTensor sum(a.shape);
  Add(a, b, sum);
  ExpectValues(sum, {1.5f, 0, -1});

  HostTensor x({1, 2, 2}, {1, 2, 3, 4});
  HostTensor flat = OutputOf(ir::OpKind::kFlatten, ir::FlattenAttrs{1}, {x.shape});
  CopyData(x, flat);
  ASSERT_EQ(flat.shape, (ir::Shape{1, 4}));
  ExpectValues(flat, {1, 2, 3, 4});
}

TEST(ReferenceConcatTest, AlongChannelsPerImage) {
  HostTensor a({2, 1, 1, 2}, {1, 2, 3, 4});
  HostTensor b({2, 2, 1, 2}, {5, 6, 7, 8, 9, 10, 11, 12});
  HostTensor y = OutputOf(ir::OpKind::kConcat, ir::ConcatAttrs{1}, {a.shape, b.shape});
  Concat(1, {&a, &b}, y);
  ASSERT_EQ(y.shape, (ir::Shape{2, 3, 1, 2}));
  // Image 0 takes a's (1, 2) then b's first four; image 1 likewise.
  ExpectValues(y, {1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12});
}

TEST(ReferenceConcatTest, AlongHeightWithNegativeAxis) {
  HostTensor a({1, 2, 1, 2}, {1, 2, 3, 4});
  HostTensor b({1, 2, 2, 2}, {5, 6, 7, 8, 9, 10, 11, 12});
  for (int64_t axis : {2, -2}) {
    HostTensor y = OutputOf(ir::OpKind::kConcat, ir::ConcatAttrs{axis}, {a.shape, b.shape});
    Concat(axis, {&a, &b}, y);
    ASSERT_EQ(y.shape, (ir::Shape{1, 2, 3, 2}));
    // Per channel: a's row, then b's two rows.
    ExpectValues(y, {1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12});
  }
}

TEST(ReferenceUpsampleTest, NearestTwoDimensional) {
  HostTensor x({1, 1, 2, 2}, {1, 2, 3, 4});
  ir::UpsampleAttrs twice{.scales = {2, 2}};
  HostTensor y = OutputOf(ir::OpKind::kUpsampleNearest, twice, {x.shape});
  UpsampleNearest(twice, x, y);
  ASSERT_EQ(y.shape, (ir::Shape{1, 1, 4, 4}));
  ExpectValues(y, {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});

  ir::UpsampleAttrs wide{.scales = {1, 3}};
  HostTensor z = OutputOf(ir::OpKind::kUpsampleNearest, wide, {x.shape});
  UpsampleNearest(wide, x, z);
  ASSERT_EQ(z.shape, (ir::Shape{1, 1, 2, 6}));
  ExpectValues(z, {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4});
}

TEST(ReferenceUpsampleTest, NearestThreeDimensional) {
  // Slices d0 = [1 2], d1 = [3 4] (one row each); doubling depth and height repeats each
  // row twice within a slice and each slice twice.
  HostTensor x({1, 1, 2, 1, 2}, {1, 2, 3, 4});
  ir::UpsampleAttrs attrs{.scales = {2, 2, 1}};
  HostTensor y = OutputOf(ir::OpKind::kUpsampleNearest, attrs, {x.shape});
  UpsampleNearest(attrs, x, y);
  ASSERT_EQ(y.shape, (ir::Shape{1, 1, 4, 2, 2}));
  ExpectValues(y, {1, 2, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 3, 4});
}

TEST(ReferenceLrnTest, WindowClipsAtChannelEdges) {
  // alpha 3 over size 3 makes the scale 1: y = x / (2 + sum of squares)^0.5.
  // Position 0 holds channels (1, 2, 3): sums {1,2} = 5, {1,2,3} = 14, {2,3} = 13
  //   -> 1/sqrt(7) = 0.3779644730, 2/sqrt(16) = 0.5, 3/sqrt(15) = 0.7745966692.
  // Position 1 holds (0, 0, 1): c0 and c1 are 0; c2: {0, 1} = 1 -> 1/sqrt(3) = 0.5773502692.
  HostTensor x({1, 3, 1, 2}, {1, 0, 2, 0, 3, 1});
  ir::LrnAttrs attrs{.size = 3, .alpha = 3.0f, .beta = 0.5f, .bias = 2.0f};
  HostTensor y = OutputOf(ir::OpKind::kLrn, attrs, {x.shape});
  Lrn(attrs, x, y);
  ExpectValues(y, {0.3779644730f, 0, 0.5f, 0, 0.7745966692f, 0.5773502692f}, 1e-6f);
}

}  // namespace
}  // namespace edgebench::backends::reference
