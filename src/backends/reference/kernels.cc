#include "backends/reference/kernels.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "backends/reference/kernel_support.h"

namespace edgebench::backends::reference {
namespace {

// Spatial dims of an NCHW / NCDHW shape: everything after N and C.
Dims SpatialDims(const ir::Shape& shape) { return Dims(shape.begin() + 2, shape.end()); }

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }  // a >= 0, b > 0

// Output positions o in [0, out) whose input coordinate o * stride + offset lies in
// [0, in): the range is contiguous, so the conv inner loop needs no per-tap bounds test.
void ValidOutputRange(int64_t out, int64_t in, int64_t stride, int64_t offset, int64_t& lo,
                      int64_t& hi) {
  lo = offset >= 0 ? 0 : CeilDiv(-offset, stride);
  const int64_t last_in = in - 1 - offset;  // largest o * stride allowed
  hi = last_in < 0 ? 0 : std::min(out, last_in / stride + 1);
}

// The window of one pooling output along one spatial dim, in input coordinates.
struct PoolWindow {
  int64_t begin;  // may be negative (begin padding)
  int64_t end;    // may pass the input (end padding, ceil-mode overhang)
};

// Precomputed geometry shared by max and average pooling.
struct PoolGeometry {
  Dims in_dims;
  Dims out_dims;
  Dims in_strides;
  int64_t in_plane;
  int64_t out_plane;
  int64_t planes;  // N * C

  PoolGeometry(const HostTensor& x, const HostTensor& y)
      : in_dims(SpatialDims(x.shape)),
        out_dims(SpatialDims(y.shape)),
        in_strides(RowMajorStrides(in_dims)),
        in_plane(Product(in_dims)),
        out_plane(Product(out_dims)),
        planes(x.shape[0] * x.shape[1]) {}
};

PoolWindow WindowAt(const ir::PoolAttrs& attrs, size_t dim, int64_t out_index) {
  const int64_t begin = out_index * attrs.strides[dim] - attrs.pads_begin[dim];
  return {begin, begin + attrs.kernel[dim]};
}

// Visits every output position of a pooling op with the window clipped to the input:
// fn(out_offset, clipped_lo, clipped_hi, windows). Windows never end up empty because
// shape inference drops ceil-mode windows that start past the input and keeps padding
// below the kernel size.
template <typename Fn>
void ForEachPoolWindow(const ir::PoolAttrs& attrs, const PoolGeometry& geo, Fn&& fn) {
  const size_t rank = geo.in_dims.size();
  Dims out_index(rank, 0);
  const Dims zeros(rank, 0);
  Dims lo(rank), hi(rank);
  std::vector<PoolWindow> windows(rank);
  int64_t out_offset = 0;
  do {
    for (size_t d = 0; d < rank; ++d) {
      windows[d] = WindowAt(attrs, d, out_index[d]);
      lo[d] = std::max<int64_t>(windows[d].begin, 0);
      hi[d] = std::min(windows[d].end, geo.in_dims[d]);
    }
    fn(out_offset, lo, hi, windows);
    ++out_offset;
  } while (NextInBox(out_index, zeros, geo.out_dims));
}

}  // namespace

