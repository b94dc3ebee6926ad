#include "harness/worker.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <link.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <new>
#include <set>
#include <string>

#include "common/json_text.h"
#include "formats/model_source.h"
#include "harness/cpu_affinity.h"
#include "harness/graph_passes_for_job.h"
#include "harness/infer_worker.h"
#include "harness/job_plan.h"
#include "harness/measure_loop.h"
#include "harness/model_inputs.h"
#include "harness/monotonic_clock.h"
#include "harness/precision_for_job.h"
#include "harness/precision_toggles.h"
#include "harness/profile_session.h"
#include "harness/reference_cache.h"
#include "harness/reference_outputs.h"
#include "harness/verification.h"
#include "harness/worker_wrapper.h"
#include "ir/cost.h"
#include "zoo/seeded_weights.h"

namespace edgebench::harness {
namespace {

using backends::HostTensor;

// Resident set size of this process, from /proc/self/statm (pages); 0 if unreadable.
int64_t CurrentRssBytes() {
  FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  long long size = 0;
  long long resident = 0;
  const int read = std::fscanf(statm, "%lld %lld", &size, &resident);
  std::fclose(statm);
  return read == 2 ? resident * sysconf(_SC_PAGESIZE) : 0;
}

// Paths of the shared objects mapped into this process.
std::set<std::string> LoadedObjects() {
  std::set<std::string> paths;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        if (info->dlpi_name != nullptr && info->dlpi_name[0] == '/') {
          static_cast<std::set<std::string>*>(data)->insert(info->dlpi_name);
        }
        return 0;
      },
      &paths);
  return paths;
}

// Under a memory cap, a library that cannot be mapped means the cap is too small, not
// that the framework is missing.
bool LooksLikeMappingFailure(const std::string& error) {
  for (const char* marker : {"failed to map segment", "Cannot allocate memory",
                             "cannot allocate memory", "out of memory"}) {
    if (error.find(marker) != std::string::npos) return true;
  }
  return false;
}

void Fail(JobResult& result, JobStatus status, std::string error) {
  result.status = status;
  result.error = std::move(error);
}

