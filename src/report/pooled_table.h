#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "harness/scheduler.h"
#include "report/table.h"

namespace edgebench::report {

/// One row per job (its worker processes pooled): p50 over every sample, the tail
/// percentiles the sample count supports ("—" otherwise), the median's CI, how far the
/// processes' own medians lie apart, the verdict, start-up and memory figures (medians
/// of the processes; peak RSS and footprint their maximum) and the verification.
Table PooledResultsTable(const std::vector<harness::PooledJob>& jobs);

/// The pooled jobs for exports: configuration, process count and medians, their spread,
/// the pooled summary (job field names, seconds) and, for each tail percentile withheld,
/// why ("p99": "needs at least 299 samples, has 40").
nlohmann::json PooledJobsJson(const std::vector<harness::PooledJob>& jobs);

}  // namespace edgebench::report
