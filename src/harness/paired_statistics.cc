#include "harness/paired_statistics.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

namespace edgebench::harness {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Mean and Student t interval of `values`; NaN bounds below two values.
PairedEstimate MeanInterval(const std::vector<double>& values, double confidence) {
  PairedEstimate out{.pairs = static_cast<int>(values.size()), .low = kNaN, .high = kNaN};
  if (values.empty()) {
    out.estimate = kNaN;
    return out;
  }
  double sum = 0;
  for (double v : values) sum += v;
  out.estimate = sum / static_cast<double>(values.size());
  if (values.size() < 2) return out;
  double squares = 0;
  for (double v : values) squares += (v - out.estimate) * (v - out.estimate);
  const double n = static_cast<double>(values.size());
  const double standard_error = std::sqrt(squares / (n - 1) / n);
  const boost::math::students_t t(n - 1);
  const double quantile = boost::math::quantile(t, 1 - (1 - confidence) / 2);
  out.low = out.estimate - quantile * standard_error;
  out.high = out.estimate + quantile * standard_error;
  return out;
}

}  // namespace

PairedEstimate PairedRatio(const std::vector<std::pair<double, double>>& baseline_variant,
                           double confidence) {
  std::vector<double> logs;
  for (const auto& [baseline, variant] : baseline_variant) {
    if (baseline > 0 && variant > 0 && std::isfinite(baseline) && std::isfinite(variant)) {
      logs.push_back(std::log(variant / baseline));
    }
  }
  PairedEstimate log_ratio = MeanInterval(logs, confidence);
  return {.pairs = log_ratio.pairs,
          .estimate = std::exp(log_ratio.estimate),
          .low = std::exp(log_ratio.low),
          .high = std::exp(log_ratio.high)};
}

PairedEstimate PairedDifference(const std::vector<std::pair<double, double>>& baseline_variant,
                                double confidence) {
  std::vector<double> differences;
  for (const auto& [baseline, variant] : baseline_variant) {
    if (std::isfinite(baseline) && std::isfinite(variant))
      differences.push_back(variant - baseline);
  }
  return MeanInterval(differences, confidence);
}

PairedEstimate RatioOfIntervals(double baseline, double baseline_low, double baseline_high,
                                double variant, double variant_low, double variant_high) {
  return {.pairs = 1,
          .estimate = variant / baseline,
          .low = variant_low / baseline_high,
          .high = variant_high / baseline_low};
}

}  // namespace edgebench::harness
