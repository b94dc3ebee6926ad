#include <gtest/gtest.h>

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
using testing::Irregular;
using testing::Unwritten;

TEST(ReferenceMatMulTest, MatrixByHand) {
  // [1 2 3]   [1 0]   [1+0+6  0+2+3]
  // [4 5 6] x [0 1] = [4+0+12 0+5+6]
  //           [2 1]
  HostTensor a({2, 3}, {1, 2, 3, 4, 5, 6});
  HostTensor b({3, 2}, {1, 0, 0, 1, 2, 1});
  HostTensor y = Unwritten({2, 2});
  MatMul(a, b, y);
  ExpectValues(y, {7, 5, 16, 11});
}

TEST(ReferenceMatMulTest, BatchDimsBroadcast) {
  // a [2, 1, 2, 3] against b [4, 3, 2]: batch [2, 1] x [4] broadcasts to [2, 4].
  HostTensor a({2, 1, 2, 3}, Irregular(12, 1));
  HostTensor b({4, 3, 2}, Irregular(24, 2));
  HostTensor y = Unwritten({2, 4, 2, 2});
  MatMul(a, b, y);
  std::vector<float> expected;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 4; ++j) {
      for (int m = 0; m < 2; ++m) {
        for (int n = 0; n < 2; ++n) {
          float sum = 0;
          for (int k = 0; k < 3; ++k) {
            sum += a.data[static_cast<size_t>(i * 6 + m * 3 + k)] *
                   b.data[static_cast<size_t>(j * 6 + k * 2 + n)];
          }
          expected.push_back(sum);
        }
      }
    }
  }
  ExpectValues(y, expected);
}

TEST(ReferenceMatMulTest, VectorOperandsArePromotedAndDropped) {
  HostTensor v({3}, {1, 2, 3});
  HostTensor m({3, 2}, {1, 0, 0, 1, 2, 1});
  // Row vector times matrix: [1+0+6, 0+2+3].
  HostTensor row = Unwritten({2});
  MatMul(v, m, row);
  ExpectValues(row, {7, 5});
  // Matrix times column vector: [1 2 3; 4 5 6] . [1 2 3] = [14, 32].
  HostTensor a({2, 3}, {1, 2, 3, 4, 5, 6});
  HostTensor column = Unwritten({2});
  MatMul(a, v, column);
  ExpectValues(column, {14, 32});
  // Dot product: a scalar.
  HostTensor dot = Unwritten({});
  MatMul(v, v, dot);
  ExpectValues(dot, {14});
  // A vector against a batch of matrices: [3] x [2, 3, 2] -> [2, 2].
  HostTensor batch({2, 3, 2}, {1, 0, 0, 1, 2, 1, 0, 0, 0, 0, 1, -1});
  HostTensor rows = Unwritten({2, 2});
  MatMul(v, batch, rows);
  ExpectValues(rows, {7, 5, 3, -3});
}

TEST(ReferenceMatMulTest, MismatchedInnerDimThrows) {
  HostTensor a({2, 3}, Iota(6));
  HostTensor b({2, 2}, Iota(4));
  HostTensor y = Unwritten({2, 2});
  EXPECT_THROW(MatMul(a, b, y), ir::GraphError);
}

TEST(ReferenceConvTransposeTest, StrideTwoByHand) {
  // [1 2] under taps [1 10 100] with stride 2: input 0 lands on 0..2, input 1 on 2..4.
  HostTensor x({1, 1, 1, 2}, {1, 2});
  HostTensor w({1, 1, 1, 3}, {1, 10, 100});
  ir::ConvTransposeAttrs attrs{.strides = {1, 2},
                               .pads_begin = {0, 0},
                               .pads_end = {0, 0},
                               .dilations = {1, 1},
                               .output_padding = {0, 0}};
  HostTensor y = Unwritten({1, 1, 1, 5});
  ConvTranspose(attrs, x, w, nullptr, y);
  ExpectValues(y, {1, 10, 102, 20, 200});
  // output_padding appends an extra position nothing lands on; a begin pad crops the first.
  attrs.output_padding = {0, 1};
  attrs.pads_begin = {0, 1};
  HostTensor padded = Unwritten({1, 1, 1, 5});
  ConvTranspose(attrs, x, w, nullptr, padded);
  ExpectValues(padded, {10, 102, 20, 200, 0});
  // Bias is added everywhere, including positions nothing lands on.
  HostTensor bias({1}, {0.5f});
  ConvTranspose(attrs, x, w, &bias, padded);
  ExpectValues(padded, {10.5f, 102.5f, 20.5f, 200.5f, 0.5f});
}

