#pragma once

#include <time.h>

namespace edgebench::harness {

/// CLOCK_MONOTONIC in seconds. System-wide, so a parent's fork time and a child's
/// start time can be subtracted to measure process start-up.
inline double MonotonicSeconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace edgebench::harness
