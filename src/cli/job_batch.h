#pragma once

// Runs a batch of jobs the way `edgebench run` does (interleaved worker processes, each
// repetition stored as it finishes), for the commands that plan their own jobs (tune,
// optimizations).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/job_launcher.h"
#include "harness/scheduler.h"
#include "store/results_store.h"

namespace edgebench::cli {

/// Begins a run in `store` for a command that is not `run`: the environment, the build
/// and `schedule_json` recorded as `run` records them. Returns the run id.
int64_t BeginCommandRun(store::ResultsStore& store, const std::string& device_label,
                        const std::string& schedule_json);

/// Runs `jobs` x `schedule.repetitions` in harness::InterleavedOrder through `launcher`,
/// recording each finished repetition in run `run_id` with its repetition number shifted
/// by `repetition_offset` (so a later batch of the same jobs adds repetitions instead of
/// replacing them), with progress on stderr. `on_result` (optional) sees each recorded
/// result.
harness::ScheduleOutcome RunJobBatch(
    store::ResultsStore& store, int64_t run_id, harness::JobLauncher& launcher,
    const std::vector<harness::JobConfig>& jobs, const harness::ScheduleOptions& schedule,
    int repetition_offset = 0,
    const std::function<void(const harness::JobResult&)>& on_result = nullptr);

}  // namespace edgebench::cli
