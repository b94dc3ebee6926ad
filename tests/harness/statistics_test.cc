#include "harness/statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

namespace edgebench::harness {
namespace {

// Substring check with the text in the failure message (gmock's HasSubstr would need
// linking gmock for this one matcher).
::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" lacks \"" << part << "\"";
}

// P(B <= k) for B ~ Binomial(n, 1/2), summed in log space independently of Boost.
double BinomialHalfCdf(int64_t n, int64_t k) {
  double total = 0;
  for (int64_t i = 0; i <= k; ++i) {
    const double log_pmf = std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) -
                           static_cast<double>(n) * std::log(2.0);
    total += std::exp(log_pmf);
  }
  return total;
}

std::vector<double> OneToTen() {
  std::vector<double> values(10);
  std::iota(values.begin(), values.end(), 1.0);
  return values;
}

// Latencies near 1 ms with 0.1 % deterministic jitter and no trend: every rule holds.
std::vector<double> SteadySamples(int n) {
  std::vector<double> samples;
  for (int i = 0; i < n; ++i) samples.push_back(1e-3 * (1 + 0.001 * ((i * 37) % 100) / 100.0));
  return samples;
}

// Expected values were computed by hand with the type-7 rule h = (n-1) q and match
// numpy.percentile's default (and Python's statistics.quantiles(method="inclusive")):
// for 1..10, p90 has h = 8.1, so x[8] + 0.1 (x[9] - x[8]) = 9 + 0.1 = 9.1.
TEST(QuantileTest, OneToTenMatchesNumpy) {
  const std::vector<double> sorted = OneToTen();
  EXPECT_NEAR(Quantile(sorted, 0.0), 1.0, 1e-12);
  EXPECT_NEAR(Quantile(sorted, 0.5), 5.5, 1e-12);
  EXPECT_NEAR(Quantile(sorted, 0.9), 9.1, 1e-12);
  EXPECT_NEAR(Quantile(sorted, 0.95), 9.55, 1e-12);
  EXPECT_NEAR(Quantile(sorted, 0.99), 9.91, 1e-12);
  EXPECT_NEAR(Quantile(sorted, 1.0), 10.0, 1e-12);
}

TEST(QuantileTest, SingleValueIsEveryQuantile) {
  EXPECT_EQ(Quantile({4.0}, 0.0), 4.0);
  EXPECT_EQ(Quantile({4.0}, 0.99), 4.0);
}

TEST(SummarizeTest, HandExampleWithDuplicatesMatchesNumpy) {
  // Sorted: 1 1 2 3 4 5 6 9 (n = 8). p50: h = 3.5 -> (3 + 4) / 2 = 3.5. p90: h = 6.3 ->
  // 6 + 0.3 * 3 = 6.9. p95: h = 6.65 -> 6 + 0.65 * 3 = 7.95. p99: h = 6.93 -> 8.79.
  const std::vector<double> data = {3, 1, 4, 1, 5, 9, 2, 6};
  const SampleSummary s = Summarize(data);
  EXPECT_EQ(s.count, 8);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 9);
  EXPECT_NEAR(s.p50, 3.5, 1e-12);
  // Eight samples support no tail percentile: the summary withholds them...
  EXPECT_TRUE(std::isnan(s.p90));
  EXPECT_TRUE(std::isnan(s.p95));
  EXPECT_TRUE(std::isnan(s.p99));
  // ...while the interpolation itself still matches numpy.
  std::vector<double> sorted = data;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_NEAR(Quantile(sorted, 0.90), 6.9, 1e-12);
  EXPECT_NEAR(Quantile(sorted, 0.95), 7.95, 1e-12);
  EXPECT_NEAR(Quantile(sorted, 0.99), 8.79, 1e-12);
}

TEST(SummarizeTest, OneToTenPercentilesAndMedianCi) {
  const SampleSummary s = Summarize(OneToTen());
  EXPECT_EQ(s.count, 10);
  EXPECT_NEAR(s.p50, 5.5, 1e-12);
  EXPECT_NEAR(Quantile(OneToTen(), 0.90), 9.1, 1e-12);
  EXPECT_NEAR(Quantile(OneToTen(), 0.95), 9.55, 1e-12);
  EXPECT_NEAR(Quantile(OneToTen(), 0.99), 9.91, 1e-12);
  EXPECT_TRUE(std::isnan(s.p90)) << "10 samples cannot support a p90";
  EXPECT_DOUBLE_EQ(s.mean, 5.5);
  // [x(2), x(9)], the tabulated interval for n = 10.
  EXPECT_EQ(s.median_ci_low, 2);
  EXPECT_EQ(s.median_ci_high, 9);
}

