#include "harness/measure_loop.h"

#include <algorithm>

#include "harness/monotonic_clock.h"
#include "harness/statistics.h"

namespace edgebench::harness {

void MeasureSession(backends::Session& session, const MeasureOptions& options, JobResult& result) {
  const double warmup_start = MonotonicSeconds();
  for (int64_t i = 0;
       i < options.warmup_runs || MonotonicSeconds() - warmup_start < options.warmup_time; ++i) {
    backends::Status status = session.Run();
    if (!status.ok) {
      result.status = JobStatus::kFailed;
      result.error = "warm-up run failed: " + status.message;
      return;
    }
  }
  const StoppingRules rules{.min_runs = options.min_runs,
                            .min_time = options.min_time,
                            .max_runs = options.max_runs,
                            .max_time = options.max_time,
                            .target_ci_half_width = options.target_ci};
  result.samples.reserve(static_cast<size_t>(std::min<int64_t>(options.max_runs, 1 << 20)));
  const double start = MonotonicSeconds();
  result.measure_start_s = start;
  do {
    const double before = MonotonicSeconds();
    backends::Status status = session.Run();
    const double after = MonotonicSeconds();
    if (!status.ok) {
      result.status = JobStatus::kFailed;
      result.error = "run failed: " + status.message;
      return;
    }
    result.samples.push_back(after - before);
  } while (!EnoughSamples(result.samples, MonotonicSeconds() - start, rules));
  result.measure_end_s = MonotonicSeconds();
  result.status = JobStatus::kOk;
}

}  // namespace edgebench::harness
