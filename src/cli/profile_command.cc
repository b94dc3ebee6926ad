#include "cli/profile_command.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "backends/registry.h"
#include "cli/job_selection.h"
#include "cli/option_checks.h"
#include "common/build_info.h"
#include "common/json_text.h"
#include "formats/model_source.h"
#include "harness/environment.h"
#include "harness/job_launcher.h"
#include "harness/job_plan.h"
#include "harness/peak/machine_peak_json.h"
#include "harness/precision_toggles.h"
#include "harness/reference_cache.h"
#include "report/profile_table.h"
#include "store/results_store.h"
#include "zoo/seeded_weights.h"

namespace edgebench::cli {
namespace {

struct ProfileOptions {
  std::vector<std::string> models;  // --model: zoo ids and model files, maybe comma-joined
  std::string weights;
  std::string input_shape;
  std::string backends = "all";
  std::string toggles;
  int threads = 1;
  int64_t runs = 10;
  harness::MeasureOptions measure{.warmup_runs = 2,
                                  .warmup_time = 0.1,
                                  .min_runs = 10,
                                  .min_time = 0.5,
                                  .max_runs = 100000,
                                  .max_time = 5.0,
                                  .target_ci = 0.01};
  double timeout = 600;
  std::string db = "edgebench.db";
  std::string format = "table";
  bool no_verify = false;
  uint64_t seed = zoo::kDefaultWeightSeed;
  std::string plugin_dir;
  std::string cache_dir;
};

// One model's table in the chosen format; JSON and CSV rows carry the model.
void PrintModel(const std::string& model, const std::vector<report::BackendProfile>& profiles,
                const std::optional<harness::peak::MachinePeak>& peak, report::OutputFormat format,
                nlohmann::json& json_rows) {
  const std::vector<std::string> notes = report::ProfileNotes(profiles);
  if (notes.size() == profiles.size()) {  // no backend profiled: no table of dashes
    std::cerr << fmt::format("{}: no backend produced a per-layer profile\n", model);
    for (const std::string& note : notes) std::cerr << model << ": " << note << "\n";
    return;
  }
  report::Table table = report::ProfileTable(profiles, peak);
  if (format == report::OutputFormat::kTable || format == report::OutputFormat::kMarkdown) {
    std::cout << fmt::format(
        "\n{}: per-layer time per inference (median of each layer over the "
        "profiled runs)\n",
        model);
    std::cout << report::Render(table, format);
    for (const std::string& note : notes) std::cout << note << "\n";
    return;
  }
  for (const std::string& note : notes) std::cerr << model << ": " << note << "\n";
  table.columns.insert(table.columns.begin(), {"model", "model"});
  for (auto& row : table.rows) row.insert(row.begin(), report::TextCell(model));
  if (format == report::OutputFormat::kJson) {
    for (nlohmann::json& row : nlohmann::json::parse(report::Render(table, format))) {
      json_rows.push_back(std::move(row));
    }
  } else {
    std::cout << report::Render(table, format);
  }
}

int RunProfile(const ProfileOptions& options) {
  const std::optional<report::OutputFormat> format = report::ParseOutputFormat(options.format);
  const backends::BackendRegistry registry = backends::DefaultRegistry(
      options.plugin_dir.empty() ? backends::DefaultPluginDir() : options.plugin_dir);
  harness::JobLauncher launcher(
      {.mode = harness::WorkerRequest::Mode::kProfile,
       .measure = options.measure,
       .verify = !options.no_verify,
       .plugin_dir = registry.plugin_dir(),
       .cache_dir = options.cache_dir.empty() ? harness::DefaultCacheDir() : options.cache_dir,
       .runner = {.timeout_seconds = options.timeout},
       .profile_runs = options.runs});
  // --model takes zoo ids and model files alike; each goes where `run` would take it.
  std::vector<std::string> ids;
  std::vector<std::string> files;
  for (const std::string& option : options.models) {
    for (const std::string& item : harness::SplitList(option)) {
      (formats::IsModelFile(item) ? files : ids).push_back(item);
    }
  }
  std::string id_text;
  for (const std::string& id : ids) id_text += (id_text.empty() ? "" : ",") + id;
  if (id_text.empty()) id_text = files.empty() ? "" : kDefaultModels;
  std::vector<std::string> models;
  std::vector<std::string> backend_ids;
  const std::vector<backends::BackendInfo> infos = registry.List();
  if (!format ||
      !ExpandModels(id_text, files, options.input_shape, launcher, models, options.weights) ||
      !ExpandBackends(options.backends, registry, infos, backend_ids)) {
    return kExitUsage;
  }

  store::ResultsStore store = store::ResultsStore::Open(options.db);
  const harness::Environment environment = harness::CaptureEnvironment();
  nlohmann::json environment_json = harness::ToJson(environment);
  std::optional<harness::peak::MachinePeak> peak;
  if (const auto stored =
          store.LatestMachinePeak(environment.hostname, environment.cpu_model.value_or(""))) {
    environment_json["machine_peak"] = nlohmann::json::parse(stored->peak_json);
    peak = harness::peak::MachinePeakFromJson(environment_json["machine_peak"]);
  }
  const int64_t run_id = store.BeginRun(
      {.device_label = environment.hostname,
       .command_line = Invocation(),
       .environment_json = JsonText(environment_json),
       .build_revision = std::string(BuildRevision()) + (BuildDirty() ? "-dirty" : ""),
       .tool_version = BuildVersion(),
       .schedule_json = JsonText({{"profile_runs", options.runs}})});

  bool failed = false;
  nlohmann::json json_rows = nlohmann::json::array();
  for (const std::string& model : models) {
    std::vector<report::BackendProfile> profiles;
    for (const std::string& backend : backend_ids) {
      harness::JobConfig config = harness::WithPrecisionFromToggles({.model = model,
                                                                     .backend = backend,
                                                                     .threads = options.threads,
                                                                     .weight_seed = options.seed,
                                                                     .toggles = options.toggles});
      if (formats::IsModelFile(model)) config.input_shape = options.input_shape;
      std::cerr << fmt::format("profiling {} on {} ...\n", harness::ModelLabel(config),
                               harness::BackendLabel(config));
      const harness::JobResult result = launcher.Run(config, 1);
      store.RecordJob(run_id, result);
      if (result.status != harness::JobStatus::kOk || !result.layer_profile) {
        std::cerr << fmt::format("{} on {}: {}: {}\n", harness::ModelLabel(config),
                                 harness::BackendLabel(config),
                                 harness::JobStatusName(result.status), result.error);
        failed = failed || result.status != harness::JobStatus::kUnsupported;
        continue;
      }
      profiles.push_back({.backend = harness::BackendLabel(config),
                          .threads = options.threads,
                          .profile = *result.layer_profile});
    }
    harness::JobConfig shown{.model = model};
    if (formats::IsModelFile(model)) shown.input_shape = options.input_shape;
    PrintModel(harness::ModelLabel(shown), profiles, peak, *format, json_rows);
  }
  store.FinishRun(run_id);
  if (*format == report::OutputFormat::kJson) std::cout << json_rows.dump(2) << "\n";
  if (*format == report::OutputFormat::kTable) {
    std::cout << fmt::format("\nprofiles stored in {} (run {}){}\n", options.db, run_id,
                             peak ? "" : "; `edgebench peak` adds each layer's share of the peak");
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

Command AddProfileCommand(CLI::App& app) {
  auto options = std::make_shared<ProfileOptions>();
  CLI::App* sub = app.add_subcommand(
      "profile",
      "Per-layer time of models on backends, from each backend's own profiler, mapped to the "
      "model's IR nodes");
  sub->add_option("--model", options->models,
                  "Zoo model ids (ID@SIZE allowed) or model files (ONNX, Darknet cfg); "
                  "comma-separated or repeated")
      ->required();
  sub->add_option("--weights", options->weights,
                  "Darknet .weights for the one --model cfg (default: seeded weights)");
  sub->add_option("--input-shape", options->input_shape,
                  "Shapes to run the models' inputs at: NAME:1x3x224x224[,NAME:DIMS...], or "
                  "1x3x224x224 for one-input models")
      ->transform(InputShapeList());
  sub->add_option("--backends", options->backends,
                  "Comma-separated backend ids, or 'all' available ones")
      ->capture_default_str();
  sub->add_option("--opt", options->toggles,
                  "Optimization toggles joined by '+' (e.g. no-fusion, int8), or 'none' "
                  "(default); int8, fp16 or bf16 sets the precision")
      ->transform(ToggleSet());
  sub->add_option("--threads", options->threads, "Threads per backend")
      ->transform(WholeNumber(1, 4096, "a thread count"))
      ->capture_default_str();
  sub->add_option("--runs", options->runs,
                  "Profiled inferences per backend (each layer's time is their median)")
      ->transform(WholeNumber(1, 100000, "a run count"))
      ->capture_default_str();
  sub->add_option("--min-runs", options->measure.min_runs,
                  "Unprofiled inferences at least, for the end-to-end p50 beside the profile")
      ->transform(WholeNumber(1, int64_t{1} << 40, "a run count"))
      ->capture_default_str();
  sub->add_option("--max-time", options->measure.max_time,
                  "Stop the unprofiled measurement after this many seconds")
      ->check(Seconds(/*positive=*/true))
      ->capture_default_str();
  sub->add_option("--timeout", options->timeout, "Per-job time-out in seconds")
      ->check(Seconds(/*positive=*/true))
      ->capture_default_str();
  sub->add_option("--db", options->db,
                  "Results database: an SQLite file or a postgresql:// URL (env EDGEBENCH_DB)")
      ->envname("EDGEBENCH_DB")
      ->check(DatabaseFile())
      ->capture_default_str();
  sub->add_option("--format", options->format, "Output format: table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}))
      ->capture_default_str();
  sub->add_option("--seed", options->seed, "Seed of the generated weights and input")
      ->transform(Seed())
      ->capture_default_str();
  sub->add_flag("--no-verify", options->no_verify,
                "Profile backends even if their output is not checked against the reference");
  sub->add_option("--plugin-dir", options->plugin_dir, "Where backend plugins are looked up");
  sub->add_option("--cache-dir", options->cache_dir,
                  "Where reference outputs are cached (default ~/.cache/edgebench)");
  return {sub, [options, sub] {
            harness::MeasureOptions& m = options->measure;
            m.max_runs = std::max(m.max_runs, m.min_runs);
            if (sub->count("--max-time") == 0) m.max_time = std::max(m.max_time, m.min_time);
            m.min_time = std::min(m.min_time, m.max_time);
            return RunProfile(*options);
          }};
}

}  // namespace edgebench::cli
