#include "harness/peak/fma_throughput.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace edgebench::harness::peak {
namespace {

// One unit of work: long enough that the call and loop overhead vanish (12 chains x 4096
// rounds is ~25k cycles), short enough that calibration finds the count quickly.
constexpr int64_t kRoundsPerRep = 4096;

std::string IsaLabel(FmaIsa isa) {
  switch (isa) {
    case FmaIsa::kScalar:
      return "Scalar";
    case FmaIsa::kSse2:
      return "SSE2";
    case FmaIsa::kAvx2Fma:
      return "AVX2";
    case FmaIsa::kAvx512:
      return "AVX-512F";
    case FmaIsa::kNeon:
      return "NEON";
  }
  return "unknown";
}

}  // namespace

PeakFigure MeasureFmaThroughput(const FmaKernel& kernel, int threads, const TrialPlan& plan) {
  // One cache line per thread's result, so that writing it never slows a neighbour.
  struct alignas(64) Sum {
    double value = 0;
  };
  std::vector<Sum> sums(threads);
  const TeamKernel run = [&](int thread, int64_t reps) {
    sums[thread].value += kernel.run(reps * kRoundsPerRep, 1.0f + 0.01f * thread);
  };
  const TeamTiming timing = TimeOnTeam(threads, plan, [](int) {}, {run}).front();
  for (const Sum& sum : sums) {
    if (!std::isfinite(sum.value) || sum.value <= 0) {
      throw std::runtime_error(fmt::format("the FMA kernel returned {}", sum.value));
    }
  }
  const double flops = kernel.Flops(timing.reps * kRoundsPerRep) * threads;
  return {.what = "fma",
          .value = flops / timing.BestSeconds() / 1e9,
          .unit = "GFLOP/s",
          .threads = threads,
          .isa = std::string(FmaIsaName(kernel.isa)),
          .method = fmt::format(
              "{} {} on {}, {} independent accumulators per thread, 2 FLOP per lane per "
              "update; {}",
              IsaLabel(kernel.isa), kernel.fused ? "FMA" : "multiply + add",
              kernel.lanes == 1
                  ? std::string("scalar registers")
                  : fmt::format("{}-bit {} registers", kernel.lanes * 32, kernel.registers),
              kernel.chains, DescribeTrials(timing, threads))};
}

}  // namespace edgebench::harness::peak