TEST(SummarizeTest, MeanSampleStddevAndCov) {
  // Deviations from the mean 5: -3 -1 -1 -1 0 0 2 4, squares sum to 32; the sample
  // variance is 32 / 7 (the population variance would be 4).
  const SampleSummary s = Summarize({2, 4, 4, 4, 5, 5, 7, 9});
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_NEAR(s.stddev, std::sqrt(32.0 / 7.0), 1e-12);
  EXPECT_NEAR(s.stddev, 2.138089935299395, 1e-12);
  EXPECT_NEAR(s.cov, 0.427617987059879, 1e-12);
}

TEST(SummarizeTest, SingleSampleHasZeroSpread) {
  const SampleSummary s = Summarize({0.25});
  EXPECT_EQ(s.count, 1);
  EXPECT_EQ(s.p50, 0.25);
  EXPECT_TRUE(std::isnan(s.p99));
  EXPECT_EQ(s.stddev, 0);
  EXPECT_EQ(s.cov, 0);
  EXPECT_FALSE(s.valid);
}

TEST(SummarizeTest, NoSamplesIsInvalidNotACrash) {
  const SampleSummary s = Summarize({});
  EXPECT_EQ(s.count, 0);
  EXPECT_FALSE(s.valid);
  EXPECT_TRUE(Contains(s.verdict_reason, "too few samples (n=0 < 10)"));
  EXPECT_FALSE(s.recommendation.empty());
}

// The interval [x(l), x(n+1-l)] covers the median with probability 1 - 2 P(B <= l-1),
// B ~ Binomial(n, 1/2). The tabulated intervals (e.g. Conover, Practical Nonparametric
// Statistics, table A3) are reproduced below with exact sums:
//   n = 10: P(B <= 1) = (1 + 10) / 2^10 = 0.01074 -> coverage 0.97852; one rank narrower
//           gives P(B <= 2) = 56 / 1024 = 0.0547 -> 0.8906 < 0.95.
//   n = 20: P(B <= 5) = 21700 / 2^20 = 0.02069 -> 0.95861; P(B <= 6) = 0.0577 -> 0.885.
//   n = 100: P(B <= 39) = 0.01760 -> 0.96480; P(B <= 40) = 0.0284 -> 0.943.
TEST(MedianConfidenceRanksTest, MatchesTablesForTen) {
  const MedianCiRanks r = MedianConfidenceRanks(10);
  EXPECT_EQ(r.lower, 2);
  EXPECT_EQ(r.upper, 9);
  EXPECT_NEAR(r.coverage, 1 - 2 * 11.0 / 1024, 1e-12);
  EXPECT_TRUE(r.reaches_confidence);
}

TEST(MedianConfidenceRanksTest, MatchesTablesForTwenty) {
  const MedianCiRanks r = MedianConfidenceRanks(20);
  EXPECT_EQ(r.lower, 6);
  EXPECT_EQ(r.upper, 15);
  EXPECT_NEAR(r.coverage, 1 - 2 * 21700.0 / 1048576, 1e-12);
  EXPECT_TRUE(r.reaches_confidence);
}

TEST(MedianConfidenceRanksTest, MatchesTablesForHundred) {
  const MedianCiRanks r = MedianConfidenceRanks(100);
  EXPECT_EQ(r.lower, 40);
  EXPECT_EQ(r.upper, 61);
  EXPECT_NEAR(r.coverage, 0.9647997997822951, 1e-9);
  EXPECT_TRUE(r.reaches_confidence);
}

TEST(MedianConfidenceRanksTest, SixIsTheSmallestNWithAnInterval) {
  // [x(1), x(n)] covers with 1 - 2^(1-n): 0.9375 for n = 5, 0.96875 for n = 6.
  const MedianCiRanks five = MedianConfidenceRanks(5);
  EXPECT_EQ(five.lower, 1);
  EXPECT_EQ(five.upper, 5);
  EXPECT_NEAR(five.coverage, 0.9375, 1e-12);
  EXPECT_FALSE(five.reaches_confidence);
  const MedianCiRanks six = MedianConfidenceRanks(6);
  EXPECT_EQ(six.lower, 1);
  EXPECT_EQ(six.upper, 6);
  EXPECT_NEAR(six.coverage, 0.96875, 1e-12);
  EXPECT_TRUE(six.reaches_confidence);
  EXPECT_FALSE(MedianConfidenceRanks(1).reaches_confidence);
}

