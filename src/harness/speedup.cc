#include "harness/speedup.h"

#include <cmath>
#include <limits>

namespace edgebench::harness {

Speedup SpeedupOf(const SampleSummary& baseline, const SampleSummary& candidate) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (baseline.count == 0 || candidate.count == 0 || !(candidate.p50 > 0) ||
      !(candidate.median_ci_low > 0)) {
    return {kNaN, kNaN, kNaN, false};
  }
  Speedup s;
  s.ratio = baseline.p50 / candidate.p50;
  s.low = baseline.median_ci_low / candidate.median_ci_high;
  s.high = baseline.median_ci_high / candidate.median_ci_low;
  s.significant = s.low > 1 || s.high < 1;
  return s;
}

}  // namespace edgebench::harness
