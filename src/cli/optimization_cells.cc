#include "cli/optimization_cells.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "harness/tune_search.h"
#include "store/pooled_jobs.h"

namespace edgebench::cli {

using Cell = report::OptimizationCell;
using State = report::OptimizationCell::State;

std::map<std::string, harness::PooledJob> StoredJobs(const store::ResultsStore& store,
                                                     const std::set<std::string>& keys) {
  std::set<int64_t> tune_runs;
  for (const store::StoredTuneSearch& search : store.TuneSearches()) {
    tune_runs.insert(search.run_id);
  }
  std::map<std::string, int64_t> run_of;
  for (const store::StoredJob& job : store.Jobs(std::nullopt)) {
    if (tune_runs.contains(job.run_id)) continue;
    const std::string key = harness::ConfigKey(job.result.config);
    if (!keys.contains(key)) continue;
    const harness::JobStatus status = job.result.status;
    const bool final = (status == harness::JobStatus::kOk && job.result.summary.count > 0) ||
                       status == harness::JobStatus::kUnsupported ||
                       status == harness::JobStatus::kVerifyFailed;
    if (final) run_of[key] = std::max(run_of[key], job.run_id);
  }
  std::set<int64_t> runs;
  for (const auto& [key, run] : run_of) runs.insert(run);
  std::map<std::string, harness::PooledJob> found;
  for (int64_t run : runs) {
    for (harness::PooledJob& job : store::PooledJobs(store, run)) {
      const std::string key = harness::ConfigKey(job.config);
      const auto wanted = run_of.find(key);
      if (wanted != run_of.end() && wanted->second == run) found[key] = std::move(job);
    }
  }
  return found;
}

bool Measured(const harness::PooledJob& job) {
  return job.status == harness::JobStatus::kOk && job.pooled.summary.count > 0;
}

std::string FailureText(const harness::PooledJob& job) {
  for (const harness::JobResult& r : job.repetitions) {
    if (r.status != harness::JobStatus::kOk) {
      return fmt::format("{}: {}", harness::JobStatusName(r.status), r.error);
    }
  }
  return "no samples";
}

// The stored deviation of a lossy job: the graph passes' own figure over seeded inputs,
// else its verification against the reference engine.
void AddDeviation(const harness::PooledJob& job, Cell& cell) {
  for (const harness::JobResult& r : job.repetitions) {
    if (r.graph_passes && r.graph_passes->quality_inputs > 0) {
      cell.quality_inputs = r.graph_passes->quality_inputs;
      cell.rel_l2_mean = r.graph_passes->rel_l2_mean;
      cell.rel_l2_max = r.graph_passes->rel_l2_max;
      cell.top1 = r.graph_passes->top1_agreement;
      cell.top5 = r.graph_passes->top5_agreement;
      return;
    }
  }
  for (const harness::JobResult& r : job.repetitions) {
    if (r.verification) {
      cell.quality_inputs = 1;
      cell.from_verification = true;
      cell.rel_l2_mean = cell.rel_l2_max = r.verification->rel_l2_error;
      cell.top5 = r.verification->top5_agreement;
      return;
    }
  }
}

// A cell comparing `candidate` against `baseline` (speed-up = baseline / candidate).
Cell Compare(const harness::PooledJob* baseline, const harness::PooledJob* candidate,
             const std::string& missing_baseline) {
  Cell cell;
  if (!candidate) return {.state = State::kNotMeasured, .reason = "not in the database (--no-run)"};
  if (!Measured(*candidate)) {
    cell.state = candidate->status == harness::JobStatus::kUnsupported ? State::kUnsupported
                                                                       : State::kFailed;
    cell.reason = candidate->status == harness::JobStatus::kUnsupported
                      ? candidate->repetitions.front().error
                      : FailureText(*candidate);
    return cell;
  }
  if (!baseline || !Measured(*baseline)) {
    return {.state = State::kNotMeasured, .reason = missing_baseline};
  }
  cell.state = State::kMeasured;
  cell.speedup = harness::SpeedupOf(baseline->pooled.summary, candidate->pooled.summary);
  return cell;
}

// The auto-tuning cell: the latest tune search of the model that measured this backend.
Cell AutoTuningCell(const store::ResultsStore& store, const std::string& model,
                    const std::string& backend) {
  for (const store::StoredTuneSearch& search : store.TuneSearches(model)) {
    const store::StoredTuneTrial* best = nullptr;
    const store::StoredTuneTrial* baseline = nullptr;
    for (const store::StoredTuneTrial& t : search.trials) {
      if (t.config.backend != backend || t.samples == 0 || !std::isfinite(t.p50)) continue;
      if (harness::ConfigKey(t.config) == harness::ConfigKey(harness::DefaultConfigOf(t.config))) {
        baseline = &t;
      }
      // Furthest round reached first (0 = never dropped), then the lower median.
      const auto reach = [](const store::StoredTuneTrial& x) {
        return x.eliminated_in == 0 ? std::numeric_limits<int>::max() : x.eliminated_in;
      };
      if (!best || reach(t) > reach(*best) || (reach(t) == reach(*best) && t.p50 < best->p50)) {
        best = &t;
      }
    }
    if (!best) continue;
    if (!baseline) {
      return {.state = State::kNotMeasured,
              .reason =
                  fmt::format("tune run {} did not measure {}'s default", search.run_id, backend)};
    }
    const auto summary = [](const store::StoredTuneTrial& t) {
      harness::SampleSummary s;
      s.count = t.samples;
      s.p50 = t.p50;
      s.median_ci_low = t.median_ci_low;
      s.median_ci_high = t.median_ci_high;
      return s;
    };
    Cell cell{.state = State::kMeasured,
              .speedup = harness::SpeedupOf(summary(*baseline), summary(*best))};
    cell.detail =
        fmt::format("({}; tune run {})", harness::DescribeConfig(best->config), search.run_id);
    return cell;
  }
  return {.state = State::kNotMeasured,
          .reason = fmt::format("no tune search of {} on {}: `edgebench tune --model {} "
                                "--backends {}`",
                                model, backend, model, backend)};
}

}  // namespace edgebench::cli
