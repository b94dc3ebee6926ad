#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "backends/reference/kernels.h"
#include "ir/graph.h"
#include "reference_test_util.h"

namespace edgebench::backends::reference {
namespace {

using testing::ExpectValues;
using testing::Iota;
using testing::Unwritten;

using Coordinates = ir::ResizeCoordinates;
using Nearest = ir::ResizeNearest;

ir::ResizeAttrs Attrs(ir::ResizeMode mode, Coordinates coordinates, Nearest nearest,
                      std::vector<float> scales, std::vector<int64_t> sizes) {
  return {.mode = mode,
          .coordinates = coordinates,
          .nearest = nearest,
          .scales = std::move(scales),
          .sizes = std::move(sizes)};
}

// x[r][c] = 4r + c on [1, 1, 4, 4], resized to 8 rows (scale 2) and 3 columns (scale 0.75)
// with asymmetric coordinates: rows read o / 2 = 0, .5, 1, 1.5, 2, 2.5, 3, 3.5 (ties) and
// columns o / 0.75 = 0, 1.333, 2.667, so the four rounding rules all differ.
std::vector<float> NearestGrid(Nearest nearest) {
  HostTensor x({1, 1, 4, 4}, Iota(16));
  HostTensor y = Unwritten({1, 1, 8, 3});
  Resize(Attrs(ir::ResizeMode::kNearest, Coordinates::kAsymmetric, nearest, {1, 1, 2, 0.75f},
               {1, 1, 8, 3}),
         x, y);
  return y.data;
}

std::vector<float> Grid(const std::vector<int>& rows, const std::vector<int>& cols) {
  std::vector<float> values;
  for (int r : rows) {
    for (int c : cols) values.push_back(static_cast<float>(4 * r + c));
  }
  return values;
}

TEST(ReferenceResizeTest, NearestRoundingModes) {
  // Ties go down, 2.667 rounds to 3; the last row index 4 (from 3.5 rounded up) clamps to 3.
  EXPECT_EQ(NearestGrid(Nearest::kRoundPreferFloor), Grid({0, 0, 1, 1, 2, 2, 3, 3}, {0, 1, 3}));
  EXPECT_EQ(NearestGrid(Nearest::kRoundPreferCeil), Grid({0, 1, 1, 2, 2, 3, 3, 3}, {0, 1, 3}));
  EXPECT_EQ(NearestGrid(Nearest::kFloor), Grid({0, 0, 1, 1, 2, 2, 3, 3}, {0, 1, 2}));
  EXPECT_EQ(NearestGrid(Nearest::kCeil), Grid({0, 1, 1, 2, 2, 3, 3, 3}, {0, 2, 3}));
}

// Nearest (round_prefer_floor) along the last dim of [1, 1, 1, 5] = 0, 10, ..., 40.
std::vector<float> NearestRow(Coordinates coordinates, int64_t out, float scale) {
  HostTensor x({1, 1, 1, 5}, {0, 10, 20, 30, 40});
  HostTensor y = Unwritten({1, 1, 1, out});
  Resize(Attrs(ir::ResizeMode::kNearest, coordinates, Nearest::kRoundPreferFloor, {1, 1, 1, scale},
               {1, 1, 1, out}),
         x, y);
  return y.data;
}

TEST(ReferenceResizeTest, NearestCoordinateModes) {
  // 5 -> 2, scale 0.4.
  // half_pixel: (o + 0.5) / 0.4 - 0.5 = 0.75, 3.25 -> 1, 3.
  EXPECT_EQ(NearestRow(Coordinates::kHalfPixel, 2, 0.4f), (std::vector<float>{10, 30}));
  EXPECT_EQ(NearestRow(Coordinates::kPytorchHalfPixel, 2, 0.4f), (std::vector<float>{10, 30}));
  // align_corners: o * 4 / 1 = 0, 4.
  EXPECT_EQ(NearestRow(Coordinates::kAlignCorners, 2, 0.4f), (std::vector<float>{0, 40}));
  // asymmetric: o / 0.4 = 0, 2.5 (in f32 0.4 is a hair above, so just below 2.5: 2).
  EXPECT_EQ(NearestRow(Coordinates::kAsymmetric, 2, 0.4f), (std::vector<float>{0, 20}));
  // 5 -> 1, scale 0.2: half_pixel reads 0.5 / 0.2 - 0.5 = 2; pytorch_half_pixel reads 0.
  EXPECT_EQ(NearestRow(Coordinates::kHalfPixel, 1, 0.2f), (std::vector<float>{20}));
  EXPECT_EQ(NearestRow(Coordinates::kPytorchHalfPixel, 1, 0.2f), (std::vector<float>{0}));
}

// Linear along the last dim of [1, 1, 1, 4] = 0, 10, 20, 40 (uneven steps, so the
// interpolated position shows in the value).
HostTensor LinearRow(Coordinates coordinates, int64_t out, float scale) {
  HostTensor x({1, 1, 1, 4}, {0, 10, 20, 40});
  HostTensor y = Unwritten({1, 1, 1, out});
  Resize(Attrs(ir::ResizeMode::kLinear, coordinates, Nearest::kRoundPreferFloor, {1, 1, 1, scale},
               {1, 1, 1, out}),
         x, y);
  return y;
}

TEST(ReferenceResizeTest, LinearCoordinateModes) {
  // half_pixel, 4 -> 8: o / 2 - 0.25 = -0.25 (clamped to 0), 0.25, 0.75, 1.25, 1.75, 2.25,
  // 2.75, 3.25 (clamped to 3).
  ExpectValues(LinearRow(Coordinates::kHalfPixel, 8, 2), {0, 2.5f, 7.5f, 12.5f, 17.5f, 25, 35, 40});
  ExpectValues(LinearRow(Coordinates::kPytorchHalfPixel, 8, 2),
               {0, 2.5f, 7.5f, 12.5f, 17.5f, 25, 35, 40});
  // align_corners: o * 3 / 7.
  ExpectValues(LinearRow(Coordinates::kAlignCorners, 8, 2),
               {0, 30.0f / 7, 60.0f / 7, 10 + 20.0f / 7, 10 + 50.0f / 7, 20 + 20.0f / 7,
                20 + 80.0f / 7, 40});
  // asymmetric: o / 2 = 0, 0.5, ..., 3.5 (clamped to 3).
  ExpectValues(LinearRow(Coordinates::kAsymmetric, 8, 2), {0, 5, 10, 15, 20, 30, 40, 40});
  // Downsampling 4 -> 2 with half_pixel: (o + 0.5) * 2 - 0.5 = 0.5, 2.5.
  ExpectValues(LinearRow(Coordinates::kHalfPixel, 2, 0.5f), {5, 30});
  // 4 -> 1, scale 0.25: half_pixel reads 0.5 / 0.25 - 0.5 = 1.5; pytorch_half_pixel 0.
  ExpectValues(LinearRow(Coordinates::kHalfPixel, 1, 0.25f), {15});
  ExpectValues(LinearRow(Coordinates::kPytorchHalfPixel, 1, 0.25f), {0});
}

TEST(ReferenceResizeTest, BilinearPerChannel) {
  // Each channel is a 2x2 [[a, b], [c, d]] upsampled to 4x4 with half_pixel: per dim the
  // coordinates are -0.25, 0.25, 0.75, 1.25, clamped to 0, 0.25, 0.75, 1.
  HostTensor x({1, 2, 2, 2}, {0, 10, 20, 40, 1, 1, 1, 5});
  HostTensor y = Unwritten({1, 2, 4, 4});
  Resize(Attrs(ir::ResizeMode::kLinear, Coordinates::kHalfPixel, Nearest::kRoundPreferFloor,
               {1, 1, 2, 2}, {1, 2, 4, 4}),
         x, y);
  const float t[4] = {0, 0.25f, 0.75f, 1};
  std::vector<float> expected;
  for (int c = 0; c < 2; ++c) {
    const float* q = x.data.data() + 4 * c;
    for (float r : t) {
      for (float s : t) {
        expected.push_back((1 - r) * (1 - s) * q[0] + (1 - r) * s * q[1] + r * (1 - s) * q[2] +
                           r * s * q[3]);
      }
    }
  }
  ExpectValues(y, expected);
}

TEST(ReferenceResizeTest, MissingScalesOrWrongSizeThrow) {
  HostTensor x({1, 1, 2, 2}, Iota(4));
  HostTensor y = Unwritten({1, 1, 4, 4});
  EXPECT_THROW(Resize(Attrs(ir::ResizeMode::kNearest, Coordinates::kAsymmetric, Nearest::kFloor,
                            {2, 2}, {1, 1, 4, 4}),
                      x, y),
               ir::GraphError);
  EXPECT_THROW(Resize(Attrs(ir::ResizeMode::kNearest, Coordinates::kAsymmetric, Nearest::kFloor,
                            {1, 1, 2, 2}, {1, 1, 4, 3}),
                      x, y),
               ir::GraphError);
}

TEST(ReferenceResizeTest, HostileScalesThrowOrClampSafely) {
  HostTensor x({1, 1, 1, 4}, {0, 10, 20, 40});
  HostTensor y = Unwritten({1, 1, 1, 2});
  for (float bad : {0.0f, -0.5f, std::numeric_limits<float>::quiet_NaN(),
                    std::numeric_limits<float>::infinity()}) {
    EXPECT_THROW(Resize(Attrs(ir::ResizeMode::kNearest, Coordinates::kAsymmetric, Nearest::kFloor,
                              {1, 1, 1, bad}, {1, 1, 1, 2}),
                        x, y),
                 ir::GraphError)
        << "scale " << bad;
  }
  // A vanishing scale sends output 1 to coordinate 1e38: clamped to the last element.
  Resize(Attrs(ir::ResizeMode::kNearest, Coordinates::kAsymmetric, Nearest::kFloor,
               {1, 1, 1, 1e-38f}, {1, 1, 1, 2}),
         x, y);
  ExpectValues(y, {0, 40});
  Resize(Attrs(ir::ResizeMode::kLinear, Coordinates::kAsymmetric, Nearest::kFloor,
               {1, 1, 1, 1e-38f}, {1, 1, 1, 2}),
         x, y);
  ExpectValues(y, {0, 40});
}

TEST(ReferenceLayerNormTest, LastAxisWithScaleAndBias) {
  // Row [1, 2, 3]: mean 2, variance 2/3; epsilon 1/3 makes the divisor 1 -> [-1, 0, 1].
  // Row [2, 4, 6]: mean 4, variance 8/3; divisor sqrt(3) -> [-2, 0, 2] / sqrt(3).
  HostTensor x({2, 3}, {1, 2, 3, 2, 4, 6});
  HostTensor scale({3}, {1, 2, 3});
  HostTensor bias({3}, {0.5f, 0, -1});
  HostTensor y = Unwritten({2, 3});
  LayerNorm({.axis = -1, .epsilon = 1.0f / 3}, x, scale, &bias, y);
  const float r3 = std::sqrt(3.0f);
  ExpectValues(y, {-1 + 0.5f, 0, 3 - 1, -2 / r3 + 0.5f, 0, 3 * 2 / r3 - 1});
}

TEST(ReferenceLayerNormTest, SeveralTrailingDimsWithoutBias) {
  // axis 1 of [2, 2, 2]: each half of 0..7 is normalized on its own. Block 0..3: mean 1.5,
  // variance 1.25; block 4..7 the same shifted, so both normalize alike.
  HostTensor x({2, 2, 2}, Iota(8));
  HostTensor scale({2, 2}, {1, 1, 2, -1});
  HostTensor y = Unwritten({2, 2, 2});
  LayerNorm({.axis = 1, .epsilon = 0}, x, scale, nullptr, y);
  const float s = 1 / std::sqrt(1.25f);
  const std::vector<float> block{-1.5f * s, -0.5f * s, 2 * 0.5f * s, -1.5f * s};
  std::vector<float> expected = block;
  expected.insert(expected.end(), block.begin(), block.end());
  ExpectValues(y, expected);
}

}  // namespace
}  // namespace edgebench::backends::reference
