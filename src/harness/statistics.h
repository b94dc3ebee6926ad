#pragma once

#include <cstdint>
#include <vector>

#include "harness/job_result.h"

namespace edgebench::harness {

/// What a set of steady-state samples must satisfy for its summary to be VALID.
struct ValidityRules {
  /// Fewer samples than this cannot support any claim about the distribution.
  int64_t min_samples = 10;
  /// Largest half-width of the 95 % confidence interval of the median, as a fraction of
  /// the median (0.01 = the median is known to within about +-1 %).
  double max_ci_half_width = 0.01;
  /// Largest relative difference between the medians of the first and the last third of
  /// the run (in run order); more means the machine changed state while measuring
  /// (thermal throttling, frequency scaling, a background job).
  double max_drift = 0.05;
  /// Largest relative spread (max - min) / pooled median of the per-process medians of one
  /// job. One process's CI describes that process, not the machine: processes that
  /// disagree by more than this are "unstable between processes". The run command sets
  /// it to the width of the CI the user asked for (2 x --target-ci).
  double max_process_spread = 0.02;
};

/// A job measured in several worker processes: every sample pooled, plus how far the
/// processes' own medians lie apart.
struct PooledSummary {
  SampleSummary summary;                // over all samples of every process
  std::vector<double> process_medians;  // one per process, in repetition order
  double process_spread = 0;            // (max - min) of process_medians / pooled p50
};

/// When the measurement loop may stop; see EnoughSamples.
struct StoppingRules {
  int64_t min_runs = 10;   // at least this many samples (and at least one)
  double min_time = 1.0;   // seconds of measuring, at least
  int64_t max_runs = 0;    // stop at this many samples; <= 0: no cap
  double max_time = 60.0;  // stop after this many seconds; <= 0: no cap
  /// Target half-width of the median's 95 % CI relative to the median; <= 0: no precision
  /// target, stop as soon as the minimums are met.
  double target_ci_half_width = 0.01;
};

/// The distribution-free confidence interval of the median, as ranks of order statistics.
///
/// The number B of samples below the true median is Binomial(n, 1/2) whatever the
/// distribution (continuous, i.i.d.), so [x(l), x(u)] covers the median with probability
/// P(l <= B < u). We take the symmetric interval u = n + 1 - l with the largest l whose
/// coverage 1 - 2 P(B <= l - 1) is still at least the confidence level; that l - 1 is the
/// binomial quantile, computed with Boost.Math. For n <= 5 even [x(1), x(n)] covers less than
/// 95 % (1 - 2^(1-n)); then the full range is returned with reaches_confidence = false.
struct MedianCiRanks {
  int64_t lower = 0;                // 1-based rank of the lower bound, x(lower)
  int64_t upper = 0;                // 1-based rank of the upper bound, x(upper)
  double coverage = 0;              // exact probability that the interval holds the median
  bool reaches_confidence = false;  // coverage >= the requested confidence
};

/// Ranks of the median's confidence interval for n samples; n must be positive.
MedianCiRanks MedianConfidenceRanks(int64_t n, double confidence = 0.95);

/// The q-quantile (0 <= q <= 1) of ascending `sorted` data, by linear interpolation between
/// order statistics: with h = (n - 1) q, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h])
/// (0-based). This is Hyndman & Fan's type 7, the default of numpy.percentile, R's quantile
/// and Excel's PERCENTILE.INC, so our numbers can be checked with any of them. Requires a
/// non-empty input.
double Quantile(const std::vector<double>& sorted, double q);

/// Whether n samples support reporting the q-quantile (0 < q < 1) as a tail figure: only
/// when the sample maximum is a one-sided 95 % upper confidence bound for it, i.e.
/// 1 - q^n >= 0.95, n >= ln 0.05 / ln q. That is n >= 29 for p90, 59 for p95 and 299 for
/// p99 (below it, "p99" would be an interpolation of the top two samples). The median
/// (q = 0.5) needs 5, and is always reported; its own CI rule judges it.
bool PercentileSupported(int64_t n, double q);

/// The smallest n for which PercentileSupported(n, q) holds (29 for p90, 299 for p99).
int64_t MinimumSamplesFor(double q);

/// Order statistics, moments, the median's 95 % CI and the validity verdict of `samples`
/// (finite latencies in run order; the order matters for the drift rule).
///
/// stddev is the sample standard deviation (divisor n - 1; 0 for n < 2) and cov is
/// stddev / mean. The verdict is VALID when every rule holds; otherwise verdict_reason
/// names each failed rule ("; "-separated) and recommendation says what to change. When no
/// 95 % interval exists (n <= 5) the full range is reported and that is a failed rule too.
/// p90/p95/p99 are NaN (withheld) when PercentileSupported says n is too small.
SampleSummary Summarize(const std::vector<double>& samples, const ValidityRules& rules = {});

/// Pools the samples of one job's worker processes (`processes[i]`: process i's samples in
/// run order). The summary covers all samples; the drift rule is applied within each
/// process (drift between processes is what the spread rule judges); and the verdict is
/// INVALID "unstable between processes" when process_spread > rules.max_process_spread.
/// Processes without samples are ignored. One process gives exactly Summarize's result.
PooledSummary PoolProcesses(const std::vector<std::vector<double>>& processes,
                            const ValidityRules& rules = {});

/// Whether the measurement loop should stop, given the samples so far and the seconds
/// spent measuring. True when max_runs or max_time is reached, or when min_runs and
/// min_time are both met and the median's 95 % CI half-width relative to the median is
/// within target_ci_half_width.
///
/// Called after every sample, so it must cost well under a microsecond: the O(1) limits
/// are checked first, and the O(n) CI (three std::nth_element selections on a reused
/// thread-local scratch copy) is computed only at checkpoints, counts that are multiples of
/// max(16, bit_floor(n) / 8). That is every 16 samples up to 255, then 8 checkpoints per
/// doubling: each sample pays for about 12 elements' worth of copying and selection at any
/// n, and the loop stops at most 12.5 % (or 16 samples) after the target was first met.
bool EnoughSamples(const std::vector<double>& samples, double elapsed_seconds,
                   const StoppingRules& rules);

}  // namespace edgebench::harness
