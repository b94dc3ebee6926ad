#pragma once

#include <utility>
#include <vector>

namespace edgebench::harness {

/// A paired comparison's estimate with its confidence interval. NaN bounds: fewer than two
/// pairs, so no interval can be computed from the pairs alone.
struct PairedEstimate {
  int pairs = 0;
  double estimate = 0;
  double low = 0;
  double high = 0;
};

/// The ratio variant / baseline of paired measurements (each pair taken back to back, so
/// drift cancels within it): the geometric mean of the pairs' ratios, with the Student t
/// interval of the mean log ratio (n - 1 degrees of freedom) mapped back through exp.
/// Ratios of timings are log-normal-ish and multiplicative; averaging their logs makes
/// 2x slower and 2x faster cancel. Pairs with a non-positive or non-finite value are
/// dropped.
PairedEstimate PairedRatio(const std::vector<std::pair<double, double>>& baseline_variant,
                           double confidence = 0.95);

/// The difference variant - baseline of paired measurements: the mean difference with its
/// Student t interval (n - 1 degrees of freedom). Pairs with a non-finite value are dropped.
PairedEstimate PairedDifference(const std::vector<std::pair<double, double>>& baseline_variant,
                                double confidence = 0.95);

/// The ratio of two medians from their own confidence intervals, when there are no pairs
/// to go by: [variant_low / baseline_high, variant_high / baseline_low] (conservative: it
/// holds both medians' uncertainty at once). All arguments positive.
PairedEstimate RatioOfIntervals(double baseline, double baseline_low, double baseline_high,
                                double variant, double variant_low, double variant_high);

}  // namespace edgebench::harness
