#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/job_json.h"

namespace edgebench::harness {

struct RunnerOptions {
  std::string worker_executable;  // the binary to re-execute; empty = /proc/self/exe
  double timeout_seconds = 600;
  /// The worker's memory cap: resident memory through a per-job cgroup (v2) where this
  /// process may create one, else RLIMIT_AS (address space). The result says which.
  std::optional<int64_t> memory_limit_bytes;
  bool prefer_cgroup = true;  // false: always RLIMIT_AS (tests of that path)
  size_t stderr_tail_bytes = 4096;
};

/// Runs one job in a fresh worker process so that a crash, abort, exit() or hang in a
/// backend becomes one failed result and the caller goes on. Never throws for worker
/// misbehaviour; the result's status says what happened.
JobResult RunJobInWorker(const WorkerRequest& request, const RunnerOptions& options);

/// Parses "512M", "1G", "1.5G", "4096" (bytes); nullopt when malformed or not positive.
std::optional<int64_t> ParseByteSize(const std::string& text);

}  // namespace edgebench::harness