// Spatial geometry of a transposed convolution in three dims (a 2-D case is depth 1).
struct Geometry3d {
  int64_t stride[3], pad_begin[3], pad_end[3], dilation[3], output_padding[3];
};

// The textbook definition: every input element scatters x * w onto
// out = in * stride - pad_begin + tap * dilation. Written independently of the kernel,
// which gathers per output instead.
std::vector<float> ScatterConvTranspose(const Geometry3d& g, int64_t groups, const HostTensor& x,
                                        const HostTensor& w, const HostTensor* bias,
                                        const ir::Shape& out_shape) {
  const int64_t batch = x.shape[0], channels = x.shape[1];
  const int64_t out_per_group = w.shape[1], out_channels = out_per_group * groups;
  const int64_t in_per_group = channels / groups;
  const int64_t id = x.shape[2], ih = x.shape[3], iw = x.shape[4];
  const int64_t kd = w.shape[2], kh = w.shape[3], kw = w.shape[4];
  const int64_t od = out_shape[2], oh = out_shape[3], ow = out_shape[4];
  std::vector<float> y(static_cast<size_t>(batch * out_channels * od * oh * ow), 0.0f);
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t oc = 0; oc < out_channels; ++oc) {
      for (int64_t i = 0; i < od * oh * ow; ++i) {
        y[static_cast<size_t>((n * out_channels + oc) * od * oh * ow + i)] =
            bias != nullptr ? bias->data[static_cast<size_t>(oc)] : 0.0f;
      }
    }
  }
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t z = 0; z < id; ++z)
        for (int64_t r = 0; r < ih; ++r)
          for (int64_t s = 0; s < iw; ++s)
            for (int64_t q = 0; q < out_per_group; ++q)
              for (int64_t a = 0; a < kd; ++a)
                for (int64_t b = 0; b < kh; ++b)
                  for (int64_t e = 0; e < kw; ++e) {
                    const int64_t pz = z * g.stride[0] - g.pad_begin[0] + a * g.dilation[0];
                    const int64_t pr = r * g.stride[1] - g.pad_begin[1] + b * g.dilation[1];
                    const int64_t ps = s * g.stride[2] - g.pad_begin[2] + e * g.dilation[2];
                    if (pz < 0 || pz >= od || pr < 0 || pr >= oh || ps < 0 || ps >= ow) continue;
                    const int64_t oc = (c / in_per_group) * out_per_group + q;
                    const float xv = x.data[static_cast<size_t>(
                        (((n * channels + c) * id + z) * ih + r) * iw + s)];
                    const float wv = w.data[static_cast<size_t>(
                        (((c * out_per_group + q) * kd + a) * kh + b) * kw + e)];
                    y[static_cast<size_t>((((n * out_channels + oc) * od + pz) * oh + pr) * ow +
                                          ps)] += xv * wv;
                  }
  return y;
}

ir::Shape OutputShape(const Geometry3d& g, int64_t groups, const ir::Shape& x, const ir::Shape& w) {
  ir::Shape out{x[0], w[1] * groups};
  for (int d = 0; d < 3; ++d) {
    out.push_back((x[d + 2] - 1) * g.stride[d] - g.pad_begin[d] - g.pad_end[d] +
                  g.dilation[d] * (w[d + 2] - 1) + g.output_padding[d] + 1);
  }
  return out;
}