void ExecuteJobOrThrow(const WorkerRequest& request, const backends::BackendRegistry& registry,
                       JobResult& result) {
  const JobConfig& config = request.config;
  if (!config.cpu_affinity.empty()) {
    std::string error;
    if (!PinCurrentProcess(config.cpu_affinity, error))
      return Fail(result, JobStatus::kFailed, error);
  }

  const formats::InputShapes shapes = formats::ParseInputShapes(config.input_shape);
  if (request.mode == WorkerRequest::Mode::kCheckModel) {
    formats::LoadModelStructure(config.model, shapes);  // throws with the reason
    result.status = JobStatus::kOk;
    return;
  }
  if (request.mode == WorkerRequest::Mode::kReference) {
    ir::Graph graph = formats::LoadModel(config.model, config.weight_seed, shapes);
    const std::optional<AppliedGraphPasses> passes = ApplyJobGraphPasses(config, graph);
    if (passes) result.graph_passes = passes->record;
    const ir::GraphCost cost = ir::CountGraph(graph);
    result.model_macs = cost.macs;
    result.model_flops = cost.flops;
    result.model_bytes = cost.weight_bytes + cost.activation_bytes;
    std::vector<HostTensor> outputs;
    std::vector<HostTensor> alt_outputs;
    std::string error;
    const uint64_t weights_digest = zoo::WeightsDigest(graph);
    bool computed = false;
    if (request.input_files.empty() && request.reference_alt) {
      computed = ComputeReference(request, graph, ReferencePathsFor(request, weights_digest),
                                  outputs, alt_outputs, error);
    } else {
      const ModelInputs inputs = GatherInputs(graph, request.input_files, config.weight_seed);
      computed = ComputeReferenceFor(graph, inputs.tensors,
                                     ReferencePathFor(request, weights_digest, inputs.tensors),
                                     outputs, error);
    }
    if (!computed) return Fail(result, JobStatus::kFailed, error);
    // Measured here, untimed, so the jobs after it read the deviation from the cache.
    if (passes) AddGraphPassQuality(request, *passes, *result.graph_passes);
    result.status = JobStatus::kOk;
    return;
  }
  if (request.mode == WorkerRequest::Mode::kInfer) return ExecuteInfer(request, registry, result);

  const std::set<std::string> objects_before = request.mode == WorkerRequest::Mode::kListLibraries
                                                   ? LoadedObjects()
                                                   : std::set<std::string>();
  const int64_t rss_before_load = CurrentRssBytes();
  double t0 = MonotonicSeconds();
  std::string error;
  backends::BackendHandle backend = registry.Create(config.backend, error);
  result.phases.library_load = MonotonicSeconds() - t0;
  if (!backend) {
    if (request.memory_limit_bytes && LooksLikeMappingFailure(error)) {
      return Fail(result, JobStatus::kOutOfMemory,
                  fmt::format("the memory cap of {} bytes is too small for the backend's "
                              "libraries to be mapped: {}",
                              *request.memory_limit_bytes, error));
    }
    return Fail(result,
                registry.Knows(config.backend) ? JobStatus::kUnavailable : JobStatus::kFailed,
                error);
  }
  result.backend_version = backend->Version();
  if (request.mode == WorkerRequest::Mode::kListLibraries) {
    for (const std::string& path : LoadedObjects()) {
      if (!objects_before.contains(path)) result.loaded_libraries.push_back(path);
    }
    result.status = JobStatus::kOk;
    return;
  }

  if (const backends::Support toggles = CheckToggleSupport(*backend, BackendToggles(config));
      !toggles.supported) {
    return Fail(result, JobStatus::kUnsupported, toggles.reason);
  }
  t0 = MonotonicSeconds();
  ir::Graph graph = formats::LoadModel(config.model, config.weight_seed, shapes);
  // Graph passes change the model itself, before the backend sees it (part of model_load).
  const std::optional<AppliedGraphPasses> passes = ApplyJobGraphPasses(config, graph);
  if (passes) result.graph_passes = passes->record;
  // Int8 ranges go into the IR before the backend sees it (part of model_load too).
  backends::BackendOptions options = OptionsFor(config);
  options.calibration_inputs = CalibrateForJob(config, graph);
  const ir::GraphCost cost = ir::CountGraph(graph);
  result.model_macs = cost.macs;
  result.model_flops = cost.flops;
  result.model_bytes = cost.weight_bytes + cost.activation_bytes;
  backends::Support support = backends::CheckGraphSupport(*backend, graph);
  if (!support.supported) return Fail(result, JobStatus::kUnsupported, support.reason);
  std::vector<HostTensor> inputs = SeededInputs(graph, config.weight_seed);
  result.phases.model_load = MonotonicSeconds() - t0;
  // Settled before the weights may be freed: the cache key needs them.
  const ReferencePaths reference_paths = ReferencePathsFor(request, zoo::WeightsDigest(graph));

  t0 = MonotonicSeconds();
  std::unique_ptr<backends::Session> session;
  backends::Status status = backend->Prepare(graph, options, session);
  result.phases.prepare = MonotonicSeconds() - t0;
  if (!status.ok && IsPrecisionRefusal(config.precision, status.message))
    return Fail(result, JobStatus::kUnsupported, status.message);
  if (!status.ok || !session)
    return Fail(result, JobStatus::kFailed, "prepare failed: " + status.message);
  status = CheckSessionKernels(config.precision, *session, result.kernels);
  if (!status.ok) return Fail(result, JobStatus::kFailed, status.message);
  status = session->SetInputs(inputs);
  if (!status.ok)
    return Fail(result, JobStatus::kFailed, "staging inputs failed: " + status.message);

  const bool verifying = request.verify && config.backend != "reference";
  // Only whether the cache holds the reference is settled here; its outputs are read after
  // the footprint is taken, so they are not counted as the backend's memory.
  std::error_code ignored;
  const bool cached = verifying && !request.cache_dir.empty() &&
                      std::filesystem::exists(reference_paths.main, ignored) &&
                      std::filesystem::exists(reference_paths.alt, ignored);
  // What the worker does not need any more is not the backend's memory: the weights, once
  // the backend holds its own copy (unless the reference must still be computed here).
  const bool graph_released = !backend->SessionKeepsGraph() && (cached || !verifying);
  if (graph_released) {
    for (size_t v = 0; v < graph.values().size(); ++v) {
      ir::Value& value = graph.mutable_value(static_cast<ir::ValueId>(v));
      if (value.kind == ir::ValueKind::kConstant) std::vector<float>().swap(value.data);
    }
  }

  t0 = MonotonicSeconds();
  status = session->Run();
  result.phases.first_run = MonotonicSeconds() - t0;
  if (!status.ok) return Fail(result, JobStatus::kFailed, "first run failed: " + status.message);
  result.footprint_bytes = CurrentRssBytes() - rss_before_load;

  // The reference is the oracle; checking it against itself would prove nothing.
  if (verifying) {
    std::vector<HostTensor> outputs;
    status = session->GetOutputs(outputs);
    if (!status.ok)
      return Fail(result, JobStatus::kFailed, "reading outputs failed: " + status.message);
    // Normally the launcher's reference worker filled the cache; without one (or with a
    // damaged entry, which ComputeReference recomputes when the weights are still here)
    // the reference runs here, after the footprint was taken.
    std::vector<HostTensor> expected;
    std::vector<HostTensor> expected_alt;
    const bool loaded = cached && LoadReferenceOutputs(reference_paths.main, expected) &&
                        LoadReferenceOutputs(reference_paths.alt, expected_alt);
    if (!loaded && graph_released) {
      return Fail(result, JobStatus::kFailed,
                  "the cached reference outputs became unreadable during the job");
    }
    if (!loaded &&
        !ComputeReference(request, graph, reference_paths, expected, expected_alt, error)) {
      return Fail(result, JobStatus::kFailed, error);
    }
    std::string mismatch;
    result.verification =
        CompareOutputs(expected, outputs, ToleranceFor(config.precision), mismatch);
    if (!result.verification->passed) return Fail(result, JobStatus::kVerifyFailed, mismatch);
    // Matching outputs that any constant-emitting engine would match prove nothing: the
    // job is timed, but its verification is recorded as uninformative, not as a pass.
    JudgeInformativeness(expected, expected_alt, *result.verification);
  }
  if (request.mode == WorkerRequest::Mode::kVerify) {
    if (passes) AddGraphPassQuality(request, *passes, *result.graph_passes);
    result.status = JobStatus::kOk;
    return;
  }
  MeasureSession(*session, request.measure, result);
  if (request.mode == WorkerRequest::Mode::kProfile && result.status == JobStatus::kOk) {
    ProfileSession(*session, graph, request.profile_runs, result);
  }
  // After the measurement, so reference runs it may need never disturb the timing.
  if (passes) AddGraphPassQuality(request, *passes, *result.graph_passes);
}

