#pragma once

#include <string>
#include <vector>

#include "harness/job_result.h"

namespace edgebench::harness {

/// Splits "a,b,c" into items, dropping empty ones.
std::vector<std::string> SplitList(const std::string& text);

/// The jobs of a run: every model x every backend, in that order, sharing the options of
/// `base` (threads, affinity, precision, seed). `models` and `backends` are already
/// expanded ("all" resolved by the caller).
std::vector<JobConfig> PlanJobs(const std::vector<std::string>& models,
                                const std::vector<std::string>& backends, const JobConfig& base);

}  // namespace edgebench::harness
