#pragma once

// Index arithmetic shared by the reference kernels (internal to the reference engine).
// Everything is row-major: the last dim varies fastest.

#include <cstdint>
#include <span>
#include <vector>

#include "ir/shape.h"

namespace edgebench::backends::reference {

using Dims = std::vector<int64_t>;

/// Product of `dims`; 1 when empty.
inline int64_t Product(std::span<const int64_t> dims) {
  int64_t product = 1;
  for (int64_t d : dims) product *= d;
  return product;
}

/// Element strides of a row-major tensor of shape `dims`.
inline Dims RowMajorStrides(std::span<const int64_t> dims) {
  Dims strides(dims.size(), 1);
  for (size_t d = dims.size(); d-- > 1;) strides[d - 1] = strides[d] * dims[d];
  return strides;
}

inline int64_t Dot(std::span<const int64_t> a, std::span<const int64_t> b) {
  int64_t sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

/// True when some dim of the box [lo, hi) holds no position.
inline bool BoxIsEmpty(std::span<const int64_t> lo, std::span<const int64_t> hi) {
  for (size_t d = 0; d < lo.size(); ++d) {
    if (lo[d] >= hi[d]) return true;
  }
  return false;
}

/// Advances `index` to the next position of the box [lo, hi) in row-major order, so one
/// loop serves every rank. Start with index = lo on a non-empty box; returns false once
/// every position has been visited. A zero-dim box holds exactly one position.
inline bool NextInBox(std::span<int64_t> index, std::span<const int64_t> lo,
                      std::span<const int64_t> hi) {
  for (size_t d = index.size(); d-- > 0;) {
    if (++index[d] < hi[d]) return true;
    index[d] = lo[d];
  }
  return false;
}

/// NextInBox over [0, dims): walks every index of a tensor of shape `dims`.
inline bool NextIndex(std::span<int64_t> index, std::span<const int64_t> dims) {
  for (size_t d = index.size(); d-- > 0;) {
    if (++index[d] < dims[d]) return true;
    index[d] = 0;
  }
  return false;
}

/// Strides that read a tensor of shape `in` at the indices of the NumPy broadcast shape
/// `out` (trailing dims aligned): a missing or size-1 dim gets stride 0, so every output
/// index along it reads the same element. Throws ir::GraphError when `in` does not
/// broadcast to `out`.
Dims BroadcastStrides(const ir::Shape& in, const ir::Shape& out);

/// a + b and a * b, throwing ir::GraphError instead of overflowing, for sizes computed
/// from attributes (which a hostile model may set to anything).
int64_t CheckedAdd(int64_t a, int64_t b);
int64_t CheckedMul(int64_t a, int64_t b);

/// Throws ir::GraphError naming `what` unless `tensor_shape` equals `expected`.
void RequireShape(const char* what, const ir::Shape& tensor_shape, const ir::Shape& expected);

}  // namespace edgebench::backends::reference