void Conv(const ir::ConvAttrs& attrs, const HostTensor& x, const HostTensor& weight,
          const HostTensor* bias, HostTensor& y) {
  const int64_t batch = x.shape[0];
  const int64_t in_channels = x.shape[1];
  const int64_t out_channels = y.shape[1];
  const int64_t groups = attrs.groups;
  const int64_t in_per_group = in_channels / groups;
  const int64_t out_per_group = out_channels / groups;

  const Dims in_dims = SpatialDims(x.shape);
  const Dims out_dims = SpatialDims(y.shape);
  const Dims kernel_dims = SpatialDims(weight.shape);
  const size_t rank = in_dims.size();
  const Dims in_strides = RowMajorStrides(in_dims);
  const Dims out_strides = RowMajorStrides(out_dims);
  const int64_t in_plane = Product(in_dims);
  const int64_t out_plane = Product(out_dims);
  const int64_t taps = Product(kernel_dims);
  const size_t last = rank - 1;
  const int64_t last_stride = attrs.strides[last];

  std::vector<double> acc(static_cast<size_t>(out_plane));
  // Per-tap geometry: input offset of output position 0 and the valid output range.
  Dims offset(rank), lo(rank), hi(rank), out_index(rank), tap(rank);
  const Dims tap_zeros(rank, 0);
  // The valid box is walked row by row: these views cover every dim but the innermost.
  const auto outer_index = std::span(out_index).first(last);
  const auto outer_lo = std::span(std::as_const(lo)).first(last);
  const auto outer_hi = std::span(std::as_const(hi)).first(last);
  const auto outer_out_strides = std::span(out_strides).first(last);
  const float* x_data = x.data.data();
  const float* w_data = weight.data.data();

  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t oc = 0; oc < out_channels; ++oc) {
      const int64_t group = oc / out_per_group;
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t ic = 0; ic < in_per_group; ++ic) {
        const float* x_plane = x_data + (n * in_channels + group * in_per_group + ic) * in_plane;
        const float* w_taps = w_data + (oc * in_per_group + ic) * taps;
        tap = tap_zeros;
        int64_t t = 0;
        do {
          const double w = w_taps[t++];
          for (size_t d = 0; d < rank; ++d) {
            offset[d] = tap[d] * attrs.dilations[d] - attrs.pads_begin[d];
            ValidOutputRange(out_dims[d], in_dims[d], attrs.strides[d], offset[d], lo[d], hi[d]);
          }
          // A tap whose every position falls in the padding adds nothing (`continue` in a
          // do-while still advances to the next tap).
          if (BoxIsEmpty(lo, hi)) continue;
          out_index = lo;
          do {
            const int64_t out_row = Dot(outer_index, outer_out_strides);
            int64_t in_row = 0;
            for (size_t d = 0; d < last; ++d) {
              in_row += (out_index[d] * attrs.strides[d] + offset[d]) * in_strides[d];
            }
            double* acc_row = acc.data() + out_row;
            const float* x_row = x_plane + in_row + offset[last];
            for (int64_t o = lo[last]; o < hi[last]; ++o) {
              acc_row[o] += w * static_cast<double>(x_row[o * last_stride]);
            }
          } while (NextInBox(outer_index, outer_lo, outer_hi));
        } while (NextInBox(tap, tap_zeros, kernel_dims));
      }
      const double b = bias != nullptr ? bias->data[static_cast<size_t>(oc)] : 0.0;
      float* y_plane = y.data.data() + (n * out_channels + oc) * out_plane;
      for (int64_t i = 0; i < out_plane; ++i) y_plane[i] = static_cast<float>(acc[i] + b);
    }
  }
}

void BatchNorm(float epsilon, const HostTensor& x, const HostTensor& scale, const HostTensor& bias,
               const HostTensor& mean, const HostTensor& variance, HostTensor& y) {
  const int64_t batch = x.shape[0];
  const int64_t channels = x.shape[1];
  const int64_t plane = Product(std::span(x.shape).subspan(2));
  for (int64_t c = 0; c < channels; ++c) {
    const auto ci = static_cast<size_t>(c);
    // Folding to one multiply-add in double keeps the oracle far more precise than any
    // f32 backend, whichever algebraic form that backend uses.
    const double inv_std = 1.0 / std::sqrt(static_cast<double>(variance.data[ci]) + epsilon);
    const double gain = scale.data[ci] * inv_std;
    const double m = mean.data[ci];
    const double b = bias.data[ci];
    for (int64_t n = 0; n < batch; ++n) {
      const int64_t base = (n * channels + c) * plane;
      for (int64_t i = base; i < base + plane; ++i) {
        const auto k = static_cast<size_t>(i);
        y.data[k] = static_cast<float>((x.data[k] - m) * gain + b);
      }
    }
  }
}

void Relu(const HostTensor& x, HostTensor& y) {
  for (size_t i = 0; i < x.data.size(); ++i) y.data[i] = x.data[i] > 0.0f ? x.data[i] : 0.0f;
}

void Relu6(const HostTensor& x, HostTensor& y) {
  for (size_t i = 0; i < x.data.size(); ++i) {
    y.data[i] = std::min(std::max(x.data[i], 0.0f), 6.0f);
  }
}

