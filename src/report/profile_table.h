#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/layer_profile.h"
#include "harness/peak/machine_peak.h"
#include "report/table.h"

namespace edgebench::report {

/// One backend's profile of a model, as the profile table shows it.
struct BackendProfile {
  std::string backend;  // label, e.g. "onednn" or "onednn [no-fusion]"
  int threads = 1;
  harness::LayerProfile profile;
};

/// The profile table of one model: a row per IR node (in execution order) and columns per
/// backend that profiled: time per inference in ms, share of the profiled end-to-end
/// median, achieved GFLOP/s (2 x MACs / time) and, with `peak`, the share of the FMA peak.
/// A framework layer covering several IR nodes shows its time on the first of them and
/// "(fused)" on the others; layers the framework added (reorders, layout conversions)
/// get rows of their own ("+ layer"), placed before the IR node the backend runs next.
/// Below: per backend the attributed total (the median over runs of each run's layer sum), the
/// profiled end-to-end p50, the unattributed remainder, the unprofiled end-to-end p50 and the
/// profiling overhead. Backends without a profiler get no columns (see ProfileNotes).
Table ProfileTable(const std::vector<BackendProfile>& backends,
                   const std::optional<harness::peak::MachinePeak>& peak);

/// "BACKEND: no per-layer profiler: WHY" for each backend without a profiler.
std::vector<std::string> ProfileNotes(const std::vector<BackendProfile>& backends);

}  // namespace edgebench::report
