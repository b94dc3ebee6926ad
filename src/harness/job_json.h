#pragma once

#include <nlohmann/json.hpp>

#include "harness/job_result.h"
#include "harness/measurement.h"

namespace edgebench::harness {

/// What the parent asks a worker process to do (passed as JSON on its command line).
struct WorkerRequest {
  enum class Mode { kRun, kVerify };
  Mode mode = Mode::kRun;
  JobConfig config;
  MeasureOptions measure;
  bool verify = true;  // compare with the reference before timing
  std::string plugin_dir;
  std::string cache_dir;
  double spawn_time = 0;  // CLOCK_MONOTONIC seconds when the parent forked
};

nlohmann::json ToJson(const JobConfig& config);
JobConfig JobConfigFromJson(const nlohmann::json& json);
nlohmann::json ToJson(const MeasureOptions& options);
MeasureOptions MeasureOptionsFromJson(const nlohmann::json& json);
nlohmann::json ToJson(const WorkerRequest& request);
WorkerRequest WorkerRequestFromJson(const nlohmann::json& json);
/// The worker's report. Samples are included: the parent stores every one.
nlohmann::json ToJson(const JobResult& result);
/// Throws nlohmann::json::exception on malformed input.
JobResult JobResultFromJson(const nlohmann::json& json);

}  // namespace edgebench::harness
