#include "harness/peak/machine_peak.h"

#include <fmt/format.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "harness/peak/cache_size.h"
#include "harness/peak/cpu_features.h"
#include "harness/peak/fma_throughput.h"
#include "harness/peak/stream_bandwidth.h"

namespace edgebench::harness::peak {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kMinArrayBytes = 64 * kMiB;
constexpr int64_t kMaxDefaultArrayBytes = 256 * kMiB;
// STREAM's rule: each array at least four times the caches it could otherwise live in.
constexpr int64_t kCacheMultiple = 4;
constexpr int kMaxThreads = 1024;
constexpr int64_t kStreamArrays = 3;  // a, b and c of STREAM
// Default arrays take at most 3/8 of the physical memory together.
constexpr int64_t kMemoryFractionDivisor = 8;

FmaIsa ChooseIsa(const std::string& name, const CpuFeatures& features) {
  if (name.empty()) return features.Widest();
  const auto isa = ParseFmaIsa(name);
  if (!isa) {
    throw std::invalid_argument(
        fmt::format("unknown ISA '{}' (one of: scalar, sse2, avx2+fma, avx512f, neon)", name));
  }
  if (!features.CanRun(*isa)) {
    std::vector<std::string> runnable;
    for (FmaIsa candidate : features.runnable_isas) runnable.emplace_back(FmaIsaName(candidate));
    throw std::invalid_argument(fmt::format("this CPU cannot run the {} kernel (it can run: {})",
                                            name, fmt::join(runnable, ", ")));
  }
  return *isa;
}

// 0 when the system does not say.
int64_t PhysicalMemoryBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page_bytes = sysconf(_SC_PAGESIZE);
  return pages > 0 && page_bytes > 0 ? static_cast<int64_t>(pages) * page_bytes : 0;
}

void CheckOptions(const PeakOptions& options) {
  if (options.threads < 0 || options.threads > kMaxThreads) {
    throw std::invalid_argument(
        fmt::format("threads must be 0 (all CPUs) to {}, not {}", kMaxThreads, options.threads));
  }
  if (options.trials < 1 || options.trials > 1000) {
    throw std::invalid_argument(fmt::format("trials must be 1 to 1000, not {}", options.trials));
  }
  if (!std::isfinite(options.trial_seconds) || options.trial_seconds < 0.001 ||
      options.trial_seconds > 10) {
    throw std::invalid_argument(
        fmt::format("trial seconds must be 0.001 to 10, not {}", options.trial_seconds));
  }
  if (options.array_bytes != 0 && options.array_bytes < kMiB) {
    throw std::invalid_argument(
        fmt::format("array bytes must be at least 1 MiB, not {}", options.array_bytes));
  }
  // Refused up front: with overcommit the allocation would succeed and the first touch
  // would bring in the OOM killer instead of an error.
  const int64_t memory = PhysicalMemoryBytes();
  if (memory > 0 && options.array_bytes > memory / 2 / kStreamArrays) {
    throw std::invalid_argument(
        fmt::format("{} arrays of {} MiB would take more than half of this machine's {} MiB",
                    kStreamArrays, options.array_bytes / kMiB, memory / kMiB));
  }
}

}  // namespace

int DefaultPeakThreads() {
  cpu_set_t mask;
  if (sched_getaffinity(0, sizeof(mask), &mask) == 0 && CPU_COUNT(&mask) > 0) {
    return CPU_COUNT(&mask);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

MachinePeak MeasureMachinePeak(const PeakOptions& options) {
  CheckOptions(options);
  const CpuFeatures features = DetectCpuFeatures();
  const FmaKernel kernel = FmaKernelFor(ChooseIsa(options.isa, features));
  const TrialPlan plan{options.trials, options.trial_seconds};

  MachinePeak peak;
  peak.isa = std::string(FmaIsaName(kernel.isa));
  peak.cpu_flags = features.flags;
  peak.threads_all = options.threads > 0 ? options.threads : DefaultPeakThreads();
  peak.trials = plan.trials;
  peak.trial_seconds = plan.trial_seconds;
  const auto cache = DetectLastLevelCache();
  peak.llc_bytes = cache ? cache->TotalBytes() : 0;
  std::string size_reason;
  if (options.array_bytes > 0) {
    peak.array_bytes = options.array_bytes;
    size_reason = "as asked";
    if (cache && options.array_bytes < kCacheMultiple * peak.llc_bytes) {
      size_reason += fmt::format("; under 4 x the {} MiB L{} cache, so partly cached",
                                 peak.llc_bytes / kMiB, cache->level);
    }
  } else if (cache) {
    peak.array_bytes =
        std::clamp(kCacheMultiple * peak.llc_bytes, kMinArrayBytes, kMaxDefaultArrayBytes);
    size_reason = fmt::format("4 x {} MiB L{} cache, within [64, 256] MiB", peak.llc_bytes / kMiB,
                              cache->level);
  } else {
    peak.array_bytes = kMinArrayBytes;
    size_reason = "cache size unknown";
  }
  // A board with little memory (the edge devices this tool is for) keeps most of it.
  const int64_t memory_cap = PhysicalMemoryBytes() / kMemoryFractionDivisor;
  if (options.array_bytes == 0 && memory_cap >= kMiB && peak.array_bytes > memory_cap) {
    peak.array_bytes = memory_cap / kMiB * kMiB;
    size_reason += fmt::format("; cut to 1/{} of the memory", kMemoryFractionDivisor);
  }

  const PeakFigure fma_1t = MeasureFmaThroughput(kernel, 1, plan);
  const StreamBandwidth stream_1t = MeasureStreamBandwidth(peak.array_bytes, size_reason, 1, plan);
  PeakFigure fma_all = fma_1t;
  StreamBandwidth stream_all = stream_1t;
  if (peak.threads_all > 1) {
    fma_all = MeasureFmaThroughput(kernel, peak.threads_all, plan);
    stream_all = MeasureStreamBandwidth(peak.array_bytes, size_reason, peak.threads_all, plan);
  }
  const PeakFigure &copy_1t = stream_1t.copy, &triad_1t = stream_1t.triad;
  const PeakFigure &copy_all = stream_all.copy, &triad_all = stream_all.triad;
  peak.fma_gflops_1t = fma_1t.value;
  peak.fma_gflops_all = fma_all.value;
  peak.bw_copy_gbs_1t = copy_1t.value;
  peak.bw_copy_gbs_all = copy_all.value;
  peak.bw_triad_gbs_1t = triad_1t.value;
  peak.bw_triad_gbs_all = triad_all.value;
  if (peak.threads_all > 1) {
    peak.figures = {fma_1t, fma_all, copy_1t, copy_all, triad_1t, triad_all};
  } else {
    peak.figures = {fma_1t, copy_1t, triad_1t};
  }
  return peak;
}

}  // namespace edgebench::harness::peak
