#include "harness/job_launcher.h"

#include <fmt/format.h>

#include "harness/page_cache.h"

namespace edgebench::harness {

WorkerRequest JobLauncher::Request(WorkerRequest::Mode mode, const JobConfig& config) const {
  return {.mode = mode,
          .config = config,
          .measure = options_.measure,
          .verify = options_.verify,
          .plugin_dir = options_.plugin_dir,
          .cache_dir = options_.cache_dir};
}

std::string JobLauncher::EnsureReference(const JobConfig& config) {
  if (!options_.verify || config.backend == "reference" || options_.cache_dir.empty()) return {};
  const std::string key = fmt::format("{}\n{}", config.model, config.weight_seed);
  auto found = reference_errors_.find(key);
  if (found != reference_errors_.end()) return found->second;
  JobConfig reference = config;
  reference.backend = "reference";
  reference.cpu_affinity.clear();
  // The reference worker is not measured: no memory cap, the run's time-out.
  RunnerOptions runner = options_.runner;
  runner.memory_limit_bytes.reset();
  const JobResult result =
      RunJobInWorker(Request(WorkerRequest::Mode::kReference, reference), runner);
  std::string error;
  if (result.status != JobStatus::kOk) {
    error = fmt::format("reference outputs could not be computed ({}): {}",
                        JobStatusName(result.status), result.error);
  }
  reference_errors_[key] = error;
  return error;
}

std::vector<std::string> JobLauncher::EvictBackendLibraries(const JobConfig& config) {
  auto found = backend_libraries_.find(config.backend);
  if (found == backend_libraries_.end()) {
    JobConfig probe = config;
    RunnerOptions runner = options_.runner;
    runner.memory_limit_bytes.reset();
    const JobResult listed =
        RunJobInWorker(Request(WorkerRequest::Mode::kListLibraries, probe), runner);
    found = backend_libraries_.emplace(config.backend, listed.loaded_libraries).first;
  }
  std::string ignored;  // a library that vanished cannot be loaded warm either
  for (const std::string& path : found->second) EvictFromPageCache(path, ignored);
  return found->second;
}

JobResult JobLauncher::Run(const JobConfig& config, int repetition) {
  const std::string reference_error = EnsureReference(config);
  if (!reference_error.empty()) {
    JobResult failed;
    failed.config = config;
    failed.repetition = repetition;
    failed.status = JobStatus::kFailed;
    failed.error = reference_error;
    return failed;
  }
  if (options_.cold) EvictBackendLibraries(config);
  JobResult result = RunJobInWorker(Request(options_.mode, config), options_.runner);
  result.cold_start = options_.cold;
  return result;
}

std::string JobLauncher::CheckModelFile(const std::string& path) {
  JobConfig config{.model = path, .backend = "reference"};
  RunnerOptions runner = options_.runner;
  runner.memory_limit_bytes.reset();
  const JobResult result =
      RunJobInWorker(Request(WorkerRequest::Mode::kCheckModel, config), runner);
  if (result.status == JobStatus::kOk) return {};
  if (result.status == JobStatus::kFailed) return result.error;
  return fmt::format("{}: the model parser failed ({}): {}", path, JobStatusName(result.status),
                     result.error);
}

}  // namespace edgebench::harness
