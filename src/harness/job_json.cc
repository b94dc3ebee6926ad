#include "harness/job_json.h"

#include <cmath>
#include <limits>

namespace edgebench::harness {

using nlohmann::json;

namespace {

// JSON has no infinity or NaN; a non-finite error figure travels as null.
json FiniteOrNull(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

double NullAsInfinity(const json& value) {
  return value.is_null() ? std::numeric_limits<double>::infinity() : value.get<double>();
}

}  // namespace

json ToJson(const JobConfig& config) {
  return {{"model", config.model},         {"backend", config.backend},
          {"threads", config.threads},     {"cpu_affinity", config.cpu_affinity},
          {"precision", config.precision}, {"weight_seed", config.weight_seed}};
}

JobConfig JobConfigFromJson(const json& j) {
  return {.model = j.at("model").get<std::string>(),
          .backend = j.at("backend").get<std::string>(),
          .threads = j.at("threads").get<int>(),
          .cpu_affinity = j.at("cpu_affinity").get<std::string>(),
          .precision = j.at("precision").get<std::string>(),
          .weight_seed = j.at("weight_seed").get<uint64_t>()};
}

json ToJson(const MeasureOptions& o) {
  return {{"warmup_runs", o.warmup_runs}, {"warmup_time", o.warmup_time}, {"min_runs", o.min_runs},
          {"min_time", o.min_time},       {"max_runs", o.max_runs},       {"max_time", o.max_time},
          {"target_ci", o.target_ci}};
}

MeasureOptions MeasureOptionsFromJson(const json& j) {
  return {.warmup_runs = j.at("warmup_runs").get<int64_t>(),
          .warmup_time = j.at("warmup_time").get<double>(),
          .min_runs = j.at("min_runs").get<int64_t>(),
          .min_time = j.at("min_time").get<double>(),
          .max_runs = j.at("max_runs").get<int64_t>(),
          .max_time = j.at("max_time").get<double>(),
          .target_ci = j.at("target_ci").get<double>()};
}

json ToJson(const WorkerRequest& r) {
  return {{"mode", r.mode == WorkerRequest::Mode::kRun ? "run" : "verify"},
          {"config", ToJson(r.config)},
          {"measure", ToJson(r.measure)},
          {"verify", r.verify},
          {"plugin_dir", r.plugin_dir},
          {"cache_dir", r.cache_dir},
          {"spawn_time", r.spawn_time}};
}

WorkerRequest WorkerRequestFromJson(const json& j) {
  return {.mode = j.at("mode").get<std::string>() == "run" ? WorkerRequest::Mode::kRun
                                                           : WorkerRequest::Mode::kVerify,
          .config = JobConfigFromJson(j.at("config")),
          .measure = MeasureOptionsFromJson(j.at("measure")),
          .verify = j.at("verify").get<bool>(),
          .plugin_dir = j.at("plugin_dir").get<std::string>(),
          .cache_dir = j.at("cache_dir").get<std::string>(),
          .spawn_time = j.at("spawn_time").get<double>()};
}

json ToJson(const JobResult& r) {
  json j = {{"config", ToJson(r.config)},
            {"status", JobStatusName(r.status)},
            {"error", r.error},
            {"phases",
             {{"process_start", r.phases.process_start},
              {"library_load", r.phases.library_load},
              {"model_load", r.phases.model_load},
              {"prepare", r.phases.prepare},
              {"first_run", r.phases.first_run}}},
            {"samples", r.samples},
            {"peak_rss_bytes", r.peak_rss_bytes},
            {"backend_version", r.backend_version}};
  if (r.verification) {
    j["verification"] = {{"max_abs_error", FiniteOrNull(r.verification->max_abs_error)},
                         {"rel_l2_error", FiniteOrNull(r.verification->rel_l2_error)},
                         {"top5_agreement", r.verification->top5_agreement},
                         {"tolerance", r.verification->tolerance},
                         {"passed", r.verification->passed}};
  }
  return j;
}

JobResult JobResultFromJson(const json& j) {
  JobResult r;
  r.config = JobConfigFromJson(j.at("config"));
  auto status = ParseJobStatus(j.at("status").get<std::string>());
  if (!status) throw json::other_error::create(501, "unknown job status", &j);
  r.status = *status;
  r.error = j.at("error").get<std::string>();
  const json& phases = j.at("phases");
  r.phases = {.process_start = phases.at("process_start").get<double>(),
              .library_load = phases.at("library_load").get<double>(),
              .model_load = phases.at("model_load").get<double>(),
              .prepare = phases.at("prepare").get<double>(),
              .first_run = phases.at("first_run").get<double>()};
  r.samples = j.at("samples").get<std::vector<double>>();
  r.peak_rss_bytes = j.at("peak_rss_bytes").get<int64_t>();
  r.backend_version = j.at("backend_version").get<std::string>();
  if (j.contains("verification")) {
    const json& v = j.at("verification");
    r.verification = Verification{.max_abs_error = NullAsInfinity(v.at("max_abs_error")),
                                  .rel_l2_error = NullAsInfinity(v.at("rel_l2_error")),
                                  .top5_agreement = v.at("top5_agreement").get<double>(),
                                  .tolerance = v.at("tolerance").get<double>(),
                                  .passed = v.at("passed").get<bool>()};
  }
  return r;
}

}  // namespace edgebench::harness
