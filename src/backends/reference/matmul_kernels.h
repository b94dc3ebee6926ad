#pragma once

// Reference kernel for kMatMul (NumPy matmul semantics). Products accumulate in double.

#include "backends/host_tensor.h"

namespace edgebench::backends::reference {

/// y[..., m, n] = sum_k a[..., m, k] * b[..., k, n]. The leading (batch) dims of a and b
/// broadcast NumPy-style. A 1-D a is a row vector [1, K] and a 1-D b a column vector
/// [K, 1], and that promoted dim is dropped from the output again. `y` is already sized;
/// a mismatched K, unbroadcastable batch dims, a 0-D operand or a wrongly sized y throw
/// ir::GraphError.
void MatMul(const HostTensor& a, const HostTensor& b, HostTensor& y);

}  // namespace edgebench::backends::reference
