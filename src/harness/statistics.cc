#include "harness/statistics.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <numeric>
#include <string>

namespace edgebench::harness {
namespace {

// integer_round_down makes quantile() return a rank whose CDF does not exceed the tail
// probability, which is what a conservative interval needs. promote_double<false> keeps the
// arithmetic in double: the default long double promotion made each quantile ~5x slower
// (~5 us), too slow for the per-sample stopping check, for precision a rank cannot use.
using BinomialPolicy = boost::math::policies::policy<
    boost::math::policies::discrete_quantile<boost::math::policies::integer_round_down>,
    boost::math::policies::promote_double<false>>;
using Binomial = boost::math::binomial_distribution<double, BinomialPolicy>;

// x relative to ref, for positive quantities such as latencies; a zero reference makes any
// non-zero x infinitely large rather than dividing by zero.
double Relative(double x, double ref) {
  if (ref > 0) return x / ref;
  return x == 0 ? 0 : std::numeric_limits<double>::infinity();
}

// The type-7 interpolation shared by Quantile and the nth_element path, so both give
// bit-identical medians.
double Interpolate(double below, double above, double fraction) {
  return below + fraction * (above - below);
}

// Median of samples[begin, end) in run order (the drift rule compares thirds of the run).
double MedianOf(const std::vector<double>& samples, size_t begin, size_t end) {
  std::vector<double> part(samples.begin() + begin, samples.begin() + end);
  std::sort(part.begin(), part.end());
  return Quantile(part, 0.5);
}

// Relative difference between the medians of the first and the last third of the run;
// 0 when there are too few samples to have thirds.
double RunDrift(const std::vector<double>& samples) {
  const size_t third = samples.size() / 3;
  if (third == 0) return 0;
  const double first = MedianOf(samples, 0, third);
  const double last = MedianOf(samples, samples.size() - third, samples.size());
  return Relative(std::abs(last - first), first);
}

// Moves the order statistics at the ascending 0-based indices into place, each selection
// searching only to the right of the previous one.
void SelectOrderStatistics(std::vector<double>& values, std::initializer_list<size_t> indices) {
  auto first = values.begin();
  for (size_t index : indices) {
    auto nth = values.begin() + static_cast<std::ptrdiff_t>(index);
    if (nth < first) continue;  // the same index twice: already in place
    std::nth_element(first, nth, values.end());
    first = nth + 1;
  }
}

// Relative half-width of the median's 95 % CI, or +inf when n is too small for one.
double RelativeCiHalfWidth(const std::vector<double>& samples) {
  const int64_t n = static_cast<int64_t>(samples.size());
  const MedianCiRanks ranks = MedianConfidenceRanks(n);
  if (!ranks.reaches_confidence) return std::numeric_limits<double>::infinity();

  // Reused across calls so that steady-state checks allocate nothing.
  thread_local std::vector<double> scratch;
  scratch.assign(samples.begin(), samples.end());
  const size_t lower = static_cast<size_t>(ranks.lower - 1);
  const size_t upper = static_cast<size_t>(ranks.upper - 1);
  const size_t middle = static_cast<size_t>(n - 1) / 2;
  SelectOrderStatistics(scratch, {lower, middle, upper});
  double median = scratch[middle];
  if (n % 2 == 0) {
    // The upper middle element lies in (middle, upper], which the last selection left
    // unsorted; upper > middle always holds here because reaches_confidence needs n >= 6.
    const double above =
        *std::min_element(scratch.begin() + static_cast<std::ptrdiff_t>(middle) + 1,
                          scratch.begin() + static_cast<std::ptrdiff_t>(upper) + 1);
    median = Interpolate(median, above, 0.5);
  }
  return Relative((scratch[upper] - scratch[lower]) / 2, median);
}

// Checkpoints at which EnoughSamples computes the CI; see its comment in the header.
bool IsCiCheckpoint(int64_t n) {
  const uint64_t step = std::max<uint64_t>(16, std::bit_floor(static_cast<uint64_t>(n)) / 8);
  return static_cast<uint64_t>(n) % step == 0;
}

void AppendPart(std::string& text, const std::string& part) {
  if (part.empty() || text.find(part) != std::string::npos) return;
  if (!text.empty()) text += "; ";
  text += part;
}

}  // namespace

MedianCiRanks MedianConfidenceRanks(int64_t n, double confidence) {
  MedianCiRanks ranks{.lower = 1, .upper = n};
  if (n <= 0) return ranks;
  const Binomial binomial(static_cast<double>(n), 0.5);
  const double tail = (1 - confidence) / 2;
  // k = the largest count with P(B <= k) <= tail; the interval is [x(k + 1), x(n - k)].
  // quantile() already rounds down; the two loops only guard the rounding at exact ties.
  auto k = static_cast<int64_t>(boost::math::quantile(binomial, tail));
  while (k >= 0 && boost::math::cdf(binomial, static_cast<double>(k)) > tail) --k;
  while (k + 1 < n && boost::math::cdf(binomial, static_cast<double>(k + 1)) <= tail) ++k;
  if (k < 0) {
    // Even the widest interval misses the confidence level: report it, flagged.
    ranks.coverage = 1 - 2 * std::pow(0.5, static_cast<double>(n));
    ranks.reaches_confidence = false;
    return ranks;
  }
  ranks.lower = k + 1;
  ranks.upper = n - k;
  ranks.coverage = 1 - 2 * boost::math::cdf(binomial, static_cast<double>(k));
  ranks.reaches_confidence = true;
  return ranks;
}

double Quantile(const std::vector<double>& sorted, double q) {
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const auto below = static_cast<size_t>(std::floor(h));
  if (below + 1 >= sorted.size()) return sorted.back();
  return Interpolate(sorted[below], sorted[below + 1], h - static_cast<double>(below));
}

SampleSummary Summarize(const std::vector<double>& samples, const ValidityRules& rules) {
  SampleSummary summary;
  const auto n = static_cast<int64_t>(samples.size());
  summary.count = n;
  if (n == 0) {
    summary.verdict_reason = fmt::format("too few samples (n=0 < {})", rules.min_samples);
    summary.recommendation = "increase --min-runs or --min-time";
    return summary;
  }

  std::vector<double> sorted(samples);
  std::sort(sorted.begin(), sorted.end());
  summary.min = sorted.front();
  summary.max = sorted.back();
  summary.p50 = Quantile(sorted, 0.50);
  const auto tail = [&](double q) {
    return PercentileSupported(n, q) ? Quantile(sorted, q)
                                     : std::numeric_limits<double>::quiet_NaN();
  };
  summary.p90 = tail(0.90);
  summary.p95 = tail(0.95);
  summary.p99 = tail(0.99);

  // Two passes (mean, then squared deviations) rather than sum of squares: latencies share
  // a large common part, which the one-pass formula would cancel catastrophically.
  summary.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(n);
  if (n > 1) {
    double squares = 0;
    for (double x : samples) squares += (x - summary.mean) * (x - summary.mean);
    summary.stddev = std::sqrt(squares / static_cast<double>(n - 1));
  }
  summary.cov = summary.mean != 0 ? summary.stddev / summary.mean : 0;

  const MedianCiRanks ranks = MedianConfidenceRanks(n);
  summary.median_ci_low = sorted[static_cast<size_t>(ranks.lower - 1)];
  summary.median_ci_high = sorted[static_cast<size_t>(ranks.upper - 1)];

  std::string reason;
  std::string advice;
  if (n < rules.min_samples) {
    AppendPart(reason, fmt::format("too few samples (n={} < {})", n, rules.min_samples));
    AppendPart(advice, "increase --min-runs or --min-time");
  }
  if (!ranks.reaches_confidence) {
    AppendPart(reason, fmt::format("no 95 % CI of the median from n={} samples (needs at least "
                                   "6; the full range covers only {:.1f} %)",
                                   n, 100 * ranks.coverage));
    AppendPart(advice, "increase --min-runs or --min-time");
  } else {
    const double half_width =
        Relative((summary.median_ci_high - summary.median_ci_low) / 2, summary.p50);
    if (half_width > rules.max_ci_half_width) {
      AppendPart(reason,
                 fmt::format("CI too wide (95 % CI of the median is +-{:.2f} % of it > {:.2f} %)",
                             100 * half_width, 100 * rules.max_ci_half_width));
      AppendPart(advice,
                 "increase --min-time or --max-time; close other programs; pin the benchmark "
                 "with --pin");
    }
  }
  {
    const double drift = RunDrift(samples);
    if (drift > rules.max_drift) {
      AppendPart(reason, fmt::format("drift (median of the last third differs from the first "
                                     "third's by {:.1f} % > {:.1f} %)",
                                     100 * drift, 100 * rules.max_drift));
      AppendPart(advice,
                 "warm up longer and let the device cool between jobs (drift points at thermal "
                 "throttling or frequency scaling); set the CPU governor to 'performance'");
    }
  }
  summary.valid = reason.empty();
  summary.verdict_reason = std::move(reason);
  summary.recommendation = std::move(advice);
  return summary;
}

bool PercentileSupported(int64_t n, double q) {
  if (q <= 0.5) return n >= 1;
  if (q >= 1) return false;
  // 1 - q^n >= 0.95 <=> n ln q <= ln 0.05; compared in logs to avoid underflow.
  return static_cast<double>(n) * std::log(q) <= std::log(0.05);
}

int64_t MinimumSamplesFor(double q) {
  int64_t n = 1;
  while (!PercentileSupported(n, q)) ++n;
  return n;
}

PooledSummary PoolProcesses(const std::vector<std::vector<double>>& processes,
                            const ValidityRules& rules) {
  PooledSummary pooled;
  std::vector<double> all;
  std::string drift_reason;
  std::string drift_advice;
  ValidityRules no_drift = rules;
  no_drift.max_drift = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < processes.size(); ++i) {
    const std::vector<double>& samples = processes[i];
    if (samples.empty()) continue;
    all.insert(all.end(), samples.begin(), samples.end());
    std::vector<double> sorted(samples);
    std::sort(sorted.begin(), sorted.end());
    pooled.process_medians.push_back(Quantile(sorted, 0.5));
    // Drift is judged within each process; the message names the process.
    const double drift = RunDrift(samples);
    if (drift > rules.max_drift) {
      AppendPart(drift_reason, fmt::format("drift within process {} ({:.1f} % > {:.1f} %)", i + 1,
                                           100 * drift, 100 * rules.max_drift));
      AppendPart(drift_advice,
                 "warm up longer and let the device cool between jobs (--cooldown); set the CPU "
                 "governor to 'performance'");
    }
  }
  if (pooled.process_medians.size() <= 1) {
    pooled.summary = Summarize(all, rules);
    return pooled;
  }
  SampleSummary& summary = pooled.summary;
  summary = Summarize(all, no_drift);
  const auto [low, high] =
      std::minmax_element(pooled.process_medians.begin(), pooled.process_medians.end());
  pooled.process_spread = Relative(*high - *low, summary.p50);
  std::string reason = summary.verdict_reason;
  std::string advice = summary.recommendation;
  AppendPart(reason, drift_reason);
  AppendPart(advice, drift_advice);
  if (pooled.process_spread > rules.max_process_spread) {
    AppendPart(reason, fmt::format("unstable between processes (their medians span {:.1f} % of the "
                                   "pooled median > {:.1f} %)",
                                   100 * pooled.process_spread, 100 * rules.max_process_spread));
    AppendPart(advice,
               "the machine changed state between worker processes (other load, frequency or "
               "thermal state): close other programs, pin with --pin, add --cooldown, or "
               "raise --target-ci to what this machine can hold");
  }
  summary.valid = reason.empty();
  summary.verdict_reason = std::move(reason);
  summary.recommendation = std::move(advice);
  return pooled;
}

bool EnoughSamples(const std::vector<double>& samples, double elapsed_seconds,
                   const StoppingRules& rules) {
  const auto n = static_cast<int64_t>(samples.size());
  if (rules.max_runs > 0 && n >= rules.max_runs) return true;
  if (rules.max_time > 0 && elapsed_seconds >= rules.max_time) return true;
  if (n < std::max<int64_t>(rules.min_runs, 1) || elapsed_seconds < rules.min_time) return false;
  if (rules.target_ci_half_width <= 0) return true;
  if (!IsCiCheckpoint(n)) return false;
  return RelativeCiHalfWidth(samples) <= rules.target_ci_half_width;
}

}  // namespace edgebench::harness