void LeakyRelu(float alpha, const HostTensor& x, HostTensor& y) {
  for (size_t i = 0; i < x.data.size(); ++i) {
    y.data[i] = x.data[i] >= 0.0f ? x.data[i] : alpha * x.data[i];
  }
}

void Sigmoid(const HostTensor& x, HostTensor& y) {
  for (size_t i = 0; i < x.data.size(); ++i) {
    // In double, exp(-x) overflows only to +inf, which still yields the right limit 0.
    y.data[i] = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(x.data[i]))));
  }
}

void Softmax(int64_t axis, const HostTensor& x, HostTensor& y) {
  const auto rank = static_cast<int64_t>(x.shape.size());
  if (axis < 0) axis += rank;
  const auto split = static_cast<size_t>(axis);
  const int64_t outer = Product(std::span(x.shape).first(split));
  const int64_t length = x.shape[split];
  const int64_t inner = Product(std::span(x.shape).subspan(split + 1));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const float* in = x.data.data() + o * length * inner + i;
      float* out = y.data.data() + o * length * inner + i;
      // Subtracting the max keeps every exponent <= 0, so nothing overflows.
      float max = in[0];
      for (int64_t k = 1; k < length; ++k) max = std::max(max, in[k * inner]);
      double sum = 0.0;
      for (int64_t k = 0; k < length; ++k) {
        sum += std::exp(static_cast<double>(in[k * inner]) - max);
      }
      for (int64_t k = 0; k < length; ++k) {
        out[k * inner] =
            static_cast<float>(std::exp(static_cast<double>(in[k * inner]) - max) / sum);
      }
    }
  }
}

void MaxPool(const ir::PoolAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const PoolGeometry geo(x, y);
  Dims index(geo.in_dims.size());
  const float* in = nullptr;
  float* out = nullptr;
  auto max_of_window = [&](int64_t out_offset, const Dims& lo, const Dims& hi,
                           const std::vector<PoolWindow>&) {
    float best = -std::numeric_limits<float>::infinity();
    index = lo;
    do {
      const float v = in[Dot(index, geo.in_strides)];
      // A NaN anywhere in the window wins, as in a NaN-propagating max reduction.
      if (v > best || std::isnan(v)) best = v;
      if (std::isnan(best)) break;
    } while (NextInBox(index, lo, hi));
    out[out_offset] = best;
  };
  for (int64_t p = 0; p < geo.planes; ++p) {
    in = x.data.data() + p * geo.in_plane;
    out = y.data.data() + p * geo.out_plane;
    ForEachPoolWindow(attrs, geo, max_of_window);
  }
}

void AvgPool(const ir::PoolAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const PoolGeometry geo(x, y);
  const size_t rank = geo.in_dims.size();
  Dims index(rank);
  const float* in = nullptr;
  float* out = nullptr;
  auto mean_of_window = [&](int64_t out_offset, const Dims& lo, const Dims& hi,
                            const std::vector<PoolWindow>& windows) {
    double sum = 0.0;
    index = lo;
    do {
      sum += in[Dot(index, geo.in_strides)];
    } while (NextInBox(index, lo, hi));
    int64_t divisor = 1;
    for (size_t d = 0; d < rank; ++d) {
      if (attrs.count_include_pad) {
        // Padding counts, but a ceil-mode overhang past the end padding does not.
        const int64_t padded_end = geo.in_dims[d] + attrs.pads_end[d];
        divisor *=
            std::min(windows[d].end, padded_end) - std::max(windows[d].begin, -attrs.pads_begin[d]);
      } else {
        divisor *= hi[d] - lo[d];
      }
    }
    out[out_offset] = static_cast<float>(sum / static_cast<double>(divisor));
  };
  for (int64_t p = 0; p < geo.planes; ++p) {
    in = x.data.data() + p * geo.in_plane;
    out = y.data.data() + p * geo.out_plane;
    ForEachPoolWindow(attrs, geo, mean_of_window);
  }
}

