#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace edgebench::harness {

/// How a job ended. Every outcome is a result worth storing; none aborts a run.
enum class JobStatus {
  kOk,            // timed, and its output verified (or verification was waived)
  kUnsupported,   // the backend cannot run this model (reason in `error`)
  kUnavailable,   // the backend's library is missing on this machine
  kVerifyFailed,  // output disagreed with the reference; timing refused
  kFailed,        // the backend reported an error
  kCrashed,       // the worker died from a signal (segfault, abort, ...)
  kExited,        // the worker called exit() with a non-zero code
  kTimeout,       // the worker exceeded the per-job time-out and was killed
  kOutOfMemory,   // the worker hit the address-space cap
};

/// Stable lower-case name stored in the database ("ok", "verify_failed", ...).
const char* JobStatusName(JobStatus status);
/// Inverse of JobStatusName; nullopt for unknown text.
std::optional<JobStatus> ParseJobStatus(const std::string& text);

/// What a job runs: the configuration that --resume matches on.
struct JobConfig {
  std::string model;    // canonical model id, e.g. "resnet-18" or "yolov3@320x320"
  std::string backend;  // backend id, e.g. "reference"
  int threads = 1;
  std::string cpu_affinity;  // e.g. "0-1"; empty = not pinned
  std::string precision = "fp32";
  uint64_t weight_seed = 0;
};

/// Wall-clock seconds of each start-up phase, measured in the worker.
struct PhaseTimes {
  double process_start = 0;  // fork/exec until the worker's main() ran
  double library_load = 0;   // backend library loaded and initialised
  double model_load = 0;     // model graph built and its seeded weights generated
  double prepare = 0;        // graph built, weights packed, plan made
  double first_run = 0;      // the first inference
};

/// Order statistics and the validity verdict of a job's steady-state samples.
struct SampleSummary {
  int64_t count = 0;
  double min = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
  double mean = 0, stddev = 0, cov = 0;
  double median_ci_low = 0, median_ci_high = 0;  // 95 % confidence interval of p50
  bool valid = false;
  std::string verdict_reason;  // why INVALID (empty when VALID)
  std::string recommendation;  // what to change to get a VALID result
};

/// Output comparison against the reference backend.
struct Verification {
  double max_abs_error = 0;
  double rel_l2_error = 0;
  double top5_agreement = 0;  // fraction of the reference's top-5 found in ours
  double tolerance = 0;       // rel L2 bound applied
  bool passed = false;
};

/// Everything one job produced.
struct JobResult {
  JobConfig config;
  JobStatus status = JobStatus::kFailed;
  std::string error;  // message, or the worker's stderr tail
  std::optional<int> exit_code;
  std::optional<int> signal;
  PhaseTimes phases;
  std::vector<double> samples;  // steady-state latencies, seconds, in run order
  SampleSummary summary;
  std::optional<Verification> verification;
  int64_t peak_rss_bytes = 0;
  std::string backend_version;
};

}  // namespace edgebench::harness
