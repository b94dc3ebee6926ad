// Shape rules of the data movement ops and Resize.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "shape_test_util.h"

namespace edgebench::ir {
namespace {

using test_util::FailsNamingCulprit;
using test_util::InferOne;

constexpr int64_t kBig = std::numeric_limits<int64_t>::max();
constexpr int64_t kSmall = std::numeric_limits<int64_t>::min();

TEST(TransposeShapeTest, PermutesOrReverses) {
  EXPECT_EQ(InferOne(OpKind::kTranspose, TransposeAttrs{{2, 0, 1}}, {{2, 3, 4}}), (Shape{4, 2, 3}));
  EXPECT_EQ(InferOne(OpKind::kTranspose, TransposeAttrs{}, {{2, 3, 4}}), (Shape{4, 3, 2}));
  EXPECT_EQ(InferOne(OpKind::kTranspose, TransposeAttrs{}, {{}}), (Shape{}));
}

TEST(TransposeShapeTest, PermMustBeAPermutation) {
  const Shape x{2, 3, 4};
  for (const std::vector<int64_t>& perm :
       std::vector<std::vector<int64_t>>{{0, 0, 1}, {0, 1, 3}, {-1, 0, 1}}) {
    EXPECT_TRUE(
        FailsNamingCulprit(OpKind::kTranspose, TransposeAttrs{perm}, {x}, "not a permutation"));
  }
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kTranspose, TransposeAttrs{{1, 0}}, {x}, "2 entries"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kTranspose, AxesAttrs{}, {x}, "wrong kind"));
}

Shape SliceOf(const Shape& x, SliceAttrs attrs) {
  return InferOne(OpKind::kSlice, std::move(attrs), {x});
}

TEST(SliceShapeTest, StepsClampingAndNegativePositions) {
  const Shape x{10, 20, 30};
  // 2, 5 (8 excluded): 2 elements.
  EXPECT_EQ(SliceOf(x, {.starts = {2}, .ends = {8}, .axes = {0}, .steps = {3}}),
            (Shape{2, 20, 30}));
  // Backwards from 19 down to the beginning in steps of 2: 19, 17, ..., 1 = 10 elements.
  EXPECT_EQ(SliceOf(x, {.starts = {-1}, .ends = {-21}, .axes = {1}, .steps = {-2}}),
            (Shape{10, 10, 30}));
  // Out-of-range positions clamp to the dim.
  EXPECT_EQ(SliceOf(x, {.starts = {-100}, .ends = {1000}, .axes = {2}}), (Shape{10, 20, 30}));
  EXPECT_EQ(SliceOf(x, {.starts = {5}, .ends = {kBig}, .axes = {-1}, .steps = {10}}),
            (Shape{10, 20, 3}));  // 5, 15, 25
  // Negative axis, end counted from the back: 0 .. 28.
  EXPECT_EQ(SliceOf(x, {.starts = {0}, .ends = {-1}, .axes = {-1}}), (Shape{10, 20, 29}));
  // Axes default to 0, 1, ...; steps to 1.
  EXPECT_EQ(SliceOf(x, {.starts = {1, 2}, .ends = {3, 7}}), (Shape{2, 5, 30}));
  // Start past end with a positive step: an empty slice.
  EXPECT_EQ(SliceOf(x, {.starts = {8}, .ends = {2}, .axes = {0}}), (Shape{0, 20, 30}));
  // Extreme steps take a single element instead of overflowing.
  EXPECT_EQ(SliceOf(x, {.starts = {kBig}, .ends = {kSmall}, .axes = {0}, .steps = {kSmall}}),
            (Shape{1, 20, 30}));
  EXPECT_EQ(SliceOf(x, {.starts = {0}, .ends = {kBig}, .axes = {1}, .steps = {kBig}}),
            (Shape{10, 1, 30}));
}

TEST(SliceShapeTest, BadAttributesAreRejected) {
  const Shape x{10, 20};
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kSlice,
                                 SliceAttrs{.starts = {0}, .ends = {5}, .axes = {0}, .steps = {0}},
                                 {x}, "step is 0"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kSlice, SliceAttrs{.starts = {0, 1}, .ends = {5}}, {x},
                                 "differ in length"));
  EXPECT_TRUE(FailsNamingCulprit(
      OpKind::kSlice, SliceAttrs{.starts = {0}, .ends = {5}, .axes = {2}}, {x}, "out of range"));
  EXPECT_TRUE(FailsNamingCulprit(
      OpKind::kSlice, SliceAttrs{.starts = {0, 0}, .ends = {5, 5}, .axes = {1, -1}}, {x}, "twice"));
}

