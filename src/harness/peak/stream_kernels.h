#pragma once

#include <cstddef>

namespace edgebench::harness::peak {

// STREAM's copy and triad on fp32 arrays (McCalpin, "Memory Bandwidth and Machine
// Balance", 1995). Out of line and built with loop-to-memcpy rewriting off (see
// CMakeLists.txt): a libc memcpy may use non-temporal stores, which would measure a
// different, write-allocate-free copy than the plain loop STREAM specifies.

/// dst[i] = src[i] for i < count. Moves 2 x count x 4 bytes as STREAM counts them.
void StreamCopy(float* dst, const float* src, size_t count);

/// dst[i] = b[i] + scalar * c[i] for i < count. Moves 3 x count x 4 bytes as STREAM counts.
void StreamTriad(float* dst, const float* b, const float* c, float scalar, size_t count);

}  // namespace edgebench::harness::peak
