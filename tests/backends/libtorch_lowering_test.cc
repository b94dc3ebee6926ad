// The LibTorch plugin's torch-free lowering plans for the modern op set, checked against
// plans worked out by hand. The consistency test proves the plans compute the IR's
// results; this one pins down which ATen route each takes (a native operator only where
// its rule is the IR's) and the index arithmetic of the rewrites.
#include <gtest/gtest.h>

#include "backends/libtorch/modern_lowering.h"
#include "backends/libtorch/resize_lowering.h"

namespace edgebench::backends::libtorch {
namespace {

using Kind = ResizeLowering::Kind;

TEST(LibTorchSliceLowering, NegativeStepFlipsThenSlicesForward) {
  // Elements 8, 5, 2 of a dim of 10; flipped (i -> 9 - i) they are 1, 4, 7.
  const SliceLowering lowering =
      LowerSlice({.starts = {8}, .ends = {1}, .axes = {1}, .steps = {-3}}, {2, 10});
  EXPECT_EQ(lowering.flip_dims, std::vector<int64_t>{1});
  ASSERT_EQ(lowering.slices.size(), 1u);  // dim 0 is kept whole and not sliced
  EXPECT_EQ(lowering.slices[0].dim, 1);
  EXPECT_EQ(lowering.slices[0].start, 1);
  EXPECT_EQ(lowering.slices[0].end, 8);
  EXPECT_EQ(lowering.slices[0].step, 3);
}

TEST(LibTorchSliceLowering, PositiveStepEndsAfterTheLastElementRead) {
  // Start 1, step 2 over a dim of 6 with an end beyond it: elements 1, 3, 5.
  const SliceLowering lowering =
      LowerSlice({.starts = {1}, .ends = {100}, .axes = {-1}, .steps = {2}}, {3, 6});
  EXPECT_TRUE(lowering.flip_dims.empty());
  ASSERT_EQ(lowering.slices.size(), 1u);
  EXPECT_EQ(lowering.slices[0].dim, 1);
  EXPECT_EQ(lowering.slices[0].start, 1);
  EXPECT_EQ(lowering.slices[0].end, 6);
  EXPECT_EQ(lowering.slices[0].step, 2);
}

TEST(LibTorchPadLowering, ReflectFoldsLeadingDimsAndListsPadsLastDimFirst) {
  const PadLowering lowering =
      LowerPad({{0, 0, 1, 2}, {0, 0, 3, 0}, ir::PadMode::kReflect}, {2, 3, 4, 5});
  EXPECT_EQ(lowering.kernel_rank, 2u);
  EXPECT_EQ(lowering.pads, (std::vector<int64_t>{2, 0, 1, 3}));
  EXPECT_EQ(lowering.folded, (ir::Shape{6, 4, 5}));
}

TEST(LibTorchPadLowering, ConstantCoversEveryDimFromTheFirstPaddedOne) {
  const PadLowering lowering =
      LowerPad({{0, 1, 0, 0}, {0, 2, 0, 1}, ir::PadMode::kConstant, 0.5f}, {1, 3, 4, 5});
  EXPECT_EQ(lowering.kernel_rank, 3u);
  EXPECT_EQ(lowering.pads, (std::vector<int64_t>{0, 1, 0, 0, 1, 2}));
  EXPECT_TRUE(lowering.folded.empty());
}

TEST(LibTorchPadLowering, NoPaddingIsTheIdentity) {
  EXPECT_EQ(LowerPad({{0, 0}, {0, 0}, ir::PadMode::kEdge}, {3, 4}).kernel_rank, 0u);
}

TEST(LibTorchPadLowering, RefusesReflectOrEdgeBeyondThreeTrailingDims) {
  const ir::PadAttrs edge_batch{{1, 0, 0, 0}, {0, 0, 0, 1}, ir::PadMode::kEdge};
  const Support support = PadSupport(edge_batch, {1, 2, 3, 4});
  EXPECT_FALSE(support.supported);
  EXPECT_NE(support.reason.find("4 trailing dims"), std::string::npos) << support.reason;
  // Constant padding of every dim is one constant_pad_nd.
  EXPECT_TRUE(
      PadSupport({{1, 0, 0, 0}, {0, 0, 0, 1}, ir::PadMode::kConstant}, {1, 2, 3, 4}).supported);
}

TEST(LibTorchGatherLowering, NegativeIndicesCountFromTheEnd) {
  const GatherLowering lowering =
      LowerGather({.axis = -1, .indices = {3, -1, 0, -4}, .indices_shape = {2, 2}}, {2, 4});
  EXPECT_EQ(lowering.axis, 1);
  EXPECT_EQ(lowering.indices, (std::vector<int64_t>{3, 3, 0, 0}));
}

TEST(LibTorchConvTransposeLowering, AsymmetricPadsRunSymmetricThenNarrow) {
  const ir::ConvTransposeAttrs attrs{.strides = {2, 2},
                                     .pads_begin = {0, 2},
                                     .pads_end = {1, 0},
                                     .dilations = {1, 1},
                                     .output_padding = {1, 0},
                                     .groups = 1};
  const ConvTransposeLowering lowering = LowerConvTranspose(attrs, {1, 6, 11, 11});
  EXPECT_EQ(lowering.padding, (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(lowering.narrow_start, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(lowering.narrow_length, (std::vector<int64_t>{11, 11}));
  const ir::ConvTransposeAttrs symmetric{.strides = {2},
                                         .pads_begin = {1},
                                         .pads_end = {1},
                                         .dilations = {1},
                                         .output_padding = {0},
                                         .groups = 1};
  EXPECT_EQ(LowerConvTranspose(symmetric, {1, 1, 9}).narrow_start, std::vector<int64_t>{-1});
}

TEST(LibTorchReduceLowering, EmptyAxesReduceEveryDimAndMaxOfNothingIsRefused) {
  EXPECT_EQ(ReduceDims({}, 3), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(ReduceDims({{-1, 0}, false}, 3), (std::vector<int64_t>{0, 2}));
  EXPECT_FALSE(ReduceSupport(ir::OpKind::kReduceMax, {{1}, true}, {2, 0, 3}).supported);
  EXPECT_TRUE(ReduceSupport(ir::OpKind::kReduceSum, {{1}, true}, {2, 0, 3}).supported);
}

ir::ResizeAttrs Nearest(ir::ResizeCoordinates coordinates, ir::ResizeNearest rounding,
                        std::vector<float> scales) {
  return {.mode = ir::ResizeMode::kNearest,
          .coordinates = coordinates,
          .nearest = rounding,
          .scales = std::move(scales)};
}

ir::ResizeAttrs Linear(ir::ResizeCoordinates coordinates, std::vector<float> scales) {
  return {.mode = ir::ResizeMode::kLinear, .coordinates = coordinates, .scales = std::move(scales)};
}

TEST(LibTorchResizeLowering, NearestTakesTheAtenRuleThatMatches) {
  // x2 asymmetric floor: o / 2, ATen's special-cased doubling.
  const ResizeLowering doubled = LowerResize(
      Nearest(ir::ResizeCoordinates::kAsymmetric, ir::ResizeNearest::kFloor, {1, 1, 2, 2}),
      {1, 3, 5, 7}, {1, 3, 10, 14});
  EXPECT_EQ(doubled.kind, Kind::kUpsampleNearest);
  EXPECT_EQ(doubled.output_size, (std::vector<int64_t>{10, 14}));
  EXPECT_EQ(doubled.scales, (std::vector<double>{2.0, 2.0}));
  // Half-pixel with ties rounded up is floor((o + 0.5) / scale): ATen's "exact" nearest.
  // At x1.5 over 5 rows: 0, 1, 1, 2, 3, 3, 4 -- the floor rule (o / 1.5) gives 0, 0, ...
  const ResizeLowering exact =
      LowerResize(Nearest(ir::ResizeCoordinates::kHalfPixel, ir::ResizeNearest::kRoundPreferCeil,
                          {1, 1, 1.5f, 1}),
                  {1, 3, 5, 7}, {1, 3, 7, 7});
  EXPECT_EQ(exact.kind, Kind::kUpsampleNearestExact);
}

TEST(LibTorchResizeLowering, NearestWithoutAnAtenRuleGathersTheIrIndices) {
  // Half-pixel x1.75 over 4 rows: coordinates -3/14, 5/14, 13/14, 3/2, 29/14, 37/14, 45/14;
  // the tie 3/2 rounds down: 0, 0, 1, 1, 2, 3, 3. ATen's floor rule (o / 1.75) gives 2 at
  // o = 5, its exact rule (floor((o + 0.5) / 1.75)) 2 at o = 3.
  const ResizeLowering lowering =
      LowerResize(Nearest(ir::ResizeCoordinates::kHalfPixel, ir::ResizeNearest::kRoundPreferFloor,
                          {1, 1, 1.75f, 1}),
                  {1, 3, 4, 7}, {1, 3, 7, 7});
  EXPECT_EQ(lowering.kind, Kind::kGather);
  ASSERT_EQ(lowering.axes.size(), 1u);  // only H is resized
  EXPECT_EQ(lowering.axes[0].dim, 2);
  EXPECT_EQ(lowering.axes[0].near, (std::vector<int64_t>{0, 0, 1, 1, 2, 3, 3}));
}

TEST(LibTorchResizeLowering, NearestRulesThatCoincideUseAten) {
  // Half-pixel x1.5 over 5 rows rounding ties down: coordinates -1/6, 1/2, 7/6, 11/6, 5/2,
  // 19/6, 23/6 give 0, 0, 1, 2, 2, 3, 4 -- which is floor(o / 1.5), ATen's floor rule.
  const ResizeLowering lowering =
      LowerResize(Nearest(ir::ResizeCoordinates::kHalfPixel, ir::ResizeNearest::kRoundPreferFloor,
                          {1, 1, 1.5f, 1}),
                  {1, 3, 5, 7}, {1, 3, 7, 7});
  EXPECT_EQ(lowering.kind, Kind::kUpsampleNearest);
}

TEST(LibTorchResizeLowering, ResizedChannelsAlwaysGather) {
  const ResizeLowering lowering = LowerResize(
      Nearest(ir::ResizeCoordinates::kAsymmetric, ir::ResizeNearest::kFloor, {1, 2, 1, 1}),
      {1, 3, 5, 7}, {1, 6, 5, 7});
  EXPECT_EQ(lowering.kind, Kind::kGather);
  ASSERT_EQ(lowering.axes.size(), 1u);
  EXPECT_EQ(lowering.axes[0].near, (std::vector<int64_t>{0, 0, 1, 1, 2, 2}));
}

TEST(LibTorchResizeLowering, LinearUsesAtenForHalfPixelAndAlignCorners) {
  const ResizeLowering half = LowerResize(
      Linear(ir::ResizeCoordinates::kHalfPixel, {1, 1, 1.5f, 2}), {1, 3, 4, 5}, {1, 3, 6, 10});
  EXPECT_EQ(half.kind, Kind::kUpsampleLinear);
  EXPECT_FALSE(half.align_corners);
  const ResizeLowering corners =
      LowerResize(Linear(ir::ResizeCoordinates::kAlignCorners, {1, 1, 2}), {1, 3, 5}, {1, 3, 10});
  EXPECT_EQ(corners.kind, Kind::kUpsampleLinear);
  EXPECT_TRUE(corners.align_corners);
  // pytorch_half_pixel reads coordinate 0 for a single output row, ATen's half_pixel
  // (0.5 / 0.2 - 0.5 = 2) does not.
  const ResizeLowering single_row =
      LowerResize(Linear(ir::ResizeCoordinates::kPytorchHalfPixel, {1, 1, 0.2f, 1}), {1, 3, 5, 4},
                  {1, 3, 1, 4});
  EXPECT_EQ(single_row.kind, Kind::kGather);
  ASSERT_EQ(single_row.axes.size(), 1u);
  EXPECT_EQ(single_row.axes[0].near, std::vector<int64_t>{0});
  EXPECT_EQ(single_row.axes[0].far_weight, std::vector<float>{0.0f});
}

TEST(LibTorchResizeLowering, AsymmetricLinearGathersNeighboursAndWeights) {
  // x2 over 5: coordinates o / 2 = 0, 0.5, 1, ..., 4.5; the last is clamped to 4.
  const ResizeLowering lowering =
      LowerResize(Linear(ir::ResizeCoordinates::kAsymmetric, {1, 1, 2}), {1, 2, 5}, {1, 2, 10});
  EXPECT_EQ(lowering.kind, Kind::kGather);
  ASSERT_EQ(lowering.axes.size(), 1u);
  const ResizeLowering::Axis& axis = lowering.axes[0];
  EXPECT_EQ(axis.dim, 2);
  EXPECT_EQ(axis.near, (std::vector<int64_t>{0, 0, 1, 1, 2, 2, 3, 3, 4, 4}));
  EXPECT_EQ(axis.far, (std::vector<int64_t>{1, 1, 2, 2, 3, 3, 4, 4, 4, 4}));
  EXPECT_EQ(axis.far_weight, (std::vector<float>{0, 0.5f, 0, 0.5f, 0, 0.5f, 0, 0.5f, 0, 0}));
}

TEST(LibTorchResizeLowering, TorchNearestIndexSpecialCasesUnitAndDoubleScale) {
  EXPECT_EQ(TorchNearestIndex(5, 7, 7, 1.0), 5);
  EXPECT_EQ(TorchNearestIndex(5, 7, 14, 2.0), 2);
  // x3: floor(o * float(1/3)), float(1/3) rounding up keeps it exact here: 7 -> 2.
  EXPECT_EQ(TorchNearestIndex(7, 4, 12, 3.0), 2);
  // Clamped to the last row when the scale given is larger than the sizes imply.
  EXPECT_EQ(TorchNearestIndex(9, 4, 10, 2.0), 3);
}

}  // namespace
}  // namespace edgebench::backends::libtorch
