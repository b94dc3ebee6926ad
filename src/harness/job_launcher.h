#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/job_json.h"
#include "harness/job_runner.h"

namespace edgebench::harness {

/// What every worker of a run shares.
struct LaunchOptions {
  WorkerRequest::Mode mode = WorkerRequest::Mode::kRun;  // kRun or kVerify
  MeasureOptions measure;
  bool verify = true;
  std::string plugin_dir;
  std::string cache_dir;
  RunnerOptions runner;
  /// Evict the backend's libraries from the page cache before each worker loads them.
  bool cold = false;
  int64_t profile_runs = 10;  // kProfile: profiled inferences per worker
};

/// Starts the worker processes of a run's jobs. Before a job's first timed worker it
/// computes the model's reference outputs in a worker of their own (once per model and
/// seed; cached on disk), so the timed worker's time and memory are the backend's. With
/// `cold`, it learns once per backend which libraries loading it maps (a worker that only
/// loads it) and evicts them before every worker of that backend.
class JobLauncher {
 public:
  explicit JobLauncher(LaunchOptions options) : options_(std::move(options)) {}

  /// What must happen before a job's timed worker and is not part of it: the model's
  /// reference outputs, and with `cold` the backend probe. The scheduler calls it before
  /// the cool-down, so this work never heats the machine right before a measurement.
  void Prepare(const JobConfig& config);

  /// Runs one repetition of `config` (preparing it first if Prepare was not called);
  /// never throws for worker misbehaviour.
  JobResult Run(const JobConfig& config, int repetition);

  /// Loads `backend` in a worker of its own, never in this process (whose mappings would
  /// keep the libraries resident): status ok or unavailable with the reason, the version,
  /// and every library loading it mapped. Cached per backend once it succeeds.
  JobResult ProbeBackend(const std::string& backend);

  /// Checks a user's model file in a worker, so a parser crash on a hostile file is an
  /// error message, not a dead run. `input_shape` (formats::FormatInputShapes text) is
  /// applied as jobs will apply it. Returns an empty string when the file loads.
  std::string CheckModelFile(const std::string& path, const std::string& input_shape = "");

  /// `edgebench infer`: one inference of `config` on `input_files` in a worker, its
  /// tensors and summary written to `output_dir` (WorkerRequest::Mode::kInfer). With
  /// `verify`, the reference outputs for the same inputs are computed first in a worker of
  /// their own (cached); if that fails, the inference still runs, uncompared, and
  /// `reference_error` says why. Never throws for worker misbehaviour.
  JobResult Infer(const JobConfig& config, const std::vector<InputFile>& input_files,
                  const std::string& output_dir, std::string& reference_error);

  /// Evicts from the page cache every library that loading `config.backend` maps (learnt
  /// from ProbeBackend); returns their paths, or nothing when the probe failed or any
  /// eviction did (then the start would not be cold, and is not recorded as such).
  std::vector<std::string> EvictBackendLibraries(const JobConfig& config);

 private:
  WorkerRequest Request(WorkerRequest::Mode mode, const JobConfig& config) const;
  // Options for a worker that is not measured: no memory cap, the run's time-out.
  RunnerOptions UnmeasuredRunner() const;
  // Empty when the reference is ready (or not needed); else why it could not be computed.
  std::string EnsureReference(const JobConfig& config);

  LaunchOptions options_;
  std::map<std::string, std::string> reference_errors_;  // by model, shapes and seed
  std::map<std::string, JobResult> probes_;              // successful probes, by backend
};

}  // namespace edgebench::harness
