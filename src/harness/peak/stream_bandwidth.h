#pragma once

#include <cstdint>
#include <string>

#include "harness/peak/peak_figure.h"
#include "harness/peak/thread_team.h"

namespace edgebench::harness::peak {

/// STREAM copy and triad bandwidth on one team of threads.
struct StreamBandwidth {
  PeakFigure copy;
  PeakFigure triad;
};

/// Runs copy then triad over three fp32 arrays of `array_bytes` each, split evenly among
/// `threads` threads; each thread allocates and first-touches its own part (so its pages
/// sit on its NUMA node, as with STREAM's static OpenMP schedule) and works only on it.
/// Bytes are counted as STREAM does: 2 x array bytes per copy pass, 3 x per triad pass,
/// write-allocate traffic not counted; GB/s = 1e9 B/s. `size_reason` says in the method
/// why the arrays have that size. Throws std::bad_alloc when the arrays do not fit and
/// std::runtime_error if triad computes a wrong value.
StreamBandwidth MeasureStreamBandwidth(int64_t array_bytes, const std::string& size_reason,
                                       int threads, const TrialPlan& plan);

}  // namespace edgebench::harness::peak
