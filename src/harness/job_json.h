#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/job_result.h"
#include "harness/measurement.h"

namespace edgebench::harness {

/// A user's input tensor for one graph input: a .npy file. The empty name stands for the
/// model's only input.
struct InputFile {
  std::string name;
  std::string path;
};

/// What the parent asks a worker process to do (passed as JSON on its command line).
struct WorkerRequest {
  /// kRun: verify, then measure. kVerify: verify only. kReference: compute the model's
  /// reference outputs into the cache (kept out of the timed worker so that its memory
  /// and time are not the backend's), for `input_files` when there are any. kListLibraries:
  /// load the backend and report every shared library that brought in (for --cold
  /// eviction). kCheckModel: only load the model file (a user's file is parsed in a worker
  /// first, never in the parent). kInfer: one inference on `input_files` (seeded inputs
  /// for the graph inputs they leave out), every input and output written to `output_dir`
  /// as .npy with a summary.json comparing each output with the reference.
  /// kProfile: as kRun, then time each layer over `profile_runs` more inferences with the
  /// backend's profiler on (JobResult::layer_profile).
  enum class Mode { kRun, kVerify, kReference, kListLibraries, kCheckModel, kInfer, kProfile };
  Mode mode = Mode::kRun;
  JobConfig config;
  MeasureOptions measure;
  bool verify = true;  // compare with the reference before timing
  std::string plugin_dir;
  std::string cache_dir;
  double spawn_time = 0;  // CLOCK_MONOTONIC seconds when the parent forked
  /// The cap the parent put on this worker, so that a library that fails to map under it
  /// is reported as out of memory rather than unavailable.
  std::optional<int64_t> memory_limit_bytes;
  std::vector<InputFile> input_files;  // kInfer, kReference
  std::string output_dir;              // kInfer
  /// kReference without input files: also the outputs of the alternative seeded input,
  /// which verification's informativeness check needs and `infer` does not.
  bool reference_alt = true;
  int64_t profile_runs = 10;  // kProfile
};

/// Stable text of a mode ("run", "verify", "reference", "list-libraries", "check-model",
/// "infer", "profile").
const char* WorkerModeName(WorkerRequest::Mode mode);

nlohmann::json ToJson(const JobConfig& config);
JobConfig JobConfigFromJson(const nlohmann::json& json);
nlohmann::json ToJson(const MeasureOptions& options);
MeasureOptions MeasureOptionsFromJson(const nlohmann::json& json);
nlohmann::json ToJson(const WorkerRequest& request);
WorkerRequest WorkerRequestFromJson(const nlohmann::json& json);
/// The worker's report. Samples are included: the parent stores every one.
/// The job's scalar fields (job_fields.h), its samples, its verification and, for
/// kListLibraries, the libraries loaded.
nlohmann::json ToJson(const JobResult& result);
/// A job's graph-pass record (JobResult::graph_passes); NaN figures travel as null.
nlohmann::json ToJson(const GraphPassResult& passes);
GraphPassResult GraphPassResultFromJson(const nlohmann::json& json);
/// Throws nlohmann::json::exception on malformed input.
JobResult JobResultFromJson(const nlohmann::json& json);

}  // namespace edgebench::harness