TEST(SqueezeShapeTest, DropsSizeOneDims) {
  const Shape x{1, 3, 1, 5};
  EXPECT_EQ(InferOne(OpKind::kSqueeze, AxesAttrs{}, {x}), (Shape{3, 5}));
  EXPECT_EQ(InferOne(OpKind::kSqueeze, AxesAttrs{{-2}}, {x}), (Shape{1, 3, 5}));
  EXPECT_EQ(InferOne(OpKind::kSqueeze, AxesAttrs{{2, 0}}, {x}), (Shape{3, 5}));
  EXPECT_EQ(InferOne(OpKind::kSqueeze, AxesAttrs{}, {{1, 1}}), (Shape{}));
}

TEST(SqueezeShapeTest, OnlySizeOneDimsInRange) {
  const Shape x{1, 3, 1, 5};
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kSqueeze, AxesAttrs{{1}}, {x}, "not 1"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kSqueeze, AxesAttrs{{4}}, {x}, "out of range"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kSqueeze, AxesAttrs{{0, -4}}, {x}, "twice"));
}

TEST(UnsqueezeShapeTest, AxesArePositionsInTheOutput) {
  EXPECT_EQ(InferOne(OpKind::kUnsqueeze, AxesAttrs{{0, 3}}, {{3, 4}}), (Shape{1, 3, 4, 1}));
  EXPECT_EQ(InferOne(OpKind::kUnsqueeze, AxesAttrs{{-1}}, {{3, 4}}), (Shape{3, 4, 1}));
  EXPECT_EQ(InferOne(OpKind::kUnsqueeze, AxesAttrs{{1, -1}}, {{3, 4}}), (Shape{3, 1, 4, 1}));
  EXPECT_EQ(InferOne(OpKind::kUnsqueeze, AxesAttrs{{0}}, {{}}), (Shape{1}));
}

TEST(UnsqueezeShapeTest, BadAxesAreRejected) {
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kUnsqueeze, AxesAttrs{}, {{3, 4}}, "at least one"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kUnsqueeze, AxesAttrs{{3}}, {{3, 4}}, "out of range"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kUnsqueeze, AxesAttrs{{0, -4}}, {{3, 4}}, "twice"));
}

TEST(PadShapeTest, PadsEveryDim) {
  EXPECT_EQ(InferOne(OpKind::kPad, PadAttrs{.pads_begin = {0, 0, 1, 2}, .pads_end = {0, 0, 3, 0}},
                     {{1, 3, 4, 4}}),
            (Shape{1, 3, 8, 6}));
  EXPECT_EQ(
      InferOne(
          OpKind::kPad,
          PadAttrs{.pads_begin = {0, 0, 3, 3}, .pads_end = {0, 0, 3, 3}, .mode = PadMode::kReflect},
          {{1, 3, 4, 4}}),
      (Shape{1, 3, 10, 10}));
  EXPECT_EQ(InferOne(OpKind::kPad, PadAttrs{.mode = PadMode::kEdge}, {{}}), (Shape{}));
}

TEST(PadShapeTest, BadPadsAreRejected) {
  const Shape x{1, 3, 4, 4};
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kPad,
                                 PadAttrs{.pads_begin = {0, 0, -1, 0}, .pads_end = {0, 0, 0, 0}},
                                 {x}, "invalid"));
  EXPECT_TRUE(FailsNamingCulprit(
      OpKind::kPad, PadAttrs{.pads_begin = {0, 0, int64_t{1} << 40, 0}, .pads_end = {0, 0, 0, 0}},
      {x}, "invalid"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kPad, PadAttrs{.pads_begin = {1, 1}, .pads_end = {1, 1}},
                                 {x}, "for 4 dims"));
  EXPECT_TRUE(FailsNamingCulprit(
      OpKind::kPad,
      PadAttrs{.pads_begin = {0, int64_t{1} << 30}, .pads_end = {0, int64_t{1} << 30}},
      {{1, int64_t{1} << 30}}, "exceeds"));
  EXPECT_TRUE(FailsNamingCulprit(
      OpKind::kPad,
      PadAttrs{.pads_begin = {0, 0, 4, 0}, .pads_end = {0, 0, 0, 0}, .mode = PadMode::kReflect},
      {x}, "reflect"));
  // Edge padding needs an element to repeat: pad an empty slice.
  Graph graph;
  ValueId in = graph.AddInput("x", {2, 3});
  ValueId empty = graph.AddNode("empty", OpKind::kSlice,
                                SliceAttrs{.starts = {0}, .ends = {0}, .axes = {1}}, {in});
  graph.AddNode("culprit", OpKind::kPad,
                PadAttrs{.pads_begin = {0, 1}, .pads_end = {0, 1}, .mode = PadMode::kEdge},
                {empty});
  EXPECT_TRUE(FailsNamingCulprit(graph, "empty"));
}

