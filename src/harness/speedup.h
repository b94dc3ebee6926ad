#pragma once

#include "harness/job_result.h"

namespace edgebench::harness {

/// How much faster a candidate is than a baseline: the ratio of their medians, with an
/// interval built from the two medians' 95 % confidence intervals.
struct Speedup {
  double ratio = 0;  // baseline p50 / candidate p50 (> 1: the candidate is faster)
  double low = 0;    // baseline CI low / candidate CI high
  double high = 0;   // baseline CI high / candidate CI low
  /// The interval excludes 1: the two configurations differ at the 95 % level of each
  /// median's own interval (conservative: both intervals must be apart).
  bool significant = false;
};

/// The speed-up of `candidate` over `baseline`. The interval is the range of ratios the
/// two medians' CIs allow, so it covers the true ratio whenever both CIs cover their
/// medians (probability >= 0.95^2 ~ 0.90 for independent measurements): wider than a
/// bootstrap interval, but distribution-free and computable from stored summaries alone.
/// NaN everywhere when either summary has no samples.
Speedup SpeedupOf(const SampleSummary& baseline, const SampleSummary& candidate);

}  // namespace edgebench::harness