TEST(ReferenceConvTransposeTest, TwoDimensionalMatchesScatterDefinition) {
  // Groups 2 (4 input channels, 3 outputs per group), stride 2x3, dilation 2x1,
  // asymmetric pads, output_padding 1x2, bias; batch 2.
  const Geometry3d g{.stride = {1, 2, 3},
                     .pad_begin = {0, 1, 0},
                     .pad_end = {0, 0, 2},
                     .dilation = {1, 2, 1},
                     .output_padding = {0, 1, 2}};
  HostTensor x({2, 4, 3, 2}, Irregular(48, 1));
  HostTensor w({4, 3, 2, 3}, Irregular(72, 2));
  HostTensor bias({6}, {0.5f, -1, 2, 0, 0.25f, -0.75f});
  // The scatter works on [N, C, 1, H, W]; the data is the same.
  const ir::Shape out3d = OutputShape(g, 2, {2, 4, 1, 3, 2}, {4, 3, 1, 2, 3});
  // H: 2*2 - 1 - 0 + 2*1 + 1 + 1 = 7; W: 1*3 - 0 - 2 + 2 + 2 + 1 = 6.
  ASSERT_EQ(out3d, (ir::Shape{2, 6, 1, 7, 6}));
  const std::vector<float> expected = ScatterConvTranspose(
      g, 2, HostTensor({2, 4, 1, 3, 2}, x.data), HostTensor({4, 3, 1, 2, 3}, w.data), &bias, out3d);

  ir::ConvTransposeAttrs attrs{.strides = {2, 3},
                               .pads_begin = {1, 0},
                               .pads_end = {0, 2},
                               .dilations = {2, 1},
                               .output_padding = {1, 2},
                               .groups = 2};
  HostTensor y = Unwritten({2, 6, 7, 6});
  ConvTranspose(attrs, x, w, &bias, y);
  ExpectValues(y, expected);
}

TEST(ReferenceConvTransposeTest, ThreeDimensionalMatchesScatterDefinition) {
  const Geometry3d g{.stride = {2, 1, 2},
                     .pad_begin = {1, 0, 0},
                     .pad_end = {0, 1, 1},
                     .dilation = {1, 2, 1},
                     .output_padding = {1, 0, 0}};
  HostTensor x({1, 2, 2, 3, 2}, Irregular(24, 3));
  HostTensor w({2, 2, 2, 2, 2}, Irregular(32, 4));
  const ir::Shape out = OutputShape(g, 1, x.shape, w.shape);
  // D: 2 - 1 + 1 + 1 + 1 = 4; H: 2 - 1 + 2 + 1 = 4; W: 2 - 1 + 1 + 1 = 3.
  ASSERT_EQ(out, (ir::Shape{1, 2, 4, 4, 3}));
  ir::ConvTransposeAttrs attrs{.strides = {2, 1, 2},
                               .pads_begin = {1, 0, 0},
                               .pads_end = {0, 1, 1},
                               .dilations = {1, 2, 1},
                               .output_padding = {1, 0, 0}};
  HostTensor y = Unwritten(out);
  ConvTranspose(attrs, x, w, nullptr, y);
  ExpectValues(y, ScatterConvTranspose(g, 1, x, w, nullptr, out));
}

TEST(ReferenceConvTransposeTest, InconsistentOperandsThrow) {
  HostTensor x({1, 2, 2, 2}, Iota(8));
  HostTensor w({3, 1, 2, 2}, Iota(12));  // weight rows must equal input channels (2)
  ir::ConvTransposeAttrs attrs{.strides = {1, 1},
                               .pads_begin = {0, 0},
                               .pads_end = {0, 0},
                               .dilations = {1, 1},
                               .output_padding = {0, 0}};
  HostTensor y = Unwritten({1, 1, 3, 3});
  EXPECT_THROW(ConvTranspose(attrs, x, w, nullptr, y), ir::GraphError);
  HostTensor fitting({2, 1, 2, 2}, Iota(8));
  HostTensor wrong_size = Unwritten({1, 1, 4, 4});
  EXPECT_THROW(ConvTranspose(attrs, x, fitting, nullptr, wrong_size), ir::GraphError);
  // Absurd attributes: the output extent would overflow int64, or pads are negative.
  ir::ConvTransposeAttrs huge = attrs;
  huge.strides = {1, std::numeric_limits<int64_t>::max()};
  EXPECT_THROW(ConvTranspose(huge, x, fitting, nullptr, wrong_size), ir::GraphError);
  ir::ConvTransposeAttrs negative = attrs;
  negative.pads_begin = {-1, 0};
  EXPECT_THROW(ConvTranspose(negative, x, fitting, nullptr, wrong_size), ir::GraphError);
}

}  // namespace
}  // namespace edgebench::backends::reference
