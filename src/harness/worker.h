#pragma once

#include <functional>

#include "backends/registry.h"
#include "harness/job_json.h"

namespace edgebench::harness {

/// The argument that turns a re-executed edgebench (or test) binary into a worker.
inline constexpr const char* kWorkerArgument = "__worker";

/// Exit code of a worker whose memory allocation failed (see WorkerMain).
inline constexpr int kWorkerOutOfMemoryExit = 86;
/// Exit code of a forked child that could not join its job's memory cgroup.
inline constexpr int kWorkerCgroupJoinFailedExit = 87;

/// The options a job's configuration asks of its backend (threads, precision, toggles).
backends::BackendOptions OptionsFor(const JobConfig& config);

/// Runs one job in this process and returns its result: load the backend, build the
/// model with seeded weights, prepare, first run, verify against the reference, then
/// warm up and measure. Every failure becomes a status in the result; nothing throws.
JobResult ExecuteJob(const WorkerRequest& request, const backends::BackendRegistry& registry);

/// Worker process entry point: `BINARY __worker REQUEST_JSON RESULT_FD`. Writes the
/// result JSON to RESULT_FD and returns the process exit code (0 when a result was
/// written, whatever the job's status). A failed operator new ends the worker at once
/// with kWorkerOutOfMemoryExit, whoever would have caught the exception.
int WorkerMain(int argc, char** argv, const backends::BackendRegistry& registry);

/// Makes the registry for a plugin directory (the one the request names).
using RegistryFactory = std::function<backends::BackendRegistry(const std::string& plugin_dir)>;

/// As above, with the registry built for the request's plugin directory, so the worker
/// loads exactly the plugins the parent chose. Writes one byte to RESULT_FD as soon as it
/// starts (the parent's proof that the worker ran at all).
int WorkerMain(int argc, char** argv, const RegistryFactory& make_registry);

}  // namespace edgebench::harness
