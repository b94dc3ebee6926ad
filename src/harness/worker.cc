#include "harness/worker.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <new>
#include <string>

#include "backends/reference/reference_backend.h"
#include "common/json_text.h"
#include "formats/model_source.h"
#include "harness/cpu_affinity.h"
#include "harness/measure_loop.h"
#include "harness/monotonic_clock.h"
#include "harness/reference_cache.h"
#include "harness/verification.h"
#include "zoo/seeded_weights.h"

namespace edgebench::harness {
namespace {

using backends::HostTensor;

// Reference outputs for the job's model: from the cache when present, else computed
// with the reference engine and cached for the next backend.
bool ReferenceOutputs(const WorkerRequest& request, const ir::Graph& graph,
                      const std::vector<HostTensor>& inputs, std::vector<HostTensor>& outputs,
                      std::string& error) {
  const std::string path =
      ReferenceCachePath(request.cache_dir, request.config.model, request.config.weight_seed,
                         zoo::WeightsDigest(graph));
  if (!request.cache_dir.empty() && LoadReferenceOutputs(path, outputs)) return true;
  backends::Status status = backends::reference::RunReference(graph, inputs, outputs);
  if (!status.ok) {
    error = "reference run failed: " + status.message;
    return false;
  }
  if (!request.cache_dir.empty()) SaveReferenceOutputs(path, outputs);
  return true;
}

void ExecuteJobOrThrow(const WorkerRequest& request, const backends::BackendRegistry& registry,
                       JobResult& result) {
  const JobConfig& config = request.config;
  if (!config.cpu_affinity.empty()) {
    std::string error;
    if (!PinCurrentProcess(config.cpu_affinity, error)) {
      result.status = JobStatus::kFailed;
      result.error = error;
      return;
    }
  }

  double t0 = MonotonicSeconds();
  std::string error;
  backends::BackendHandle backend = registry.Create(config.backend, error);
  result.phases.library_load = MonotonicSeconds() - t0;
  if (!backend) {
    result.status = registry.Knows(config.backend) ? JobStatus::kUnavailable : JobStatus::kFailed;
    result.error = error;
    return;
  }
  result.backend_version = backend->Version();

  t0 = MonotonicSeconds();
  ir::Graph graph = formats::LoadModel(config.model, config.weight_seed);
  backends::Support support = backends::CheckGraphSupport(*backend, graph);
  if (!support.supported) {
    result.status = JobStatus::kUnsupported;
    result.error = support.reason;
    return;
  }
  std::vector<HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    const ir::Shape& shape = graph.value(id).shape;
    inputs.emplace_back(shape, zoo::SeededInput(shape, config.weight_seed));
  }
  result.phases.model_load = MonotonicSeconds() - t0;

  t0 = MonotonicSeconds();
  std::unique_ptr<backends::Session> session;
  backends::Status status =
      backend->Prepare(graph, {.threads = config.threads, .precision = config.precision}, session);
  result.phases.prepare = MonotonicSeconds() - t0;
  if (!status.ok || !session) {
    result.status = JobStatus::kFailed;
    result.error = "prepare failed: " + status.message;
    return;
  }
  status = session->SetInputs(inputs);
  if (!status.ok) {
    result.status = JobStatus::kFailed;
    result.error = "staging inputs failed: " + status.message;
    return;
  }

  t0 = MonotonicSeconds();
  status = session->Run();
  result.phases.first_run = MonotonicSeconds() - t0;
  if (!status.ok) {
    result.status = JobStatus::kFailed;
    result.error = "first run failed: " + status.message;
    return;
  }

  // The reference is the oracle; checking it against itself would prove nothing.
  if (request.verify && config.backend != "reference") {
    std::vector<HostTensor> outputs;
    std::vector<HostTensor> expected;
    status = session->GetOutputs(outputs);
    if (!status.ok) {
      result.status = JobStatus::kFailed;
      result.error = "reading outputs failed: " + status.message;
      return;
    }
    if (!ReferenceOutputs(request, graph, inputs, expected, error)) {
      result.status = JobStatus::kFailed;
      result.error = error;
      return;
    }
    std::string mismatch;
    result.verification =
        CompareOutputs(expected, outputs, ToleranceFor(config.precision), mismatch);
    if (!result.verification->passed) {
      result.status = JobStatus::kVerifyFailed;
      result.error = mismatch;
      return;
    }
  }
  if (request.mode == WorkerRequest::Mode::kVerify) {
    result.status = JobStatus::kOk;
    return;
  }
  MeasureSession(*session, request.measure, result);
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

JobResult ExecuteJob(const WorkerRequest& request, const backends::BackendRegistry& registry) {
  JobResult result;
  result.config = request.config;
  try {
    ExecuteJobOrThrow(request, registry, result);
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
  WorkerRequest request;
  try {
    request = WorkerRequestFromJson(nlohmann::json::parse(argv[2]));
  } catch (const std::exception& error) {
    fmt::print(stderr, "worker: bad request: {}\n", error.what());
    return 2;
  }
  JobResult result = ExecuteJob(request, registry);
  result.phases.process_start = main_time - request.spawn_time;
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