GatherAttrs Indices(int64_t axis, std::vector<int64_t> indices, Shape indices_shape) {
  return {.axis = axis, .indices = std::move(indices), .indices_shape = std::move(indices_shape)};
}

TEST(GatherShapeTest, IndicesShapeReplacesTheAxis) {
  const Shape x{5, 6, 7};
  EXPECT_EQ(InferOne(OpKind::kGather, Indices(1, {0, -1, 5, 2}, {2, 2}), {x}), (Shape{5, 2, 2, 7}));
  EXPECT_EQ(InferOne(OpKind::kGather, Indices(1, {-6}, {}), {x}), (Shape{5, 7}));
  EXPECT_EQ(InferOne(OpKind::kGather, Indices(-1, {6}, {}), {x}), (Shape{5, 6}));
  EXPECT_EQ(InferOne(OpKind::kGather, Indices(0, {3, 3, 0}, {3}), {x}), (Shape{3, 6, 7}));
  EXPECT_EQ(InferOne(OpKind::kGather, Indices(0, {2}, {}), {{4}}), (Shape{}));
}

TEST(GatherShapeTest, BadIndicesAreRejected) {
  const Shape x{5, 6, 7};
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kGather, Indices(1, {6}, {1}), {x}, "out of range"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kGather, Indices(1, {-7}, {1}), {x}, "out of range"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kGather, Indices(1, {1, 2, 3}, {2, 2}), {x},
                                 "3 indices for indices shape 2x2"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kGather, Indices(1, {}, {-1}), {x}, "indices shape"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kGather, Indices(3, {0}, {}), {x}, "out of range"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kGather, Indices(0, {0}, {}), {{}}, "scalar"));
}

ResizeAttrs Scales(std::vector<float> scales, std::vector<int64_t> sizes = {}) {
  return {.mode = ResizeMode::kLinear, .scales = std::move(scales), .sizes = std::move(sizes)};
}

TEST(ResizeShapeTest, ScalesOrSizes) {
  const Shape x{1, 3, 10, 20};
  EXPECT_EQ(InferOne(OpKind::kResize, Scales({1, 1, 2, 0.5f}), {x}), (Shape{1, 3, 20, 10}));
  EXPECT_EQ(InferOne(OpKind::kResize, Scales({1, 1, 1.5f, 1.25f}), {x}), (Shape{1, 3, 15, 25}));
  // floor(10 * 0.35) = 3.
  EXPECT_EQ(InferOne(OpKind::kResize, Scales({1, 1, 0.35f, 1}), {x}), (Shape{1, 3, 3, 20}));
  EXPECT_EQ(InferOne(OpKind::kResize, Scales({1, 1, 0.7f, 0.45f}, {1, 3, 7, 9}), {x}),
            (Shape{1, 3, 7, 9}));
}

TEST(ResizeShapeTest, BadScalesAndSizesAreRejected) {
  const Shape x{1, 3, 10, 20};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kResize, Scales({1, 2, 2}), {x}, "3 scales for 4"));
  for (float scale : {0.0f, -1.0f, nan, inf}) {
    EXPECT_TRUE(
        FailsNamingCulprit(OpKind::kResize, Scales({1, 1, scale, 1}), {x}, "positive and finite"))
        << scale;
  }
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kResize, Scales({1, 1, 1, 1}, {1, 3, 10}), {x}, "3 sizes for 4"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kResize, Scales({1, 1, 1, 1}, {1, 3, 0, 20}), {x},
                                 "resizes to nothing"));
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kResize, Scales({1, 1, 0.05f, 1}), {x}, "resizes to nothing"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kResize, Scales({1, 1, 4, 1}),
                                 {{1, 1, int64_t{1} << 30, 1}}, "exceeds"));
  EXPECT_TRUE(FailsNamingCulprit(
      OpKind::kResize, Scales({1, 1, 1, 1}, {1, 3, int64_t{1} << 32, 20}), {x}, "exceeds"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kResize, Scales({}), {{}}, "scalar"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kResize, UpsampleAttrs{{2, 2}}, {x}, "wrong kind"));
}

}  // namespace
}  // namespace edgebench::ir
