#pragma once

#include "backends/backend.h"
#include "harness/job_result.h"
#include "harness/measurement.h"

namespace edgebench::harness {

/// Warms the session up (count and time), then samples Run() until the stopping rule is
/// met, appending each latency (seconds) to result.samples. Only the Run() call sits
/// between the two clock reads. Sets result.status to kOk, or kFailed with the error.
void MeasureSession(backends::Session& session, const MeasureOptions& options, JobResult& result);

}  // namespace edgebench::harness
