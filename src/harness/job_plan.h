#pragma once

#include <string>
#include <vector>

#include "harness/job_result.h"

namespace edgebench::harness {

/// Splits "a,b,c" into items, dropping empty ones.
std::vector<std::string> SplitList(const std::string& text);

/// The toggle names of canonical (or any comma-separated) toggles text (JobConfig::toggles).
std::vector<std::string> ParseToggles(const std::string& text);

/// The jobs of a run: every model x every backend x every toggle set, in that order,
/// sharing the options of `base` (threads, affinity, precision, seed). `models` and
/// `backends` are already expanded ("all" resolved by the caller); `toggle_sets` holds
/// canonical JobConfig::toggles texts ("" = none), and an empty list means {""}. A precision
/// named in a toggle set (int8, fp16, bf16) becomes the job's precision (precision_toggles.h);
/// throws std::invalid_argument when a set names two.
std::vector<JobConfig> PlanJobs(const std::vector<std::string>& models,
                                const std::vector<std::string>& backends, const JobConfig& base,
                                const std::vector<std::string>& toggle_sets = {});

/// Every job started through `wrapper` (JobConfig::wrapper); with `compare`, every job
/// twice in a row, bare then wrapped (ScheduleOptions::variants = 2 keeps each pair
/// together). An empty `wrapper` leaves the jobs as they are.
std::vector<JobConfig> WrapJobs(const std::vector<JobConfig>& jobs, const std::string& wrapper,
                                bool compare);

}  // namespace edgebench::harness
