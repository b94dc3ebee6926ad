#pragma once

#include "harness/peak/fma_kernel.h"
#include "harness/peak/peak_figure.h"
#include "harness/peak/thread_team.h"

namespace edgebench::harness::peak {

/// FP32 multiply-add throughput of `kernel` on `threads` threads, each with its own
/// accumulators, in GFLOP/s (2 FLOPs per lane per update): the best of plan.trials
/// trials, each timed from the first thread's start to the last one's end. Throws
/// std::runtime_error if the kernel's result is not the finite number it must converge to.
PeakFigure MeasureFmaThroughput(const FmaKernel& kernel, int threads, const TrialPlan& plan);

}  // namespace edgebench::harness::peak
