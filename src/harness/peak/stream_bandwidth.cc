#include "harness/peak/stream_bandwidth.h"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

#include "harness/peak/stream_kernels.h"

namespace edgebench::harness::peak {
namespace {

// STREAM's triad scalar; with b = 1 and c = 2 every triad result is exactly 7.
constexpr float kTriadScalar = 3.0f;
constexpr float kB = 1.0f, kC = 2.0f, kTriadResult = kB + kTriadScalar * kC;

// The ISA the loops are compiled for: the build's baseline.
const char* BaselineIsa() {
#if defined(__x86_64__)
  return "sse2";
#elif defined(__aarch64__)
  return "neon";
#else
  return "scalar";
#endif
}

}  // namespace

StreamBandwidth MeasureStreamBandwidth(int64_t array_bytes, const std::string& size_reason,
                                       int threads, const TrialPlan& plan) {
  const size_t total = static_cast<size_t>(array_bytes) / sizeof(float);
  struct Part {
    std::vector<float> a, b, c;
  };
  std::vector<Part> parts(threads);
  const auto prepare = [&](int thread) {
    const size_t count = total / threads + (static_cast<size_t>(thread) < total % threads);
    Part& part = parts[thread];
    part.a.assign(count, 0.0f);
    part.b.assign(count, kB);
    part.c.assign(count, kC);
  };
  const TeamKernel copy = [&](int thread, int64_t reps) {
    Part& part = parts[thread];
    for (int64_t r = 0; r < reps; ++r) StreamCopy(part.a.data(), part.b.data(), part.a.size());
  };
  const TeamKernel triad = [&](int thread, int64_t reps) {
    Part& part = parts[thread];
    for (int64_t r = 0; r < reps; ++r) {
      StreamTriad(part.a.data(), part.b.data(), part.c.data(), kTriadScalar, part.a.size());
    }
  };
  const std::vector<TeamTiming> timings = TimeOnTeam(threads, plan, prepare, {copy, triad});
  for (const Part& part : parts) {
    if (!part.a.empty() && (part.a.front() != kTriadResult || part.a.back() != kTriadResult)) {
      throw std::runtime_error("STREAM triad computed a wrong value");
    }
  }
  const double bytes = static_cast<double>(total * sizeof(float));
  const auto figure = [&](const char* what, const char* formula, int arrays_counted,
                          const TeamTiming& timing) {
    return PeakFigure{
        .what = what,
        .value =
            arrays_counted * bytes * static_cast<double>(timing.reps) / timing.BestSeconds() / 1e9,
        .unit = "GB/s",
        .threads = threads,
        .isa = BaselineIsa(),
        .method = fmt::format(
            "STREAM {} {} on fp32 arrays of {:g} MiB ({}) split among the threads, each part "
            "first-touched by its thread; {} x array bytes counted per pass (write-allocate "
            "traffic not counted), GB = 1e9 B; {}",
            what, formula, bytes / (1 << 20), size_reason, arrays_counted,
            DescribeTrials(timing, threads))};
  };
  return {figure("copy", "a[i] = b[i]", 2, timings[0]),
          figure("triad", "a[i] = b[i] + s * c[i]", 3, timings[1])};
}

}  // namespace edgebench::harness::peak