TEST(MedianConfidenceRanksTest, EveryNGetsTheNarrowestIntervalReachingTheLevel) {
  for (int64_t n = 6; n <= 1000; n += 7) {
    const MedianCiRanks r = MedianConfidenceRanks(n);
    ASSERT_EQ(r.lower + r.upper, n + 1) << n;
    const double coverage = 1 - 2 * BinomialHalfCdf(n, r.lower - 1);
    EXPECT_NEAR(r.coverage, coverage, 1e-9) << n;
    EXPECT_GE(coverage, 0.95) << n;
    // One rank narrower on each side drops below 95 %.
    if (r.lower < r.upper) {
      EXPECT_LT(1 - 2 * BinomialHalfCdf(n, r.lower), 0.95) << n;
    }
  }
}

TEST(VerdictTest, SteadySamplesAreValid) {
  const SampleSummary s = Summarize(SteadySamples(100));
  EXPECT_TRUE(s.valid) << s.verdict_reason;
  EXPECT_EQ(s.verdict_reason, "");
  EXPECT_EQ(s.recommendation, "");
  EXPECT_LE(s.median_ci_low, s.p50);
  EXPECT_GE(s.median_ci_high, s.p50);
}

TEST(VerdictTest, TooFewSamples) {
  // Eight identical samples: the CI (n >= 6) and drift rules hold, only the count fails.
  const SampleSummary s = Summarize(std::vector<double>(8, 1.0));
  EXPECT_FALSE(s.valid);
  EXPECT_EQ(s.verdict_reason, "too few samples (n=8 < 10)");
  EXPECT_TRUE(Contains(s.recommendation, "--min-time"));
  EXPECT_TRUE(Summarize(std::vector<double>(8, 1.0), {.min_samples = 8}).valid);
}

TEST(VerdictTest, FiveSamplesHaveNoIntervalAndReportTheFullRange) {
  const SampleSummary s = Summarize({5, 1, 4, 2, 3}, {.min_samples = 1});
  EXPECT_FALSE(s.valid);
  EXPECT_EQ(s.median_ci_low, 1);
  EXPECT_EQ(s.median_ci_high, 5);
  EXPECT_TRUE(Contains(s.verdict_reason, "no 95 % CI of the median from n=5"));
  EXPECT_TRUE(Contains(s.verdict_reason, "93.8 %"));
  EXPECT_FALSE(Contains(s.verdict_reason, "too few samples"));
}

TEST(VerdictTest, CiTooWide) {
  // 1.0 1.2 1.4 1.6 1.8 repeated: every third has median 1.4 (no drift), but the median's
  // CI spans [1.2, 1.6], a half-width of 0.2 / 1.4 = 14.3 % of the median.
  std::vector<double> samples;
  for (int i = 0; i < 90; ++i) samples.push_back(1.0 + 0.2 * (i % 5));
  const SampleSummary s = Summarize(samples);
  EXPECT_FALSE(s.valid);
  EXPECT_NEAR(s.median_ci_low, 1.2, 1e-12);
  EXPECT_NEAR(s.median_ci_high, 1.6, 1e-12);
  EXPECT_EQ(s.verdict_reason, "CI too wide (95 % CI of the median is +-14.29 % of it > 1.00 %)");
  EXPECT_EQ(s.recommendation,
            "increase --min-time or --max-time; close other programs; pin the benchmark with "
            "--pin");
  EXPECT_TRUE(Summarize(samples, {.max_ci_half_width = 0.15}).valid);
}

TEST(VerdictTest, Drift) {
  // Three plateaus 1.00, 1.05, 1.10: the CI sits inside the middle plateau (zero width)
  // but the last third is 10 % slower than the first.
  std::vector<double> samples;
  for (double level : {1.00, 1.05, 1.10}) samples.insert(samples.end(), 30, level);
  const SampleSummary s = Summarize(samples);
  EXPECT_FALSE(s.valid);
  EXPECT_EQ(s.verdict_reason,
            "drift (median of the last third differs from the first third's by 10.0 % > 5.0 %)");
  EXPECT_TRUE(Contains(s.recommendation, "performance"));
  EXPECT_TRUE(Summarize(samples, {.max_drift = 0.11}).valid);
}

TEST(VerdictTest, NamesEveryFailedRule) {
  // Seven samples, spread out and rising: too few, too wide and drifting at once.
  const SampleSummary s = Summarize({1, 2, 3, 4, 5, 6, 7});
  EXPECT_FALSE(s.valid);
  EXPECT_TRUE(Contains(s.verdict_reason, "too few samples (n=7 < 10)"));
  EXPECT_TRUE(Contains(s.verdict_reason, "CI too wide"));
  EXPECT_TRUE(Contains(s.verdict_reason, "drift"));
  EXPECT_TRUE(Contains(s.recommendation, "--min-runs"));
  EXPECT_TRUE(Contains(s.recommendation, "--pin"));
  EXPECT_TRUE(Contains(s.recommendation, "governor"));
}

