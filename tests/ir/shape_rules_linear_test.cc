// Shape rules of MatMul and ConvTranspose.

#include <gtest/gtest.h>

#include "shape_test_util.h"

namespace edgebench::ir {
namespace {

using test_util::FailsNamingCulprit;
using test_util::InferOne;

TEST(MatMulShapeTest, BatchedBroadcastAndOneDimensionalOperands) {
  EXPECT_EQ(InferOne(OpKind::kMatMul, {}, {{2, 3}, {3, 4}}), (Shape{2, 4}));
  // Batch dims [5, 1] and [4] broadcast to [5, 4].
  EXPECT_EQ(InferOne(OpKind::kMatMul, {}, {{5, 1, 2, 3}, {4, 3, 6}}), (Shape{5, 4, 2, 6}));
  EXPECT_EQ(InferOne(OpKind::kMatMul, {}, {{7, 2, 3}, {3, 6}}), (Shape{7, 2, 6}));
  // A 1-D left operand is a row whose M dim is dropped again; a 1-D right operand a
  // column whose N dim is dropped.
  EXPECT_EQ(InferOne(OpKind::kMatMul, {}, {{3}, {2, 3, 4}}), (Shape{2, 4}));
  EXPECT_EQ(InferOne(OpKind::kMatMul, {}, {{3}, {3, 7}}), (Shape{7}));
  EXPECT_EQ(InferOne(OpKind::kMatMul, {}, {{2, 5, 3}, {3}}), (Shape{2, 5}));
  EXPECT_EQ(InferOne(OpKind::kMatMul, {}, {{3}, {3}}), (Shape{}));
}

TEST(MatMulShapeTest, MismatchesAreRejected) {
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kMatMul, {}, {{2, 3}, {4, 5}}, "inner dims differ"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kMatMul, {}, {{3}, {4}}, "inner dims differ"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kMatMul, {}, {{2, 2, 3}, {3, 3, 4}},
                                 "batch dims of 2x2x3 and 3x3x4 do not broadcast"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kMatMul, {}, {{}, {3, 4}}, "at least one dim"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kMatMul, {}, {{2, 3}}, "expects 2 inputs"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kMatMul, ConvAttrs{}, {{2, 3}, {3, 4}}, "wrong kind"));
}

ConvTransposeAttrs Deconv2d(int64_t stride, int64_t pad, int64_t output_padding,
                            int64_t dilation = 1, int64_t groups = 1) {
  return {.strides = {stride, stride},
          .pads_begin = {pad, pad},
          .pads_end = {pad, pad},
          .dilations = {dilation, dilation},
          .output_padding = {output_padding, output_padding},
          .groups = groups};
}

TEST(ConvTransposeShapeTest, StridePadsOutputPaddingGroupsDilation) {
  // (5 - 1) * 2 - 1 - 1 + 1 * (3 - 1) + 1 + 1 = 10: the classic 2x upsampling deconv.
  EXPECT_EQ(InferOne(OpKind::kConvTranspose, Deconv2d(2, 1, 1), {{1, 8, 5, 5}, {8, 4, 3, 3}, {4}}),
            (Shape{1, 4, 10, 10}));
  // Groups 2 with 3 outputs per group: 6 output channels. H: (4 - 1) * 1 + 2 * (2 - 1) + 1
  // + 1 = 7 (output padding below the dilation); W: (6 - 1) * 3 + 1 * (2 - 1) + 2 + 1 = 19.
  ConvTransposeAttrs attrs{.strides = {1, 3},
                           .pads_begin = {0, 0},
                           .pads_end = {0, 0},
                           .dilations = {2, 1},
                           .output_padding = {1, 2},
                           .groups = 2};
  EXPECT_EQ(InferOne(OpKind::kConvTranspose, attrs, {{2, 8, 4, 6}, {8, 3, 2, 2}}),
            (Shape{2, 6, 7, 19}));
  // Asymmetric pads: H (3 - 1) * 2 - 1 - 0 + 2 + 1 = 6; W (3 - 1) * 2 - 0 - 2 + 2 + 1 = 5.
  ConvTransposeAttrs asymmetric{.strides = {2, 2},
                                .pads_begin = {1, 0},
                                .pads_end = {0, 2},
                                .dilations = {1, 1},
                                .output_padding = {0, 0},
                                .groups = 1};
  EXPECT_EQ(InferOne(OpKind::kConvTranspose, asymmetric, {{1, 2, 3, 3}, {2, 5, 3, 3}}),
            (Shape{1, 5, 6, 5}));
  // 3-D: D (3 - 1) * 2 + 1 + 1 = 6, H and W (4 - 1) * 2 + 1 + 1 = 8.
  ConvTransposeAttrs volumetric{.strides = {2, 2, 2},
                                .pads_begin = {0, 0, 0},
                                .pads_end = {0, 0, 0},
                                .dilations = {1, 1, 1},
                                .output_padding = {0, 0, 0},
                                .groups = 1};
  EXPECT_EQ(InferOne(OpKind::kConvTranspose, volumetric, {{1, 2, 3, 4, 4}, {2, 1, 2, 2, 2}}),
            (Shape{1, 1, 6, 8, 8}));
}

TEST(ConvTransposeShapeTest, InconsistenciesAreRejected) {
  const Shape x{1, 8, 5, 5};
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kConvTranspose, Deconv2d(2, 1, 1), {x, {4, 8, 3, 3}},
                                 "channel mismatch"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kConvTranspose, Deconv2d(1, 0, 0, 1, 3), {x, {8, 2, 3, 3}},
                                 "not divisible by groups"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kConvTranspose, Deconv2d(1, 0, 0, 1, 0), {x, {8, 2, 3, 3}},
                                 "groups 0"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kConvTranspose, Deconv2d(2, 1, 2), {x, {8, 4, 3, 3}},
                                 "output_padding 2 must be smaller"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kConvTranspose, Deconv2d(1, 0, 1), {x, {8, 4, 3, 3}},
                                 "output_padding 1 must be smaller"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kConvTranspose, Deconv2d(2, 1, 1, 1, 2),
                                 {x, {8, 2, 3, 3}, {2}}, "bias 2 does not match 4"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kConvTranspose, Deconv2d(1, 1, 0),
                                 {{1, 8, 1, 1}, {8, 4, 1, 1}}, "output extent -1"));
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kConvTranspose, Deconv2d(0, 1, 0), {x, {8, 4, 3, 3}}, "stride"));
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kConvTranspose, Deconv2d(1, -1, 0), {x, {8, 4, 3, 3}}, "padding"));
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kConvTranspose, Deconv2d(1, 0, 0), {x, {8, 4, 3}},
                                 "does not match input"));
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kConvTranspose, Deconv2d(1, 0, 0), {{8, 5}, {8, 4}}, "NCHW"));
  EXPECT_TRUE(
      FailsNamingCulprit(OpKind::kConvTranspose, ConvAttrs{}, {x, {8, 4, 3, 3}}, "wrong kind"));
  ConvTransposeAttrs missing_output_padding = Deconv2d(1, 0, 0);
  missing_output_padding.output_padding.clear();
  EXPECT_TRUE(FailsNamingCulprit(OpKind::kConvTranspose, missing_output_padding, {x, {8, 4, 3, 3}},
                                 "output_padding has 0 entries"));
}

}  // namespace
}  // namespace edgebench::ir