// Out of memory is a result, not a crash to diagnose: exiting from the new-handler is
// deterministic, where a bad_alloc might be swallowed, rethrown through noexcept code
// or fail to allocate its own exception object.
[[noreturn]] void ExitOutOfMemory() {
  static const char kMessage[] = "edgebench worker: out of memory\n";
  (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  _exit(kWorkerOutOfMemoryExit);
}

}  // namespace

backends::BackendOptions OptionsFor(const JobConfig& config) {
  return {
      .threads = config.threads, .precision = config.precision, .toggles = BackendToggles(config)};
}

JobResult ExecuteJob(const WorkerRequest& request, const backends::BackendRegistry& registry) {
  JobResult result;
  result.config = request.config;
  try {
    // A precision still among the toggles (a job planned elsewhere) is the job's precision.
    WorkerRequest normalized = request;
    normalized.config = WithPrecisionFromToggles(request.config);
    ExecuteJobOrThrow(normalized, registry, result);
  } catch (const std::bad_alloc&) {
    result.status = JobStatus::kOutOfMemory;
    result.error = "out of memory";
  } catch (const std::exception& error) {
    result.status = JobStatus::kFailed;
    result.error = error.what();
  }
  return result;
}

int WorkerMain(int argc, char** argv, const backends::BackendRegistry& registry) {
  return WorkerMain(argc, argv, [&registry](const std::string&) { return registry; });
}

int WorkerMain(int argc, char** argv, const RegistryFactory& make_registry) {
  const double main_time = MonotonicSeconds();
  if (argc != 4 || std::strcmp(argv[1], kWorkerArgument) != 0) {
    fmt::print(stderr, "usage: {} {} REQUEST_JSON RESULT_FD\n", argv[0], kWorkerArgument);
    return 2;
  }
  std::set_new_handler(ExitOutOfMemory);
  const int result_fd = std::atoi(argv[3]);
  // Nothing the backend starts may inherit the result pipe: the parent reads it to the
  // worker's exit, not to whoever else holds it.
  fcntl(result_fd, F_SETFD, FD_CLOEXEC);
  // One byte tells the parent the worker started: a death before it means the process
  // could not even start (e.g. under a memory cap too small to map the binary).
  if (write(result_fd, " ", 1) != 1) {
    fmt::print(stderr,
               "worker: cannot write to result descriptor {}: {} (a launcher that closes "
               "inherited descriptors must pass it on, e.g. podman run --preserve-fds=1)\n",
               result_fd, std::strerror(errno));
    return 3;
  }
  WorkerRequest request;
  try {
    request = WorkerRequestFromJson(nlohmann::json::parse(argv[2]));
  } catch (const std::exception& error) {
    fmt::print(stderr, "worker: bad request: {}\n", error.what());
    return 2;
  }
  // The registry comes from the request: the worker loads exactly the plugins the parent
  // listed, never those of a default directory.
  JobResult result = ExecuteJob(request, make_registry(request.plugin_dir));
  result.phases.process_start = main_time - request.spawn_time;
  // Evidence of where this ran (a container's namespaces), read from inside.
  result.worker_pid = getpid();
  result.worker_namespaces = OwnNamespaces();
  const std::string text = JsonText(ToJson(result));
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = write(result_fd, text.data() + written, text.size() - written);
    if (n <= 0) return 3;
    written += static_cast<size_t>(n);
  }
  close(result_fd);
  return 0;
}

}  // namespace edgebench::harness
