#include <gtest/gtest.h>

#include <cmath>
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

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(ReferenceBroadcastTest, SameShapesAddElementwise) {
  HostTensor a({2, 2}, {1, 2, 3, 4});
  HostTensor b({2, 2}, {10, 20, 30, 40});
  HostTensor y = Unwritten({2, 2});
  Add(a, b, y);
  ExpectValues(y, {11, 22, 33, 44});
}

TEST(ReferenceBroadcastTest, ScalarStretchesOverEveryElement) {
  HostTensor a({2, 3}, Iota(6));
  HostTensor scalar({}, {10});
  HostTensor y = Unwritten({2, 3});
  Sub(a, scalar, y);
  ExpectValues(y, {-10, -9, -8, -7, -6, -5});
  // The scalar on the left: 10 - a.
  Sub(scalar, a, y);
  ExpectValues(y, {10, 9, 8, 7, 6, 5});
}

TEST(ReferenceBroadcastTest, PerChannelConstantAgainstNchw) {
  // x [1, 2, 2, 2] = 0..7 times a [2, 1, 1] channel factor (2 for c0, -1 for c1).
  HostTensor x({1, 2, 2, 2}, Iota(8));
  HostTensor factor({2, 1, 1}, {2, -1});
  HostTensor y = Unwritten({1, 2, 2, 2});
  Mul(x, factor, y);
  ExpectValues(y, {0, 2, 4, 6, -4, -5, -6, -7});
  // Commutes when the constant comes first.
  Mul(factor, x, y);
  ExpectValues(y, {0, 2, 4, 6, -4, -5, -6, -7});
}

TEST(ReferenceBroadcastTest, BothOperandsStretch) {
  // [2, 1] - [1, 3]: y[i][j] = a[i] - b[j].
  HostTensor a({2, 1}, {10, 20});
  HostTensor b({1, 3}, {1, 2, 3});
  HostTensor y = Unwritten({2, 3});
  Sub(a, b, y);
  ExpectValues(y, {9, 8, 7, 19, 18, 17});
  // A lower-rank operand aligns with the trailing dims: [3] against [2, 1].
  HostTensor row({3}, {1, 2, 3});
  Add(a, row, y);
  ExpectValues(y, {11, 12, 13, 21, 22, 23});
}

TEST(ReferenceBroadcastTest, IncompatibleShapesOrWrongOutputThrow) {
  HostTensor a({2, 3}, Iota(6));
  HostTensor b({2, 2}, Iota(4));
  HostTensor y = Unwritten({2, 3});
  EXPECT_THROW(Add(a, b, y), ir::GraphError);
  HostTensor c({3}, Iota(3));
  HostTensor wrong = Unwritten({3, 2});
  EXPECT_THROW(Mul(a, c, wrong), ir::GraphError);
}

TEST(ReferenceBinaryTest, DivPowMaximumMinimum) {
  HostTensor a({4}, {1, -3, 2, 0});
  HostTensor b({4}, {4, 2, 0, 0});
  HostTensor y = Unwritten({4});
  Div(a, b, y);
  ExpectValues(y, {0.25f, -1.5f, kInf, kNaN});

  HostTensor base({4}, {2, 9, -8, 2});
  HostTensor exponent({4}, {3, 0.5f, 1.0f / 3.0f, -1});
  Pow(base, exponent, y);
  // A negative base with a fractional exponent has no real power.
  ExpectValues(y, {8, 3, kNaN, 0.5f});

  HostTensor p({4}, {1, -2, kNaN, 5});
  HostTensor q({4}, {3, -4, 1, kNaN});
  Maximum(p, q, y);
  ExpectValues(y, {3, -2, kNaN, kNaN});
  Minimum(p, q, y);
  ExpectValues(y, {1, -4, kNaN, kNaN});
  // Max against a scalar is a ReLU-like floor.
  HostTensor zero({}, {0});
  HostTensor z = Unwritten({4});
  Maximum(a, zero, z);
  ExpectValues(z, {1, 0, 2, 0});
}

