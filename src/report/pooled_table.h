#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "harness/peak/machine_peak.h"
#include "harness/scheduler.h"
#include "report/table.h"

namespace edgebench::report {

/// One row per job (its worker processes pooled): p50 over every sample, the tail
/// percentiles the sample count supports ("—" otherwise), the median's CI, how far the
/// processes' own medians lie apart, the verdict, start-up and memory figures (medians
/// of the processes; peak RSS and footprint their maximum), the achieved GFLOP/s with its
/// share of the machine's FMA `peak` (when one was stored) and arithmetic intensity
/// (roofline.h), and the verification.
Table PooledResultsTable(const std::vector<harness::PooledJob>& jobs,
                         const std::optional<harness::peak::MachinePeak>& peak = std::nullopt);

/// The model's cost as the job's repetitions recorded it (the first that loaded the model).
struct JobCost {
  int64_t macs = 0;
  int64_t bytes = 0;
};
JobCost CostOf(const harness::PooledJob& job);

/// The pooled jobs for exports: configuration, process count and medians, their spread,
/// the pooled summary (job field names, seconds) and, for each tail percentile withheld,
/// why ("p99": "needs at least 299 samples, has 40").
nlohmann::json PooledJobsJson(const std::vector<harness::PooledJob>& jobs,
                              const std::optional<harness::peak::MachinePeak>& peak = std::nullopt);

}  // namespace edgebench::report
