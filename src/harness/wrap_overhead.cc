#include "harness/wrap_overhead.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <optional>

namespace edgebench::harness {
namespace {

double Phase(const PhaseTimes& phases, size_t index) {
  const std::array<double, 5> values = {phases.process_start, phases.library_load,
                                        phases.model_load, phases.prepare, phases.first_run};
  return values[index];
}

const JobResult* Measured(const PooledJob& job, int repetition) {
  for (const JobResult& r : job.repetitions) {
    if (r.repetition == repetition && r.status == JobStatus::kOk && r.summary.count > 0) return &r;
  }
  return nullptr;
}

WrapOverhead Compare(const PooledJob& bare, const PooledJob& wrapped) {
  WrapOverhead out{.bare = bare.config, .wrapped = wrapped.config};
  const SampleSummary& b = bare.pooled.summary;
  const SampleSummary& w = wrapped.pooled.summary;
  if (bare.status != JobStatus::kOk || wrapped.status != JobStatus::kOk || b.count == 0 ||
      w.count == 0) {
    out.problem = fmt::format("bare {}, wrapped {}: nothing to compare", JobStatusName(bare.status),
                              JobStatusName(wrapped.status));
    return out;
  }
  out.bare_p50 = b.p50;
  out.wrapped_p50 = w.p50;
  std::vector<std::pair<double, double>> medians;
  std::array<std::vector<std::pair<double, double>>, 5> phases;
  for (const JobResult& rep : bare.repetitions) {
    const JobResult* twin = Measured(wrapped, rep.repetition);
    if (twin == nullptr || rep.status != JobStatus::kOk || rep.summary.count == 0) continue;
    medians.emplace_back(rep.summary.p50, twin->summary.p50);
    for (size_t i = 0; i < phases.size(); ++i) {
      phases[i].emplace_back(Phase(rep.phases, i), Phase(twin->phases, i));
    }
  }
  out.ratio = PairedRatio(medians);
  if (out.ratio.pairs >= 2) {
    out.method = fmt::format("paired t over {} process pairs", out.ratio.pairs);
  } else {
    // One pair gives no spread to go by: each median's own interval bounds the ratio.
    out.ratio = RatioOfIntervals(b.p50, b.median_ci_low, b.median_ci_high, w.p50, w.median_ci_low,
                                 w.median_ci_high);
    out.method = "pooled medians' CIs (one process pair)";
  }
  out.within_noise = out.ratio.low <= 1 && 1 <= out.ratio.high;
  for (size_t i = 0; i < phases.size(); ++i) out.phases[i] = PairedDifference(phases[i]);
  return out;
}

}  // namespace

std::vector<WrapOverhead> CompareWrapped(const std::vector<PooledJob>& jobs) {
  std::map<std::string, const PooledJob*> bare;
  for (const PooledJob& job : jobs) {
    if (job.config.wrapper.empty()) bare[ConfigKey(job.config)] = &job;
  }
  std::vector<WrapOverhead> overheads;
  for (const PooledJob& job : jobs) {
    if (job.config.wrapper.empty()) continue;
    JobConfig twin = job.config;
    twin.wrapper.clear();
    const auto found = bare.find(ConfigKey(twin));
    if (found != bare.end()) overheads.push_back(Compare(*found->second, job));
  }
  return overheads;
}

}  // namespace edgebench::harness
