#pragma once

#include <string>

namespace edgebench::harness::peak {

/// One measured ceiling, as shown to the user and stored.
struct PeakFigure {
  std::string what;  // "fma", "copy" or "triad"
  double value = 0;  // in `unit`
  std::string unit;  // "GFLOP/s" (1e9 FLOP/s) or "GB/s" (1e9 B/s)
  int threads = 1;
  std::string isa;     // the FMA ISA for "fma"; the baseline build's for bandwidth
  std::string method;  // how it was measured, in words, for the reader to judge it
};

}  // namespace edgebench::harness::peak