void GlobalAvgPool(const HostTensor& x, HostTensor& y) {
  const int64_t planes = x.shape[0] * x.shape[1];
  const int64_t plane = Product(std::span(x.shape).subspan(2));
  for (int64_t p = 0; p < planes; ++p) {
    const float* in = x.data.data() + p * plane;
    double sum = 0.0;
    for (int64_t i = 0; i < plane; ++i) sum += in[i];
    y.data[static_cast<size_t>(p)] = static_cast<float>(sum / static_cast<double>(plane));
  }
}

void FullyConnected(const HostTensor& x, const HostTensor& weight, const HostTensor* bias,
                    HostTensor& y) {
  const int64_t batch = x.shape[0];
  const int64_t features = x.shape[1];
  const int64_t outputs = weight.shape[0];
  for (int64_t n = 0; n < batch; ++n) {
    const float* in = x.data.data() + n * features;
    for (int64_t o = 0; o < outputs; ++o) {
      const float* w = weight.data.data() + o * features;
      double sum = bias != nullptr ? bias->data[static_cast<size_t>(o)] : 0.0;
      for (int64_t k = 0; k < features; ++k) {
        sum += static_cast<double>(in[k]) * static_cast<double>(w[k]);
      }
      y.data[static_cast<size_t>(n * outputs + o)] = static_cast<float>(sum);
    }
  }
}

void Concat(int64_t axis, const std::vector<const HostTensor*>& xs, HostTensor& y) {
  const auto rank = static_cast<int64_t>(y.shape.size());
  if (axis < 0) axis += rank;
  const auto split = static_cast<size_t>(axis);
  // Each input contributes one contiguous block of shape[axis] * inner per outer index.
  const int64_t outer = Product(std::span(y.shape).first(split));
  const int64_t inner = Product(std::span(y.shape).subspan(split + 1));
  float* out = y.data.data();
  for (int64_t o = 0; o < outer; ++o) {
    for (const HostTensor* x : xs) {
      const int64_t block = x->shape[split] * inner;
      const float* in = x->data.data() + o * block;
      out = std::copy(in, in + block, out);
    }
  }
}

void CopyData(const HostTensor& x, HostTensor& y) {
  std::copy(x.data.begin(), x.data.end(), y.data.begin());
}

void UpsampleNearest(const ir::UpsampleAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const Dims in_dims = SpatialDims(x.shape);
  const Dims out_dims = SpatialDims(y.shape);
  const Dims in_strides = RowMajorStrides(in_dims);
  const size_t rank = in_dims.size();
  const int64_t in_plane = Product(in_dims);
  const int64_t out_plane = Product(out_dims);
  const int64_t planes = x.shape[0] * x.shape[1];
  const Dims zeros(rank, 0);
  Dims index(rank);
  for (int64_t p = 0; p < planes; ++p) {
    const float* in = x.data.data() + p * in_plane;
    float* out = y.data.data() + p * out_plane;
    index = zeros;
    do {
      int64_t source = 0;
      for (size_t d = 0; d < rank; ++d) source += index[d] / attrs.scales[d] * in_strides[d];
      *out++ = in[source];
    } while (NextInBox(index, zeros, out_dims));
  }
}

void Lrn(const ir::LrnAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const int64_t batch = x.shape[0];
  const int64_t channels = x.shape[1];
  const int64_t plane = Product(std::span(x.shape).subspan(2));
  // ONNX window: (size - 1) / 2 channels below c and size / 2 above (equal for odd size).
  const int64_t below = (attrs.size - 1) / 2;
  const int64_t above = attrs.size / 2;
  const double alpha_over_size = static_cast<double>(attrs.alpha) / attrs.size;
  for (int64_t n = 0; n < batch; ++n) {
    const float* in = x.data.data() + n * channels * plane;
    float* out = y.data.data() + n * channels * plane;
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t first = std::max<int64_t>(c - below, 0);
      const int64_t last = std::min(c + above, channels - 1);
      for (int64_t i = 0; i < plane; ++i) {
        double sum = 0.0;
        for (int64_t k = first; k <= last; ++k) {
          const double v = in[k * plane + i];
          sum += v * v;
        }
        const double denom = std::pow(attrs.bias + alpha_over_size * sum, attrs.beta);
        out[c * plane + i] = static_cast<float>(in[c * plane + i] / denom);
      }
    }
  }
}

}  // namespace edgebench::backends::reference
