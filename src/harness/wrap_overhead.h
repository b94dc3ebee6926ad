#pragma once

#include <array>
#include <string>
#include <vector>

#include "harness/paired_statistics.h"
#include "harness/scheduler.h"

namespace edgebench::harness {

/// What wrapping a job's workers (JobConfig::wrapper) cost, from a run that measured the
/// job both bare and wrapped (`run --compare-wrap`): repetition r of each forms a pair,
/// run back to back.
struct WrapOverhead {
  JobConfig bare;
  JobConfig wrapped;
  /// Pooled medians of every sample of each side (seconds).
  double bare_p50 = 0;
  double wrapped_p50 = 0;
  /// wrapped / bare latency: with two or more pairs, PairedRatio of the processes' own
  /// medians; with one, RatioOfIntervals of the pooled medians' CIs (`method` says which).
  PairedEstimate ratio;
  std::string method;
  /// The ratio's interval holds 1: the overhead cannot be told from noise.
  bool within_noise = false;
  /// wrapped - bare seconds of each start-up phase (PairedDifference over the pairs), in
  /// kStartupPhases order.
  std::array<PairedEstimate, 5> phases;
  /// Why there is no figure (a side failed or has no samples); empty when there is.
  std::string problem;
};

/// The start-up phases compared, as PhaseTimes names them.
inline constexpr std::array<const char*, 5> kStartupPhases = {"process_start", "library_load",
                                                              "model_load", "prepare", "first_run"};

/// One entry per wrapped job of `jobs` whose bare twin (the same configuration without a
/// wrapper) is there too, in the wrapped jobs' order.
std::vector<WrapOverhead> CompareWrapped(const std::vector<PooledJob>& jobs);

}  // namespace edgebench::harness