StoppingRules Rules() {
  return {.min_runs = 10,
          .min_time = 1.0,
          .max_runs = 100000,
          .max_time = 60.0,
          .target_ci_half_width = 0.01};
}

TEST(EnoughSamplesTest, WaitsForBothMinimums) {
  const std::vector<double> samples = SteadySamples(64);
  EXPECT_FALSE(EnoughSamples(samples, 0.5, Rules()));  // min_time not met
  EXPECT_TRUE(EnoughSamples(samples, 1.5, Rules()));
  const StoppingRules many_runs = {.min_runs = 100,
                                   .min_time = 1.0,
                                   .max_runs = 0,
                                   .max_time = 60,
                                   .target_ci_half_width = 0.01};
  EXPECT_FALSE(EnoughSamples(samples, 1.5, many_runs));  // min_runs not met
}

TEST(EnoughSamplesTest, StopsAtEitherCap) {
  // Wildly spread samples never meet the CI target; only the caps stop them.
  std::vector<double> spread;
  for (int i = 0; i < 64; ++i) spread.push_back(1.0 + (i % 2));
  EXPECT_FALSE(EnoughSamples(spread, 5, Rules()));
  EXPECT_TRUE(EnoughSamples(spread, 60, Rules()));  // max_time
  StoppingRules capped = Rules();
  capped.max_runs = 64;
  EXPECT_TRUE(EnoughSamples(spread, 0.01, capped));  // max_runs, even before the minimums
  capped.max_runs = 0;
  capped.max_time = 0;
  EXPECT_FALSE(EnoughSamples(spread, 1e6, capped));  // non-positive caps are off
}

TEST(EnoughSamplesTest, ChecksTheCiOnlyAtCheckpoints) {
  const StoppingRules rules = Rules();
  EXPECT_TRUE(EnoughSamples(SteadySamples(32), 2, rules));
  EXPECT_FALSE(EnoughSamples(SteadySamples(33), 2, rules));   // between checkpoints
  EXPECT_TRUE(EnoughSamples(SteadySamples(48), 2, rules));    // every 16 below 256
  EXPECT_FALSE(EnoughSamples(SteadySamples(272), 2, rules));  // every 32 from 256
  EXPECT_TRUE(EnoughSamples(SteadySamples(288), 2, rules));
}

TEST(EnoughSamplesTest, NoTargetStopsAtTheMinimums) {
  StoppingRules rules = Rules();
  rules.target_ci_half_width = 0;
  std::vector<double> spread = {1, 5, 1, 5, 1, 5, 1, 5, 1, 5, 1};
  EXPECT_TRUE(EnoughSamples(spread, 1.0, rules));
  EXPECT_FALSE(EnoughSamples({}, 1.0, {.min_runs = 0, .min_time = 0}));  // needs one sample
}

TEST(EnoughSamplesTest, AgreesWithSummarizeOnTheCiHalfWidth) {
  // The nth_element path must give the same half-width as sorting does, at several checkpoints.
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  for (int n : {48, 64, 80, 96}) {
    std::vector<double> samples;
    for (int i = 0; i < n; ++i) samples.push_back(jitter(rng));
    const SampleSummary s = Summarize(samples);
    const double half_width = (s.median_ci_high - s.median_ci_low) / 2 / s.p50;
    StoppingRules rules = Rules();
    rules.target_ci_half_width = half_width;
    EXPECT_TRUE(EnoughSamples(samples, 2, rules)) << n;
    rules.target_ci_half_width = std::nextafter(half_width, 0.0);
    EXPECT_FALSE(EnoughSamples(samples, 2, rules)) << n;
  }
}

TEST(EnoughSamplesTest, MeasurementLoopStopsOnceTheTargetIsMet) {
  // +-2 % uniform noise around 10 ms: the median's CI narrows as 1/sqrt(n) and crosses the
  // 0.2 % target after a few hundred samples, long before the caps.
  std::mt19937 rng(2019);
  std::uniform_real_distribution<double> noise(0.98, 1.02);
  std::vector<double> samples;
  double elapsed = 0;
  const StoppingRules rules = {.min_runs = 10,
                               .min_time = 0.05,
                               .max_runs = 100000,
                               .max_time = 1000,
                               .target_ci_half_width = 0.002};
  while (!EnoughSamples(samples, elapsed, rules)) {
    samples.push_back(0.01 * noise(rng));
    elapsed += samples.back();
  }
  EXPECT_LT(samples.size(), 100000u);
  EXPECT_EQ(samples.size() % 16, 0u);
  const SampleSummary s = Summarize(samples, {.max_ci_half_width = 0.002});
  EXPECT_TRUE(s.valid) << s.verdict_reason;
}

}  // namespace
}  // namespace edgebench::harness
