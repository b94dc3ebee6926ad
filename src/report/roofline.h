#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "harness/peak/machine_peak.h"
#include "report/table.h"

namespace edgebench::report {

/// Where a job sits on the machine's roofline. FLOPs here are 2 x MACs, the convention of
/// the study's tables and of FMA peaks (one FMA = 2 FLOPs), so achieved and peak compare.
struct RooflinePoint {
  double gflops = 0;       // 2 x MACs / p50, GFLOP/s achieved; NaN without MACs or p50
  double intensity = 0;    // 2 x MACs per byte of weights + activations moved; NaN without
  double peak_gflops = 0;  // FMA ceiling at the job's thread count; NaN when none is stored
  double fraction = 0;     // gflops / peak_gflops; NaN when either is
};

/// The FMA ceiling for `threads` threads: the one-thread figure for 1, the all-threads
/// figure from `threads_all` up, and in between the one-thread figure times the threads,
/// capped at the all-threads figure (what the machine showed it can add per thread).
double PeakGflopsFor(const harness::peak::MachinePeak& peak, int threads);

/// The point of a job that moved `bytes` and did `macs` in `p50_seconds`.
RooflinePoint RooflineOf(int64_t macs, int64_t bytes, double p50_seconds, int threads,
                         const std::optional<harness::peak::MachinePeak>& peak);

/// The ceilings a run's environment JSON carries ("machine_peak", stored there by `run`
/// when `edgebench peak` had measured the machine); nullopt when it has none or they do
/// not parse.
std::optional<harness::peak::MachinePeak> MachinePeakOfRun(const std::string& environment_json);

/// Columns "GFLOP/s", "%peak" and "FLOP/B" of result tables.
std::vector<Column> RooflineColumns();

/// Cells for RooflineColumns(). A fraction above 1 is impossible for the counted work, so
/// it is not printed as more than 100 %: the cell says "above peak" (an algorithm doing
/// fewer multiplications than counted, such as Winograd, or a peak measured too low).
std::vector<Cell> RooflineCells(const RooflinePoint& point);

}  // namespace edgebench::report
