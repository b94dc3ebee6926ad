#include "cli/optimizations_command.h"

#include <fmt/format.h>

#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/job_batch.h"
#include "cli/job_selection.h"
#include "cli/optimization_cells.h"
#include "cli/option_checks.h"
#include "common/json_text.h"
#include "formats/model_source.h"
#include "harness/graph_passes_for_job.h"
#include "harness/job_plan.h"
#include "harness/precision_toggles.h"
#include "harness/reference_cache.h"
#include "passes/graph_pass_toggles.h"
#include "report/optimization_table.h"
#include "store/pg_url.h"
#include "zoo/seeded_weights.h"

namespace edgebench::cli {
namespace {

using Cell = report::OptimizationCell;
using State = report::OptimizationCell::State;

constexpr const char* kEager = "libtorch-eager";
constexpr const char* kScript = "libtorch-script";

std::string CanonicalPrune(const std::string& name, double fraction) {
  std::string error;
  const std::optional<std::string> canonical =
      passes::CanonicalGraphPassToggle(fmt::format("{}={}", name, fraction), error);
  return canonical.value_or(fmt::format("{}={}", name, fraction));
}

}  // namespace

int RunOptimizations(const OptimizationsOptions& options, const backends::BackendRegistry& registry,
                     std::ostream& out) {
  const std::optional<report::OutputFormat> format = report::ParseOutputFormat(options.format);
  if (!format) return kExitUsage;
  const std::string cache_dir =
      options.cache_dir.empty() ? harness::DefaultCacheDir() : options.cache_dir;
  harness::JobLauncher launcher({.mode = harness::WorkerRequest::Mode::kRun,
                                 .measure = options.measure,
                                 .verify = !options.no_verify,
                                 .plugin_dir = registry.plugin_dir(),
                                 .cache_dir = cache_dir,
                                 .runner = {.timeout_seconds = options.timeout}});
  std::vector<std::string> ids, files;
  for (const std::string& option : options.models) {
    for (const std::string& item : harness::SplitList(option)) {
      (formats::IsModelFile(item) ? files : ids).push_back(item);
    }
  }
  std::string id_text;
  for (const std::string& id : ids) id_text += (id_text.empty() ? "" : ",") + id;
  if (id_text.empty() && files.empty()) id_text = kDefaultModels;
  std::vector<std::string> models, backend_ids;
  const std::vector<backends::BackendInfo> infos = registry.List();
  if (!ExpandModels(id_text, files, "", launcher, models) ||
      !ExpandBackends(options.backends, registry, infos, backend_ids)) {
    return kExitUsage;
  }
  const std::vector<report::OptimizationColumn> columns = report::OptimizationColumns(
      CanonicalPrune("prune", options.prune), CanonicalPrune("prune-channels", options.prune));

  // Every job the table needs; toggles a backend does not offer are refused here.
  std::map<std::string, backends::BackendHandle> loaded;
  const auto refusal = [&](const harness::JobConfig& config) -> std::optional<std::string> {
    if (!loaded.contains(config.backend)) {
      std::string error;
      backends::BackendHandle backend = registry.Create(config.backend, error);
      if (!backend) return error;
      loaded.emplace(config.backend, std::move(backend));
    }
    const backends::Support support =
        backends::CheckToggleSupport(*loaded.at(config.backend), harness::BackendToggles(config));
    if (support.supported) return std::nullopt;
    return support.reason;
  };
  const auto config_of = [&](const std::string& model, const std::string& backend,
                             const std::string& toggles) {
    // A precision toggle becomes the job's precision, as `run --opt int8` makes it.
    return harness::WithPrecisionFromToggles(harness::JobConfig{
        .model = model,
        .backend = backend,
        .threads = options.threads,
        .weight_seed = options.seed_given ? options.seed : zoo::kDefaultWeightSeed,
        .toggles = toggles});
  };
  std::vector<harness::JobConfig> wanted;
  std::map<std::string, std::string> refused;  // config key -> why
  const auto want = [&](const harness::JobConfig& config) {
    const std::string key = harness::ConfigKey(config);
    for (const harness::JobConfig& c : wanted) {
      if (harness::ConfigKey(c) == key) return;
    }
    if (refused.contains(key)) return;
    if (std::optional<std::string> why = refusal(config)) {
      refused[key] = *why;
      return;
    }
    wanted.push_back(config);
  };
  const bool script_known = registry.Knows(kScript);
  for (const std::string& model : models) {
    for (const std::string& backend : backend_ids) {
      want(config_of(model, backend, ""));
      for (const report::OptimizationColumn& column : columns) {
        if (!column.toggles.empty()) want(config_of(model, backend, column.toggles));
      }
      if (backend == kEager && script_known) want(config_of(model, kScript, ""));
      if (backend == kScript && registry.Knows(kEager)) want(config_of(model, kEager, ""));
    }
  }

  // --no-run only reads: the database is opened read-only, and must exist.
  std::optional<store::ResultsStore> opened;
  try {
    opened.emplace(options.no_run ? store::ResultsStore::OpenReadOnly(options.db)
                                  : store::ResultsStore::Open(options.db));
  } catch (const store::StoreError& error) {
    std::cerr << "edgebench: " << error.what() << "\n";
    return kExitFailure;
  }
  store::ResultsStore& store = *opened;
  // Writing to a PostgreSQL server, the store holds only this process's results: what any
  // board measured before (and the tune searches) is read from the server itself. Once
  // the server is lost, the local results are all there is.
  std::optional<store::ResultsStore> server_view;
  const auto reads = [&]() -> const store::ResultsStore& {
    server_view.reset();
    if (store::IsPostgresUrl(options.db) && !options.no_run && store.UnpushedNotice().empty()) {
      try {
        server_view.emplace(store::ResultsStore::OpenReadOnly(options.db));
      } catch (const store::StoreError& error) {
        std::cerr << "edgebench: " << error.what() << "\n";
      }
    }
    return server_view ? *server_view : store;
  };
  std::set<std::string> keys;
  for (const harness::JobConfig& c : wanted) keys.insert(harness::ConfigKey(c));
  std::map<std::string, harness::PooledJob> stored = StoredJobs(reads(), keys);
  std::vector<harness::JobConfig> missing;
  for (const harness::JobConfig& c : wanted) {
    if (!stored.contains(harness::ConfigKey(c))) missing.push_back(c);
  }
  int failures = 0;
  if (!missing.empty() && !options.no_run) {
    const harness::ScheduleOptions schedule{
        .repetitions = options.repetitions,
        .order_seed = options.order_seed,
        .rules = {.min_samples = options.measure.min_runs,
                  .max_ci_half_width = options.measure.target_ci > 0
                                           ? options.measure.target_ci
                                           : std::numeric_limits<double>::infinity(),
                  .max_process_spread = options.measure.target_ci > 0
                                            ? 2 * options.measure.target_ci
                                            : std::numeric_limits<double>::infinity()}};
    const int64_t run_id = BeginCommandRun(store, options.device_label,
                                           JsonText({{"optimizations", true},
                                                     {"repetitions", schedule.repetitions},
                                                     {"order_seed", schedule.order_seed}}));
    failures = static_cast<int>(RunJobBatch(store, run_id, launcher, missing, schedule).failures);
    store.FinishRun(run_id);
    stored = StoredJobs(reads(), keys);
  }
  const auto find = [&](const harness::JobConfig& config) -> const harness::PooledJob* {
    const auto it = stored.find(harness::ConfigKey(config));
    return it == stored.end() ? nullptr : &it->second;
  };

  std::vector<report::OptimizationRow> rows;
  for (const std::string& model : models) {
    for (const std::string& backend : backend_ids) {
      report::OptimizationRow row{.model = model, .backend = backend};
      const harness::JobConfig default_config = config_of(model, backend, "");
      const harness::PooledJob* fp32 = find(default_config);
      std::string no_baseline = "the fp32 default was not measured";
      if (const auto why = refused.find(harness::ConfigKey(default_config)); why != refused.end()) {
        no_baseline = "no fp32 default: " + why->second;
      } else if (fp32 && Measured(*fp32)) {
        row.default_p50 = fp32->pooled.summary.p50;
      } else if (fp32) {
        no_baseline = "the fp32 default " + FailureText(*fp32);
      }
      for (const report::OptimizationColumn& column : columns) {
        Cell cell;
        if (column.key == "auto_tuning") {
          cell = AutoTuningCell(server_view ? *server_view : store, model, backend);
        } else if (column.key == "dynamic_graph") {
          if (backend != kEager && backend != kScript) {
            cell = {.state = State::kUnsupported,
                    .reason = fmt::format("{} builds its graph once before running it; only "
                                          "LibTorch offers eager (dynamic-graph) execution here",
                                          backend)};
          } else {
            const harness::PooledJob* eager = find(config_of(model, kEager, ""));
            const harness::PooledJob* script = find(config_of(model, kScript, ""));
            cell = Compare(script, eager, "libtorch-script's default was not measured");
            if (cell.state == State::kMeasured) cell.detail = "(eager vs libtorch-script)";
          }
        } else {
          const harness::JobConfig config = config_of(model, backend, column.toggles);
          if (const auto why = refused.find(harness::ConfigKey(config)); why != refused.end()) {
            cell = {.state = State::kUnsupported, .reason = why->second};
          } else if (column.key == "fusion") {
            // What fusion buys: the no-fusion job is the baseline, the default the candidate.
            const harness::PooledJob* unfused = find(config);
            if (unfused && Measured(*unfused) && !(fp32 && Measured(*fp32))) {
              cell = {.state = State::kNotMeasured, .reason = no_baseline};
            } else if (unfused && Measured(*unfused)) {
              cell = Compare(unfused, fp32, no_baseline);
            } else {
              cell = Compare(fp32, unfused, no_baseline);
            }
          } else {
            const harness::PooledJob* job = find(config);
            cell = Compare(fp32, job, no_baseline);
            if (cell.state == State::kMeasured) AddDeviation(*job, cell);
          }
        }
        row.cells.push_back(std::move(cell));
      }
      rows.push_back(std::move(row));
    }
  }

  std::vector<std::string> notes;
  const bool footnotes = *format == report::OutputFormat::kTable;
  const report::Table table = report::OptimizationTable(rows, columns, footnotes, notes);
  out << report::Render(table, *format);
  if (*format == report::OutputFormat::kTable || *format == report::OutputFormat::kMarkdown) {
    out << "\n";
    for (const std::string& note : notes) out << note << "\n";
    if (!notes.empty()) out << "\n";
    for (const std::string& line : report::OptimizationTableFooter()) out << line << "\n";
  }
  return failures == 0 ? kExitOk : kExitFailure;
}

Command AddOptimizationsCommand(CLI::App& app) {
  auto options = std::make_shared<OptimizationsOptions>();
  CLI::App* sub = app.add_subcommand(
      "optimizations",
      "The study's optimization table, measured: per backend, each optimization's speed-up "
      "over its fp32 default and its output deviation, or why it is unsupported");
  sub->add_option("--model", options->models,
                  "Models (zoo ids or files; repeatable, comma-separated; default: " +
                      std::string(kDefaultModels) + ")");
  sub->add_option("--backends", options->backends,
                  "Comma-separated backend ids, or 'all' available ones")
      ->capture_default_str();
  sub->add_option("--prune", options->prune, "Fraction both pruning columns prune")
      ->check(CLI::Range(0.01, 0.99))
      ->capture_default_str();
  sub->add_option("--threads", options->threads, "Threads per backend")
      ->transform(WholeNumber(1, 4096, "a thread count"))
      ->capture_default_str();
  sub->add_flag("--no-run", options->no_run,
                "Only read the database: cells without a stored job say so");
  sub->add_option("--repetitions", options->repetitions, "Worker processes per missing job")
      ->transform(WholeNumber(1, 1000, "a repetition count"))
      ->capture_default_str();
  harness::MeasureOptions& m = options->measure;
  sub->add_option("--min-runs", m.min_runs, "Measure at least this many runs")
      ->transform(WholeNumber(1, int64_t{1} << 40, "a run count"))
      ->capture_default_str();
  sub->add_option("--max-runs", m.max_runs, "Stop after this many runs")
      ->transform(WholeNumber(1, int64_t{1} << 40, "a run count"))
      ->capture_default_str();
  sub->add_option("--min-time", m.min_time, "Measure at least this many seconds")
      ->check(Seconds(/*positive=*/false))
      ->capture_default_str();
  sub->add_option("--max-time", m.max_time, "Stop measuring after this many seconds")
      ->check(Seconds(/*positive=*/true))
      ->capture_default_str();
  sub->add_option("--warmup-runs", m.warmup_runs, "Warm-up runs before measuring")
      ->transform(WholeNumber(0, int64_t{1} << 30, "a run count"))
      ->capture_default_str();
  sub->add_option("--warmup-time", m.warmup_time, "Warm up for at least this many seconds")
      ->check(Seconds(/*positive=*/false))
      ->capture_default_str();
  sub->add_option("--target-ci", m.target_ci,
                  "Stop once the median's 95% CI half-width is within this fraction")
      ->check(Fraction())
      ->capture_default_str();
  sub->add_option("--timeout", options->timeout, "Per-job time-out in seconds")
      ->check(Seconds(/*positive=*/true))
      ->capture_default_str();
  sub->add_flag("--no-verify", options->no_verify,
                "Time backends even if their output is not checked against the reference");
  sub->add_option("--seed", options->seed, "Seed of the generated weights and input")
      ->transform(Seed());
  sub->add_option("--order-seed", options->order_seed, "Seed of the interleaved job order")
      ->transform(Seed())
      ->capture_default_str();
  sub->add_option("--db", options->db,
                  "Results database: an SQLite file or a postgresql:// URL (env EDGEBENCH_DB)")
      ->envname("EDGEBENCH_DB")
      ->check(DatabaseFile())
      ->capture_default_str();
  sub->add_option("--format", options->format, "Output format: table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}))
      ->capture_default_str();
  sub->add_option("--device-label", options->device_label,
                  "Name of this machine in the results (default: hostname)");
  sub->add_option("--plugin-dir", options->plugin_dir, "Where backend plugins are looked up");
  sub->add_option("--cache-dir", options->cache_dir,
                  "Where reference outputs are cached (default ~/.cache/edgebench)");
  return {sub, [options, sub] {
            options->seed_given = sub->count("--seed") > 0;
            harness::MeasureOptions& m = options->measure;
            if (sub->count("--max-time") == 0) m.max_time = std::max(m.max_time, m.min_time);
            if (sub->count("--max-runs") == 0) m.max_runs = std::max(m.max_runs, m.min_runs);
            const backends::BackendRegistry registry = backends::DefaultRegistry(
                options->plugin_dir.empty() ? backends::DefaultPluginDir() : options->plugin_dir);
            return RunOptimizations(*options, registry, std::cout);
          }};
}

}  // namespace edgebench::cli
