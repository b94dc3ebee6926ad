#include "harness/job_launcher.h"

#include <fmt/format.h>

#include "harness/graph_passes_for_job.h"
#include "harness/page_cache.h"

namespace edgebench::harness {

WorkerRequest JobLauncher::Request(WorkerRequest::Mode mode, const JobConfig& config) const {
  WorkerRequest request{.mode = mode,
                        .config = config,
                        .measure = options_.measure,
                        .verify = options_.verify,
                        .plugin_dir = options_.plugin_dir,
                        .cache_dir = options_.cache_dir};
  request.profile_runs = options_.profile_runs;
  return request;
}

RunnerOptions JobLauncher::UnmeasuredRunner() const {
  RunnerOptions runner = options_.runner;
  runner.memory_limit_bytes.reset();
  return runner;
}

std::string JobLauncher::EnsureReference(const JobConfig& config) {
  // The reference worker also measures a lossy graph pass's deviation into the cache,
  // untimed, so it runs for such jobs even when nothing is verified.
  if (options_.cache_dir.empty()) return {};
  if ((!options_.verify || config.backend == "reference") && !HasLossyGraphPasses(config)) {
    return {};
  }
  // Graph passes make another model, with reference outputs of its own.
  const std::string key = fmt::format("{}\n{}\n{}\n{}", config.model, config.input_shape,
                                      config.weight_seed, GraphPassKey(config));
  auto found = reference_errors_.find(key);
  if (found != reference_errors_.end()) return found->second;
  JobConfig reference = config;
  reference.backend = "reference";
  reference.cpu_affinity.clear();
  const JobResult result =
      RunJobInWorker(Request(WorkerRequest::Mode::kReference, reference), UnmeasuredRunner());
  std::string error;
  if (result.status != JobStatus::kOk) {
    error = fmt::format("reference outputs could not be computed ({}): {}",
                        JobStatusName(result.status), result.error);
  }
  reference_errors_[key] = error;
  return error;
}

JobResult JobLauncher::ProbeBackend(const std::string& backend) {
  if (auto found = probes_.find(backend); found != probes_.end()) return found->second;
  JobResult probe = RunJobInWorker(
      Request(WorkerRequest::Mode::kListLibraries, {.model = "", .backend = backend}),
      UnmeasuredRunner());
  if (probe.status == JobStatus::kOk) probes_.emplace(backend, probe);
  return probe;
}

std::vector<std::string> JobLauncher::EvictBackendLibraries(const JobConfig& config) {
  const JobResult probe = ProbeBackend(config.backend);
  if (probe.status != JobStatus::kOk || probe.loaded_libraries.empty()) return {};
  for (const std::string& path : probe.loaded_libraries) {
    std::string error;
    if (!EvictFromPageCache(path, error)) return {};
  }
  return probe.loaded_libraries;
}

void JobLauncher::Prepare(const JobConfig& config) {
  EnsureReference(config);
  if (options_.cold) ProbeBackend(config.backend);
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
  const bool cold = options_.cold && !EvictBackendLibraries(config).empty();
  JobResult result = RunJobInWorker(Request(options_.mode, config), options_.runner);
  result.cold_start = cold;
  return result;
}

std::string JobLauncher::CheckModelFile(const std::string& path, const std::string& input_shape) {
  JobConfig config{.model = path, .backend = "reference", .input_shape = input_shape};
  const JobResult result =
      RunJobInWorker(Request(WorkerRequest::Mode::kCheckModel, config), UnmeasuredRunner());
  if (result.status == JobStatus::kOk) return {};
  if (result.status == JobStatus::kFailed) return result.error;
  return fmt::format("{}: the model parser failed ({}): {}", path, JobStatusName(result.status),
                     result.error);
}

JobResult JobLauncher::Infer(const JobConfig& config, const std::vector<InputFile>& input_files,
                             const std::string& output_dir, std::string& reference_error) {
  reference_error.clear();
  bool verify = options_.verify;
  if (verify && config.backend != "reference" && !options_.cache_dir.empty()) {
    JobConfig reference = config;
    reference.backend = "reference";
    reference.cpu_affinity.clear();
    WorkerRequest request = Request(WorkerRequest::Mode::kReference, reference);
    request.input_files = input_files;
    request.reference_alt = false;  // one inference needs the one input's outputs
    const JobResult result = RunJobInWorker(request, UnmeasuredRunner());
    if (result.status != JobStatus::kOk) {
      reference_error = fmt::format("reference outputs could not be computed ({}): {}",
                                    JobStatusName(result.status), result.error);
      verify = false;
    }
  }
  WorkerRequest request = Request(WorkerRequest::Mode::kInfer, config);
  request.verify = verify;
  request.input_files = input_files;
  request.output_dir = output_dir;
  return RunJobInWorker(request, UnmeasuredRunner());
}

}  // namespace edgebench::harness
