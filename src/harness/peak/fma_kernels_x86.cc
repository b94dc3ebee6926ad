#include "harness/peak/fma_kernels_x86.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace edgebench::harness::peak {

#if defined(__x86_64__) || defined(__i386__)
namespace {

// acc = acc * kScale + kOffset converges to kOffset / (1 - kScale) = 1.
constexpr float kScale = 0.9999f;
constexpr float kOffset = 1.0f - kScale;

// Chain counts: Zen and recent Intel cores retire two vector FMAs per cycle with a 4-5
// cycle latency, so at least 10 chains are needed; the count is what fits the register
// file beside the two constants (16 xmm/ymm registers, 32 zmm).
constexpr int kAvx512Chains = 16;
constexpr int kAvx2Chains = 12;
constexpr int kSse2Chains = 12;

// Each kernel is compiled for its own ISA; nothing here may be a lambda or a template
// instantiated elsewhere, which would not inherit the target attribute.
__attribute__((target("avx512f"))) float RunAvx512(int64_t rounds, float seed) {
  __m512 acc[kAvx512Chains];
  for (int c = 0; c < kAvx512Chains; ++c) acc[c] = _mm512_set1_ps(seed + 0.001f * c);
  const __m512 scale = _mm512_set1_ps(kScale);
  const __m512 offset = _mm512_set1_ps(kOffset);
  for (int64_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
    for (int c = 0; c < kAvx512Chains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], scale, offset);
  }
  for (int c = 1; c < kAvx512Chains; ++c) acc[0] = _mm512_add_ps(acc[0], acc[c]);
  // Not _mm512_reduce_add_ps: GCC 12's header trips -Wuninitialized in it.
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, acc[0]);
  float sum = 0;
  for (float lane : lanes) sum += lane;
  return sum;
}

__attribute__((target("avx2,fma"))) float RunAvx2Fma(int64_t rounds, float seed) {
  __m256 acc[kAvx2Chains];
  for (int c = 0; c < kAvx2Chains; ++c) acc[c] = _mm256_set1_ps(seed + 0.001f * c);
  const __m256 scale = _mm256_set1_ps(kScale);
  const __m256 offset = _mm256_set1_ps(kOffset);
  for (int64_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
    for (int c = 0; c < kAvx2Chains; ++c) acc[c] = _mm256_fmadd_ps(acc[c], scale, offset);
  }
  for (int c = 1; c < kAvx2Chains; ++c) acc[0] = _mm256_add_ps(acc[0], acc[c]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, acc[0]);
  float sum = 0;
  for (float lane : lanes) sum += lane;
  return sum;
}

__attribute__((target("sse2"))) float RunSse2(int64_t rounds, float seed) {
  __m128 acc[kSse2Chains];
  for (int c = 0; c < kSse2Chains; ++c) acc[c] = _mm_set1_ps(seed + 0.001f * c);
  const __m128 scale = _mm_set1_ps(kScale);
  const __m128 offset = _mm_set1_ps(kOffset);
  for (int64_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
    for (int c = 0; c < kSse2Chains; ++c) acc[c] = _mm_add_ps(_mm_mul_ps(acc[c], scale), offset);
  }
  for (int c = 1; c < kSse2Chains; ++c) acc[0] = _mm_add_ps(acc[0], acc[c]);
  alignas(16) float lanes[4];
  _mm_store_ps(lanes, acc[0]);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

}  // namespace

std::optional<FmaKernel> X86FmaKernel(FmaIsa isa) {
  switch (isa) {
    case FmaIsa::kAvx512:
      return FmaKernel{isa, 16, kAvx512Chains, "zmm", true, &RunAvx512};
    case FmaIsa::kAvx2Fma:
      return FmaKernel{isa, 8, kAvx2Chains, "ymm", true, &RunAvx2Fma};
    case FmaIsa::kSse2:
      return FmaKernel{isa, 4, kSse2Chains, "xmm", false, &RunSse2};
    case FmaIsa::kScalar:
    case FmaIsa::kNeon:
      return std::nullopt;
  }
  return std::nullopt;
}

#else

std::optional<FmaKernel> X86FmaKernel(FmaIsa) { return std::nullopt; }

#endif

}  // namespace edgebench::harness::peak
