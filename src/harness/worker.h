#pragma once

#include "backends/registry.h"
#include "harness/job_json.h"

namespace edgebench::harness {

/// The argument that turns a re-executed edgebench (or test) binary into a worker.
inline constexpr const char* kWorkerArgument = "__worker";

/// Exit code of a worker whose memory allocation failed (see WorkerMain).
inline constexpr int kWorkerOutOfMemoryExit = 86;

/// Runs one job in this process and returns its result: load the backend, build the
/// model with seeded weights, prepare, first run, verify against the reference, then
/// warm up and measure. Every failure becomes a status in the result; nothing throws.
JobResult ExecuteJob(const WorkerRequest& request, const backends::BackendRegistry& registry);

/// Worker process entry point: `BINARY __worker REQUEST_JSON RESULT_FD`. Writes the
/// result JSON to RESULT_FD and returns the process exit code (0 when a result was
/// written, whatever the job's status). A failed operator new ends the worker at once
/// with kWorkerOutOfMemoryExit, whoever would have caught the exception.
int WorkerMain(int argc, char** argv, const backends::BackendRegistry& registry);

}  // namespace edgebench::harness
