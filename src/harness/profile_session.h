#pragma once

#include <cstdint>
#include <vector>

#include "backends/backend.h"
#include "harness/job_result.h"
#include "ir/graph.h"

namespace edgebench::harness {

/// The rows of a profile from the per-layer times of several profiled runs: one row per
/// distinct layer (name and IR nodes covered), in the order layers first ran, holding the
/// median of its time over the runs (a run that did not report the layer counts as 0; a
/// layer reported twice in one run counts as the sum) and the MACs of the IR nodes it
/// covers (names unknown to `graph` count 0).
std::vector<ProfileRow> MedianRows(const std::vector<std::vector<backends::LayerTime>>& runs,
                                   const ir::Graph& graph);

/// The profile part of a kProfile worker, after MeasureSession filled result.samples: the
/// unprofiled p50 from those samples, then with the backend's profiler on one warm-up
/// inference and `runs` timed ones, each end to end and layer by layer. Sets
/// result.layer_profile (with the reason when the backend has no profiler), or fails the
/// result when an inference or reading the profile fails.
void ProfileSession(backends::Session& session, const ir::Graph& graph, int64_t runs,
                    JobResult& result);

}  // namespace edgebench::harness
