#include "harness/job_json.h"

#include <cmath>

#include "common/json_integer.h"
#include "harness/job_fields.h"

namespace edgebench::harness {

using nlohmann::json;

namespace {

json InputFilesToJson(const std::vector<InputFile>& files) {
  json list = json::array();
  for (const InputFile& file : files) list.push_back({{"name", file.name}, {"path", file.path}});
  return list;
}

}  // namespace

json ToJson(const JobConfig& config) {
  return {{"model", config.model},
          {"backend", config.backend},
          {"threads", config.threads},
          {"cpu_affinity", config.cpu_affinity},
          {"precision", config.precision},
          {"weight_seed", config.weight_seed},
          {"input_shape", config.input_shape},
          {"toggles", config.toggles},
          {"wrapper", config.wrapper}};
}

JobConfig JobConfigFromJson(const json& j) {
  return {.model = j.at("model").get<std::string>(),
          .backend = j.at("backend").get<std::string>(),
          .threads = JsonInteger<int>(j.at("threads")),
          .cpu_affinity = j.at("cpu_affinity").get<std::string>(),
          .precision = j.at("precision").get<std::string>(),
          .weight_seed = JsonInteger<uint64_t>(j.at("weight_seed")),
          .input_shape = j.value("input_shape", std::string()),
          .toggles = j.value("toggles", std::string()),
          .wrapper = j.value("wrapper", std::string())};
}

json ToJson(const MeasureOptions& o) {
  return {{"warmup_runs", o.warmup_runs}, {"warmup_time", o.warmup_time}, {"min_runs", o.min_runs},
          {"min_time", o.min_time},       {"max_runs", o.max_runs},       {"max_time", o.max_time},
          {"target_ci", o.target_ci}};
}

MeasureOptions MeasureOptionsFromJson(const json& j) {
  return {.warmup_runs = JsonInteger<int64_t>(j.at("warmup_runs")),
          .warmup_time = j.at("warmup_time").get<double>(),
          .min_runs = JsonInteger<int64_t>(j.at("min_runs")),
          .min_time = j.at("min_time").get<double>(),
          .max_runs = JsonInteger<int64_t>(j.at("max_runs")),
          .max_time = j.at("max_time").get<double>(),
          .target_ci = j.at("target_ci").get<double>()};
}

const char* WorkerModeName(WorkerRequest::Mode mode) {
  switch (mode) {
    case WorkerRequest::Mode::kRun:
      return "run";
    case WorkerRequest::Mode::kVerify:
      return "verify";
    case WorkerRequest::Mode::kReference:
      return "reference";
    case WorkerRequest::Mode::kListLibraries:
      return "list-libraries";
    case WorkerRequest::Mode::kCheckModel:
      return "check-model";
    case WorkerRequest::Mode::kInfer:
      return "infer";
    case WorkerRequest::Mode::kProfile:
      return "profile";
  }
  return "unknown";
}

json ToJson(const WorkerRequest& r) {
  return {
      {"mode", WorkerModeName(r.mode)},
      {"config", ToJson(r.config)},
      {"measure", ToJson(r.measure)},
      {"verify", r.verify},
      {"plugin_dir", r.plugin_dir},
      {"cache_dir", r.cache_dir},
      {"spawn_time", r.spawn_time},
      {"memory_limit_bytes", r.memory_limit_bytes ? json(*r.memory_limit_bytes) : json(nullptr)},
      {"input_files", InputFilesToJson(r.input_files)},
      {"output_dir", r.output_dir},
      {"reference_alt", r.reference_alt},
      {"profile_runs", r.profile_runs}};
}

WorkerRequest WorkerRequestFromJson(const json& j) {
  WorkerRequest r;
  const std::string mode = j.at("mode").get<std::string>();
  bool known = false;
  for (auto candidate :
       {WorkerRequest::Mode::kRun, WorkerRequest::Mode::kVerify, WorkerRequest::Mode::kReference,
        WorkerRequest::Mode::kListLibraries, WorkerRequest::Mode::kCheckModel,
        WorkerRequest::Mode::kInfer, WorkerRequest::Mode::kProfile}) {
    if (mode == WorkerModeName(candidate)) {
      r.mode = candidate;
      known = true;
    }
  }
  if (!known) throw json::other_error::create(501, "unknown worker mode '" + mode + "'", &j);
  r.config = JobConfigFromJson(j.at("config"));
  r.measure = MeasureOptionsFromJson(j.at("measure"));
  r.verify = j.at("verify").get<bool>();
  r.plugin_dir = j.at("plugin_dir").get<std::string>();
  r.cache_dir = j.at("cache_dir").get<std::string>();
  r.spawn_time = j.at("spawn_time").get<double>();
  const json& limit = j.at("memory_limit_bytes");
  if (!limit.is_null()) r.memory_limit_bytes = JsonInteger<int64_t>(limit);
  // Absent from requests that need neither (every mode but kInfer and kReference).
  if (j.contains("input_files")) {
    for (const json& file : j.at("input_files").get<std::vector<json>>()) {
      r.input_files.push_back(
          {.name = file.at("name").get<std::string>(), .path = file.at("path").get<std::string>()});
    }
  }
  r.output_dir = j.value("output_dir", std::string());
  r.reference_alt = j.value("reference_alt", true);
  if (j.contains("profile_runs")) r.profile_runs = JsonInteger<int64_t>(j.at("profile_runs"));
  return r;
}

json ToJson(const GraphPassResult& g) {
  // NaN (no classifier-like output) is written as null, which JSON can hold.
  auto real = [](double value) { return std::isnan(value) ? json(nullptr) : json(value); };
  return {{"summary", g.summary},
          {"macs_before", g.macs_before},
          {"macs_after", g.macs_after},
          {"quality_inputs", g.quality_inputs},
          {"rel_l2_mean", real(g.rel_l2_mean)},
          {"rel_l2_max", real(g.rel_l2_max)},
          {"top1_agreement", real(g.top1_agreement)},
          {"top5_agreement", real(g.top5_agreement)},
          {"quality_error", g.quality_error}};
}

GraphPassResult GraphPassResultFromJson(const json& j) {
  auto real = [&j](const char* key) {
    const json& value = j.at(key);
    return value.is_null() ? std::nan("") : value.get<double>();
  };
  return {.summary = j.at("summary").get<std::string>(),
          .macs_before = JsonInteger<int64_t>(j.at("macs_before")),
          .macs_after = JsonInteger<int64_t>(j.at("macs_after")),
          .quality_inputs = JsonInteger<int>(j.at("quality_inputs")),
          .rel_l2_mean = real("rel_l2_mean"),
          .rel_l2_max = real("rel_l2_max"),
          .top1_agreement = real("top1_agreement"),
          .top5_agreement = real("top5_agreement"),
          .quality_error = j.value("quality_error", std::string())};
}

json ToJson(const JobResult& r) {
  json j = JobFieldsToJson(r);
  j["samples"] = r.samples;
  if (r.verification) j["verification"] = ToJson(*r.verification);
  if (!r.loaded_libraries.empty()) j["loaded_libraries"] = r.loaded_libraries;
  if (r.measure_end_s > r.measure_start_s) {
    j["measure_window_s"] = {r.measure_start_s, r.measure_end_s};
  }
  if (r.layer_profile) j["layer_profile"] = ToJson(*r.layer_profile);
  if (r.graph_passes) j["graph_passes"] = ToJson(*r.graph_passes);
  return j;
}

JobResult JobResultFromJson(const json& j) {
  JobResult r;
  JobFieldsFromJson(j, r);
  r.samples = j.at("samples").get<std::vector<double>>();
  if (j.contains("verification")) r.verification = VerificationFromJson(j.at("verification"));
  if (j.contains("loaded_libraries")) {
    r.loaded_libraries = j.at("loaded_libraries").get<std::vector<std::string>>();
  }
  if (j.contains("measure_window_s")) {
    const auto window = j.at("measure_window_s").get<std::vector<double>>();
    if (window.size() == 2) {
      r.measure_start_s = window[0];
      r.measure_end_s = window[1];
    }
  }
  if (j.contains("layer_profile")) r.layer_profile = LayerProfileFromJson(j.at("layer_profile"));
  if (j.contains("graph_passes")) r.graph_passes = GraphPassResultFromJson(j.at("graph_passes"));
  return r;
}

}  // namespace edgebench::harness
