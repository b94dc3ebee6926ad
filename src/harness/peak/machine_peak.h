#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/peak/peak_figure.h"

namespace edgebench::harness::peak {

/// What to measure and how long. Zero fields mean "choose for this machine".
struct PeakOptions {
  /// Threads of the "all threads" figures; 0: the CPUs this process may run on (its
  /// affinity mask, std::thread::hardware_concurrency() where that is unavailable).
  int threads = 0;
  /// Timed trials per figure; the best (shortest) is reported, as STREAM does. Many short
  /// trials beat a few long ones on a shared machine, where some of them run undisturbed:
  /// on a 2-CPU VM under a load of 6, 20 x 0.02 s found the FMA peak (103 GFLOP/s) every
  /// time and 10 x 0.05 s found 51-78. A STREAM trial is at least one pass over the arrays.
  int trials = 20;
  /// Target duration of one trial, in seconds.
  double trial_seconds = 0.02;
  /// Bytes of each of the three STREAM arrays (split among the threads); 0: four times the
  /// total last-level cache, clamped to [64 MiB, 256 MiB] so three arrays stay well under
  /// a gigabyte, and to 1/8 of the physical memory each.
  int64_t array_bytes = 0;
  /// FMA ISA by name ("avx512f", "avx2+fma", "sse2", "scalar", "neon"); empty: the widest
  /// the CPU supports. Naming a narrower one measures what code built for it can reach.
  std::string isa;
};

/// Compute and memory ceilings of this machine, for placing a model's measured
/// throughput on a roofline: FP32 FMA throughput with the widest SIMD ISA the CPU has, and
/// STREAM copy and triad bandwidth, each on one thread and on all threads.
struct MachinePeak {
  std::string isa;                     // FMA ISA used, as FmaIsaName writes it
  std::vector<std::string> cpu_flags;  // SIMD features detected (CpuFeatures::flags)
  int threads_all = 1;                 // threads of the *_all figures
  int trials = 0;
  double trial_seconds = 0;
  int64_t array_bytes = 0;  // per STREAM array
  int64_t llc_bytes = 0;    // total last-level cache found; 0 when unknown
  double fma_gflops_1t = 0, fma_gflops_all = 0;
  double bw_copy_gbs_1t = 0, bw_copy_gbs_all = 0;
  double bw_triad_gbs_1t = 0, bw_triad_gbs_all = 0;
  /// The same six numbers with units and methods, in that order; when threads_all is 1
  /// the all-threads figures are the one-thread ones and are listed once.
  std::vector<PeakFigure> figures;
};

/// Measures the machine now: about 6 x (trials + 2) trials plus the time to fill the
/// arrays, 3 to 5 s with the defaults. Throws std::invalid_argument
/// for options out of range (arrays taking over half the physical memory included) or an
/// ISA this CPU cannot run, std::bad_alloc when the arrays cannot be allocated.
MachinePeak MeasureMachinePeak(const PeakOptions& options = {});

/// Threads PeakOptions::threads = 0 stands for.
int DefaultPeakThreads();

}  // namespace edgebench::harness::peak
