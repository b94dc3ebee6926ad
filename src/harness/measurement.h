#pragma once

#include <cstdint>

namespace edgebench::harness {

/// How long to warm up and measure. Warm-up runs until both its count and its time are
/// met; measurement until the statistics module's stopping rule is satisfied.
struct MeasureOptions {
  int64_t warmup_runs = 2;
  double warmup_time = 0.2;  // seconds
  int64_t min_runs = 10;
  double min_time = 1.0;
  int64_t max_runs = 100000;
  double max_time = 10.0;
  double target_ci = 0.01;  // half-width of the median's 95 % CI, relative to the median
};

}  // namespace edgebench::harness
