#pragma once

#include <cstdint>

#include "harness/peak/cpu_features.h"

namespace edgebench::harness::peak {

/// A loop that keeps the floating-point multiply-add units of one core busy: `chains`
/// independent accumulators (enough to cover FMA latency x the number of FMA pipes, so
/// no update waits on the previous one), each updated acc = acc * scale + offset per
/// round, which converges to a normal number (no denormal slow paths, no overflow).
struct FmaKernel {
  FmaIsa isa = FmaIsa::kScalar;
  int lanes = 1;                     // fp32 lanes per register
  int chains = 1;                    // independent accumulator registers
  const char* registers = "scalar";  // "zmm", "ymm", "xmm", "q" or "scalar"
  /// True: one fused multiply-add instruction per update; false: a multiply and an add
  /// (still 2 FLOPs per lane), for ISAs without FMA.
  bool fused = false;
  /// Runs `rounds` rounds of `chains` vector updates starting from `seed` (around 1), and
  /// returns the sum of every accumulator's lanes so the work cannot be optimised away.
  float (*run)(int64_t rounds, float seed) = nullptr;

  /// FLOPs of `rounds` rounds: 2 per lane per update (multiply and add).
  double Flops(int64_t rounds) const {
    return 2.0 * static_cast<double>(lanes) * chains * static_cast<double>(rounds);
  }
};

/// The kernel for `isa`. Throws std::invalid_argument when this build has no kernel for
/// it (e.g. avx512f on an ARM build); the caller checks CpuFeatures::CanRun first.
FmaKernel FmaKernelFor(FmaIsa isa);

}  // namespace edgebench::harness::peak
