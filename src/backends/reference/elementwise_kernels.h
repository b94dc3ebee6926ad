#pragma once

// Reference kernels for the elementwise ops: binary ops with NumPy broadcasting and the
// unary activations / math functions. Each value is computed in double and rounded once
// to f32, so the oracle's error is at most half an f32 ulp of the exact result.
//
// As in kernels.h, `y` is already sized to the output shape. Binary kernels check that
// it is the broadcast of a's and b's shapes (ir::GraphError otherwise); unary kernels
// require y to hold as many elements as x.

#include "backends/host_tensor.h"
#include "ir/ops.h"

namespace edgebench::backends::reference {

/// a + b, NumPy broadcasting (trailing dims aligned, size-1 and missing dims stretch).
void Add(const HostTensor& a, const HostTensor& b, HostTensor& y);
/// a - b, broadcasting.
void Sub(const HostTensor& a, const HostTensor& b, HostTensor& y);
/// a * b, broadcasting.
void Mul(const HostTensor& a, const HostTensor& b, HostTensor& y);
/// a / b, broadcasting; IEEE results for a zero divisor (inf or NaN).
void Div(const HostTensor& a, const HostTensor& b, HostTensor& y);
/// a ^ b, broadcasting (std::pow: a negative base with a fractional exponent is NaN).
void Pow(const HostTensor& a, const HostTensor& b, HostTensor& y);
/// max(a, b), broadcasting; NaN in either operand gives NaN.
void Maximum(const HostTensor& a, const HostTensor& b, HostTensor& y);
/// min(a, b), broadcasting; NaN in either operand gives NaN.
void Minimum(const HostTensor& a, const HostTensor& b, HostTensor& y);

/// max(0, min(1, alpha * x + beta))
void HardSigmoid(const ir::HardSigmoidAttrs& attrs, const HostTensor& x, HostTensor& y);
/// x * max(0, min(1, x / 6 + 1 / 2))
void HardSwish(const HostTensor& x, HostTensor& y);
/// x * sigmoid(x)
void Silu(const HostTensor& x, HostTensor& y);
void Tanh(const HostTensor& x, HostTensor& y);
void Exp(const HostTensor& x, HostTensor& y);
/// Natural logarithm (NaN below 0, -inf at 0).
void Log(const HostTensor& x, HostTensor& y);
/// Square root (NaN below 0).
void Sqrt(const HostTensor& x, HostTensor& y);
void Abs(const HostTensor& x, HostTensor& y);
void Neg(const HostTensor& x, HostTensor& y);
/// Gauss error function.
void Erf(const HostTensor& x, HostTensor& y);
/// x * Phi(x): exact 0.5x(1 + erf(x / sqrt 2)), or with attrs.tanh_approximation
/// 0.5x(1 + tanh(sqrt(2 / pi)(x + 0.044715x^3))).
void Gelu(const ir::GeluAttrs& attrs, const HostTensor& x, HostTensor& y);
/// min(max(x, attrs.min), attrs.max); NaN stays NaN.
void Clip(const ir::ClipAttrs& attrs, const HostTensor& x, HostTensor& y);

}  // namespace edgebench::backends::reference
