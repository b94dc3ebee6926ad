#include "harness/peak/stream_kernels.h"

namespace edgebench::harness::peak {

void StreamCopy(float* __restrict dst, const float* __restrict src, size_t count) {
  for (size_t i = 0; i < count; ++i) dst[i] = src[i];
}

void StreamTriad(float* __restrict dst, const float* __restrict b, const float* __restrict c,
                 float scalar, size_t count) {
  for (size_t i = 0; i < count; ++i) dst[i] = b[i] + scalar * c[i];
}

}  // namespace edgebench::harness::peak
