#pragma once

// The search behind `edgebench tune`: successive halving over backend x threads x
// precision x fusion x affinity, decided on the harness's own statistics (pooled medians
// and their 95 % confidence intervals).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/job_result.h"
#include "harness/speedup.h"
#include "harness/statistics.h"

namespace edgebench::harness {

/// The dimensions searched. Precisions and fusion are toggles (backends::Backend::Toggles):
/// a precision is "" (fp32, the default) or a precision toggle ("fp16", "bf16", "int8");
/// fusion off is the "no-fusion" toggle. Affinities are policies: "none" (unpinned) or
/// "compact" (pinned to the first `threads` of `cpus`).
struct TuneSpace {
  std::vector<std::string> backends;
  std::vector<int> threads = {1};
  std::vector<std::string> precisions = {""};
  std::vector<bool> fusion = {true};
  std::vector<std::string> affinities = {"none"};
  std::vector<int> cpus;  // CPUs "compact" pins to, in order
};

/// Every configuration of `space` for `base.model` (the other fields of `base` kept),
/// backends outermost. A compact affinity needing more CPUs than `space.cpus` has is
/// left out, and so is one that equals "none" on a machine pinning adds nothing to.
std::vector<JobConfig> TuneGrid(const TuneSpace& space, const JobConfig& base);

/// The configuration tune measures speed-ups against, on `config`'s backend and model:
/// fp32 (no precision toggle), 1 thread, the backend's fusion on, no other toggle, not
/// pinned -- what `edgebench run --backends B` runs when given no options.
JobConfig DefaultConfigOf(const JobConfig& config);

/// How the budget is spent.
struct TuneSettings {
  /// Timed inferences the halving rounds share: each round gets an equal part, split
  /// equally among the configurations it measures (successive halving's allocation).
  int64_t budget_runs = 2000;
  /// Share of a round's configurations that go on to the next (1/eta).
  double keep_fraction = 0.5;
  /// Fewest timed inferences per configuration per round (below 6 no median CI exists).
  int64_t min_runs = 10;
  ValidityRules rules;
};

/// One configuration's outcome in one round: its status and, when ok, the samples (in
/// seconds) of each worker process that measured it.
struct TrialMeasurement {
  JobStatus status = JobStatus::kOk;
  std::string error;
  std::vector<std::vector<double>> processes;
};

/// Measures `configs` (interleaved, in worker processes), `runs_each` timed inferences
/// each; returns one TrialMeasurement per config, in order. `round` counts from 1; the
/// confirmation round that follows the halving is numbered after it.
using MeasureRound = std::function<std::vector<TrialMeasurement>(
    const std::vector<JobConfig>& configs, int round, int64_t runs_each)>;

/// One configuration of the search.
struct TuneTrial {
  JobConfig config;
  /// kOk while it is (or was) measured; kUnsupported when refused before any measuring
  /// (its `error` says why); another status when a round's worker failed.
  JobStatus status = JobStatus::kOk;
  std::string error;
  int rounds = 0;         // rounds that measured it
  int eliminated_in = 0;  // the round after which it was dropped; 0 = never dropped
  std::string why_dropped;
  std::vector<std::vector<double>> processes;  // every round's samples
  PooledSummary pooled;                        // over every round
};

/// One round of the search.
struct TuneRound {
  int round = 0;
  int64_t runs_each = 0;
  std::vector<size_t> measured;  // trial indices
  std::vector<size_t> kept;      // trial indices going on (empty for the confirmation)
  bool confirmation = false;
};

/// The search's result.
struct TuneOutcome {
  std::vector<TuneTrial> trials;  // in grid order
  std::vector<TuneRound> rounds;
  std::optional<size_t> best;      // the fastest surviving configuration
  std::optional<size_t> baseline;  // DefaultConfigOf(best), when it is in the grid
  Speedup speedup;                 // of best over baseline
  /// Timed inferences the search measured (confirmation included), and what measuring
  /// every supported configuration as often as the winner was measured (as precisely)
  /// would have cost: the exhaustive grid at the winner's precision.
  int64_t measurements = 0;
  int64_t exhaustive_measurements = 0;
  std::string rationale;  // why the winner won, in a sentence or two
};

/// The trials of `grid`, all kOk (the caller marks refused ones unsupported).
std::vector<TuneTrial> TuneTrials(const std::vector<JobConfig>& grid);

/// Successive halving over the kOk `trials`. Each round measures the survivors with an
/// equal share of the round's budget (pooled with their earlier rounds), then drops every
/// one whose median CI lies wholly above the best's (clearly slower), and of the rest keeps
/// the fastest ceil(keep_fraction x n) by median. When one is left, it and its backend's
/// default are measured once more side by side (the confirmation round: half a round's
/// budget each, at least the last round's runs), and the speed-up is computed from their
/// pooled summaries.
TuneOutcome SuccessiveHalving(std::vector<TuneTrial> trials, const TuneSettings& settings,
                              const MeasureRound& measure);

/// A configuration in a line, e.g. "onednn, 4 threads, fp16, no fusion, pinned 0-3".
std::string DescribeConfig(const JobConfig& config);

}  // namespace edgebench::harness
