#include "harness/peak/fma_kernel.h"

#include <stdexcept>
#include <string>

#include "harness/peak/fma_kernels_x86.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace edgebench::harness::peak {
namespace {

// Same recurrence as the x86 kernels: converges to kOffset / (1 - kScale) = 1.
constexpr float kScale = 0.9999f;
constexpr float kOffset = 1.0f - kScale;

// Eight chains cover a 4-cycle latency on two scalar pipes. The project builds with
// -ffp-contract=off, so this is a multiply and an add, as the kernel says.
constexpr int kScalarChains = 8;

float RunScalar(int64_t rounds, float seed) {
  float acc[kScalarChains];
  for (int c = 0; c < kScalarChains; ++c) acc[c] = seed + 0.001f * c;
  for (int64_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 8
    for (int c = 0; c < kScalarChains; ++c) acc[c] = acc[c] * kScale + kOffset;
  }
  float sum = 0;
  for (float value : acc) sum += value;
  return sum;
}

#if defined(__aarch64__)
// 32 q registers: 16 chains cover 4-cycle latency x up to 4 FMA pipes (Neoverse V-class).
constexpr int kNeonChains = 16;

float RunNeon(int64_t rounds, float seed) {
  float32x4_t acc[kNeonChains];
  for (int c = 0; c < kNeonChains; ++c) acc[c] = vdupq_n_f32(seed + 0.001f * c);
  const float32x4_t scale = vdupq_n_f32(kScale);
  const float32x4_t offset = vdupq_n_f32(kOffset);
  for (int64_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
    for (int c = 0; c < kNeonChains; ++c) acc[c] = vfmaq_f32(offset, acc[c], scale);
  }
  for (int c = 1; c < kNeonChains; ++c) acc[0] = vaddq_f32(acc[0], acc[c]);
  return vaddvq_f32(acc[0]);
}
#endif

}  // namespace

FmaKernel FmaKernelFor(FmaIsa isa) {
  if (isa == FmaIsa::kScalar) {
    return FmaKernel{isa, 1, kScalarChains, "scalar", false, &RunScalar};
  }
#if defined(__aarch64__)
  if (isa == FmaIsa::kNeon) return FmaKernel{isa, 4, kNeonChains, "q", true, &RunNeon};
#endif
  if (auto kernel = X86FmaKernel(isa)) return *kernel;
  throw std::invalid_argument("this build has no " + std::string(FmaIsaName(isa)) + " FMA kernel");
}

}  // namespace edgebench::harness::peak
