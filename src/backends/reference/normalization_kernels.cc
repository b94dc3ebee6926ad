#include "backends/reference/normalization_kernels.h"

#include <cmath>
#include <span>
#include <vector>

#include "backends/reference/kernel_support.h"
#include "ir/op_semantics.h"

namespace edgebench::backends::reference {
namespace {

// Element offsets into `param` for each position of the normalized block, in row-major
// order: the parameter read through its broadcast strides.
std::vector<size_t> ParameterOffsets(const HostTensor& param, const ir::Shape& block) {
  const Dims strides = BroadcastStrides(param.shape, block);
  std::vector<size_t> offsets;
  offsets.reserve(static_cast<size_t>(ir::ElementCount(block)));
  if (ir::ElementCount(block) == 0) return offsets;
  Dims index(block.size(), 0);
  do {
    offsets.push_back(static_cast<size_t>(Dot(index, strides)));
  } while (NextIndex(index, block));
  return offsets;
}

}  // namespace

void LayerNorm(const ir::LayerNormAttrs& attrs, const HostTensor& x, const HostTensor& scale,
               const HostTensor* bias, HostTensor& y) {
  RequireShape("layer norm output", y.shape, x.shape);
  const auto axis = static_cast<size_t>(ir::NormalizeAxis(attrs.axis, x.shape.size()));
  const ir::Shape block(x.shape.begin() + static_cast<int64_t>(axis), x.shape.end());
  const std::vector<size_t> scale_at = ParameterOffsets(scale, block);
  const std::vector<size_t> bias_at =
      bias != nullptr ? ParameterOffsets(*bias, block) : std::vector<size_t>{};
  const auto length = static_cast<size_t>(ir::ElementCount(block));
  const auto groups = static_cast<size_t>(Product(std::span(x.shape).first(axis)));
  for (size_t g = 0; g < groups && length > 0; ++g) {
    const float* in = x.data.data() + g * length;
    float* out = y.data.data() + g * length;
    double sum = 0.0;
    for (size_t i = 0; i < length; ++i) sum += in[i];
    const double mean = sum / static_cast<double>(length);
    // Two passes (mean first, then squared deviations) avoid the cancellation of
    // E[x^2] - E[x]^2.
    double squares = 0.0;
    for (size_t i = 0; i < length; ++i) squares += (in[i] - mean) * (in[i] - mean);
    const double inv_std = 1.0 / std::sqrt(squares / static_cast<double>(length) + attrs.epsilon);
    for (size_t i = 0; i < length; ++i) {
      double v = (in[i] - mean) * inv_std * scale.data[scale_at[i]];
      if (bias != nullptr) v += bias->data[bias_at[i]];
      out[i] = static_cast<float>(v);
    }
  }
}

}  // namespace edgebench::backends::reference
