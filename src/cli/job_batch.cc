#include "cli/job_batch.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "cli/command.h"
#include "cli/progress.h"
#include "common/build_info.h"
#include "common/json_text.h"
#include "harness/environment.h"

namespace edgebench::cli {

int64_t BeginCommandRun(store::ResultsStore& store, const std::string& device_label,
                        const std::string& schedule_json) {
  const harness::Environment environment = harness::CaptureEnvironment();
  return store.BeginRun(
      {.device_label = device_label.empty() ? environment.hostname : device_label,
       .command_line = Invocation(),
       .environment_json = JsonText(harness::ToJson(environment)),
       .build_revision = std::string(BuildRevision()) + (BuildDirty() ? "-dirty" : ""),
       .tool_version = BuildVersion(),
       .schedule_json = schedule_json});
}

harness::ScheduleOutcome RunJobBatch(
    store::ResultsStore& store, int64_t run_id, harness::JobLauncher& launcher,
    const std::vector<harness::JobConfig>& jobs, const harness::ScheduleOptions& schedule,
    int repetition_offset, const std::function<void(const harness::JobResult&)>& on_result) {
  Progress progress(jobs.size() * static_cast<size_t>(schedule.repetitions));
  harness::SchedulerHooks hooks{
      .prepare = [&](const harness::JobConfig& config) { launcher.Prepare(config); },
      .run = [&](const harness::JobConfig& config,
                 int repetition) { return launcher.Run(config, repetition + repetition_offset); },
      .record =
          [&](const harness::JobResult& result) {
            harness::JobResult shifted = result;
            shifted.repetition += repetition_offset;
            store.RecordJob(run_id, shifted);
            if (on_result) on_result(shifted);
          },
      .progress =
          [&](size_t slot, size_t, const harness::JobConfig& config, int,
              const std::string& outcome) {
            const std::string label =
                fmt::format("{} x {}", harness::ModelLabel(config), harness::BackendLabel(config));
            if (outcome.empty()) {
              progress.Start(slot, label);
            } else {
              progress.Finish(slot, label, outcome);
            }
          },
      .sleep =
          [](double seconds) {
            std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
          }};
  return harness::RunSchedule(jobs, schedule, hooks);
}

}  // namespace edgebench::cli
