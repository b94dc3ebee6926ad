#include "backends/reference/elementwise_kernels.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "backends/reference/kernel_support.h"
#include "ir/graph.h"
#include "ir/op_semantics.h"

namespace edgebench::backends::reference {
namespace {

// y[i] = op(a[broadcast i], b[broadcast i]) over every index of y, walking the output
// in row-major order and reading each input through its broadcast strides.
template <typename Op>
void Broadcast(const HostTensor& a, const HostTensor& b, HostTensor& y, Op op) {
  RequireShape("binary op output", y.shape, ir::BroadcastShapes(a.shape, b.shape));
  if (y.data.empty()) return;
  const Dims a_strides = BroadcastStrides(a.shape, y.shape);
  const Dims b_strides = BroadcastStrides(b.shape, y.shape);
  Dims index(y.shape.size(), 0);
  size_t out = 0;
  do {
    const double va = a.data[static_cast<size_t>(Dot(index, a_strides))];
    const double vb = b.data[static_cast<size_t>(Dot(index, b_strides))];
    y.data[out++] = static_cast<float>(op(va, vb));
  } while (NextIndex(index, y.shape));
}

template <typename Op>
void Map(const HostTensor& x, HostTensor& y, Op op) {
  if (y.data.size() != x.data.size()) {
    throw ir::GraphError(
        fmt::format("unary op output has {} elements, input {}", y.data.size(), x.data.size()));
  }
  for (size_t i = 0; i < x.data.size(); ++i) {
    y.data[i] = static_cast<float>(op(static_cast<double>(x.data[i])));
  }
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// NaN-propagating max/min: std::max alone would return its first argument on NaN.
double MaxOf(double a, double b) { return std::isnan(a) || std::isnan(b) ? kNaN : std::max(a, b); }
double MinOf(double a, double b) { return std::isnan(a) || std::isnan(b) ? kNaN : std::min(a, b); }

double Saturate01(double v) { return std::max(0.0, std::min(1.0, v)); }

}  // namespace

void Add(const HostTensor& a, const HostTensor& b, HostTensor& y) {
  Broadcast(a, b, y, [](double u, double v) { return u + v; });
}

void Sub(const HostTensor& a, const HostTensor& b, HostTensor& y) {
  Broadcast(a, b, y, [](double u, double v) { return u - v; });
}

void Mul(const HostTensor& a, const HostTensor& b, HostTensor& y) {
  Broadcast(a, b, y, [](double u, double v) { return u * v; });
}

void Div(const HostTensor& a, const HostTensor& b, HostTensor& y) {
  Broadcast(a, b, y, [](double u, double v) { return u / v; });
}

void Pow(const HostTensor& a, const HostTensor& b, HostTensor& y) {
  Broadcast(a, b, y, [](double u, double v) { return std::pow(u, v); });
}

void Maximum(const HostTensor& a, const HostTensor& b, HostTensor& y) { Broadcast(a, b, y, MaxOf); }

void Minimum(const HostTensor& a, const HostTensor& b, HostTensor& y) { Broadcast(a, b, y, MinOf); }

void HardSigmoid(const ir::HardSigmoidAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const double alpha = attrs.alpha;
  const double beta = attrs.beta;
  Map(x, y, [&](double v) { return std::isnan(v) ? v : Saturate01(alpha * v + beta); });
}

void HardSwish(const HostTensor& x, HostTensor& y) {
  Map(x, y, [](double v) { return std::isnan(v) ? v : v * Saturate01(v / 6.0 + 0.5); });
}

void Silu(const HostTensor& x, HostTensor& y) {
  // exp(-v) overflowing to +inf still gives the right limit, v / inf = -0.
  Map(x, y, [](double v) { return v / (1.0 + std::exp(-v)); });
}

void Tanh(const HostTensor& x, HostTensor& y) {
  Map(x, y, [](double v) { return std::tanh(v); });
}

void Exp(const HostTensor& x, HostTensor& y) {
  Map(x, y, [](double v) { return std::exp(v); });
}

void Log(const HostTensor& x, HostTensor& y) {
  Map(x, y, [](double v) { return std::log(v); });
}

void Sqrt(const HostTensor& x, HostTensor& y) {
  Map(x, y, [](double v) { return std::sqrt(v); });
}

void Abs(const HostTensor& x, HostTensor& y) {
  Map(x, y, [](double v) { return std::fabs(v); });
}

void Neg(const HostTensor& x, HostTensor& y) {
  Map(x, y, [](double v) { return -v; });
}

void Erf(const HostTensor& x, HostTensor& y) {
  Map(x, y, [](double v) { return std::erf(v); });
}

void Gelu(const ir::GeluAttrs& attrs, const HostTensor& x, HostTensor& y) {
  if (attrs.tanh_approximation) {
    const double k = std::sqrt(2.0 / std::numbers::pi);
    Map(x, y,
        [k](double v) { return 0.5 * v * (1.0 + std::tanh(k * (v + 0.044715 * v * v * v))); });
  } else {
    Map(x, y, [](double v) { return 0.5 * v * (1.0 + std::erf(v / std::numbers::sqrt2)); });
  }
}

void Clip(const ir::ClipAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const double lo = attrs.min;
  const double hi = attrs.max;
  Map(x, y, [lo, hi](double v) { return std::isnan(v) ? v : std::min(std::max(v, lo), hi); });
}

}  // namespace edgebench::backends::reference