TEST(ReferenceUnaryTest, HardSigmoidAndHardSwish) {
  HostTensor x({5}, {-4, -1, 0, 1, 4});
  HostTensor y = Unwritten({5});
  // alpha 0.2, beta 0.5: -0.3 -> 0, 0.3, 0.5, 0.7, 1.3 -> 1.
  HardSigmoid({.alpha = 0.2f, .beta = 0.5f}, x, y);
  ExpectValues(y, {0, 0.3f, 0.5f, 0.7f, 1});
  // x * clamp(x / 6 + 1/2): -4 * 0, -1 * 1/3, 0, 1 * 2/3, 4 * 1.
  HardSwish(x, y);
  ExpectValues(y, {0, -1.0f / 3.0f, 0, 2.0f / 3.0f, 4});
}

TEST(ReferenceUnaryTest, SiluTanhExpLog) {
  HostTensor x({3}, {-2, 0, 1});
  HostTensor y = Unwritten({3});
  // x / (1 + e^-x): -2 / (1 + e^2) and 1 / (1 + e^-1).
  Silu(x, y);
  ExpectValues(y, {-0.2384058440f, 0, 0.7310585786f});
  HostTensor half({3}, {-0.5f, 0, 0.5f});
  Tanh(half, y);
  ExpectValues(y, {-0.4621171573f, 0, 0.4621171573f});
  HostTensor small({3}, {0, 1, -1});
  Exp(small, y);
  ExpectValues(y, {1, 2.7182818285f, 0.3678794412f});
  HostTensor positive({4}, {1, 0.5f, 0, -1});
  HostTensor logs = Unwritten({4});
  Log(positive, logs);
  ExpectValues(logs, {0, -0.6931471806f, -kInf, kNaN});
}

TEST(ReferenceUnaryTest, SqrtAbsNeg) {
  HostTensor x({4}, {4, 2, 0, -1});
  HostTensor y = Unwritten({4});
  Sqrt(x, y);
  ExpectValues(y, {2, 1.4142135624f, 0, kNaN});
  Abs(x, y);
  ExpectValues(y, {4, 2, 0, 1});
  Neg(x, y);
  ExpectValues(y, {-4, -2, 0, 1});
}

TEST(ReferenceUnaryTest, ErfMatchesTabulatedValues) {
  HostTensor x({5}, {0, 0.5f, 1, -2, 6});
  HostTensor y = Unwritten({5});
  Erf(x, y);
  // Abramowitz & Stegun table 7.1; erf(6) is 1 to far below f32 precision.
  ExpectValues(y, {0, 0.5204998778f, 0.8427007929f, -0.9953222650f, 1}, 1e-6f);
}

TEST(ReferenceUnaryTest, GeluExactAndTanhForms) {
  HostTensor x({5}, {-1, 0, 0.5f, 1, 2});
  HostTensor y = Unwritten({5});
  // Exact: x * Phi(x) with the standard normal CDF Phi(-1) = 0.1586552539,
  // Phi(0.5) = 0.6914624613, Phi(1) = 0.8413447461, Phi(2) = 0.9772498681.
  Gelu({.tanh_approximation = false}, x, y);
  ExpectValues(y, {-0.1586552539f, 0, 0.3457312306f, 0.8413447461f, 1.9544997361f}, 1e-6f);
  // Tanh form, evaluated independently (Python math) from
  // 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))); visibly different from the exact form.
  Gelu({.tanh_approximation = true}, x, y);
  ExpectValues(y, {-0.1588080094f, 0, 0.3457140098f, 0.8411919906f, 1.9545976941f}, 1e-6f);
}

TEST(ReferenceUnaryTest, ClipBoundsAndNaN) {
  HostTensor x({5}, {-5, -1, 0.5f, 3, kNaN});
  HostTensor y = Unwritten({5});
  Clip({.min = -1, .max = 2}, x, y);
  ExpectValues(y, {-1, -1, 0.5f, 2, kNaN});
  // Default bounds are infinite: nothing changes.
  Clip(ir::ClipAttrs{}, x, y);
  ExpectValues(y, {-5, -1, 0.5f, 3, kNaN});
  // Only an upper bound (Relu6-like without the floor).
  Clip({.min = -kInf, .max = 0}, x, y);
  ExpectValues(y, {-5, -1, 0, 0, kNaN});
}

TEST(ReferenceUnaryTest, OutputOfAnotherSizeThrows) {
  HostTensor x({3}, {1, 2, 3});
  HostTensor y = Unwritten({2});
  EXPECT_THROW(Exp(x, y), ir::GraphError);
}

}  // namespace
}  // namespace edgebench::backends::reference
