#include "cli/run_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "backends/registry.h"
#include "cli/progress.h"
#include "common/build_info.h"
#include "common/json_text.h"
#include "formats/model_source.h"
#include "harness/cpu_affinity.h"
#include "harness/environment.h"
#include "harness/job_plan.h"
#include "harness/job_runner.h"
#include "harness/reference_cache.h"
#include "harness/statistics.h"
#include "report/results_table.h"
#include "store/results_store.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::cli {
namespace {

// Small, fast models so the default run finishes in minutes even on the naive
// reference engine; `--models all` runs the study's 16.
constexpr const char* kDefaultModels = "cifarnet,vgg-s-32,mobilenet-v2,tiny-yolo";

struct RunOptions {
  std::string models = kDefaultModels;
  std::vector<std::string> model_files;  // --model FILE.onnx
  std::string backends = "all";
  int threads = 1;
  std::string pin;
  harness::MeasureOptions measure;
  double timeout = 600;
  std::string mem_limit;
  std::string db = "edgebench.db";
  std::string format = "table";
  bool resume = false;
  bool no_verify = false;
  std::string device_label;
  uint64_t seed = zoo::kDefaultWeightSeed;
  std::string plugin_dir;
  std::string cache_dir;
  std::string command_line;
};

// Resolves "all", validates every zoo id and imports every model file once (a bad file
// is a usage error here, not one failed job per backend). Returns false after printing.
bool ExpandModels(const std::string& ids, const std::vector<std::string>& files,
                  std::vector<std::string>& models) {
  if (ids == "all") {
    for (const zoo::ModelEntry& entry : zoo::ModelCatalog()) {
      if (entry.study_model) models.emplace_back(entry.id);
    }
  } else if (files.empty() || ids != kDefaultModels) {
    for (const std::string& request : harness::SplitList(ids)) {
      try {
        models.push_back(zoo::ResolveModel(request).canonical_id);
      } catch (const zoo::ModelError& error) {
        std::cerr << "edgebench: " << error.what() << "\n";
        return false;
      }
    }
  }
  for (const std::string& file : files) {
    try {
      formats::LoadModelStructure(file);
    } catch (const std::exception& error) {
      std::cerr << "edgebench: " << error.what() << "\n";
      return false;
    }
    // Absolute, so --resume recognises the same file from another directory.
    models.push_back(std::filesystem::absolute(file).lexically_normal().string());
  }
  if (models.empty()) std::cerr << "edgebench: --models names no model\n";
  return !models.empty();
}

bool ExpandBackends(const std::string& text, const backends::BackendRegistry& registry,
                    const std::vector<backends::BackendInfo>& infos,
                    std::vector<std::string>& ids) {
  if (text == "all") {
    // A missing framework costs one line here, not a failed job per model.
    for (const backends::BackendInfo& info : infos) {
      if (info.available) {
        ids.push_back(info.id);
      } else {
        std::cerr << fmt::format("note: backend {} not available: {}\n", info.id, info.reason);
      }
    }
    return true;
  }
  for (const std::string& id : harness::SplitList(text)) {
    if (!registry.Knows(id)) {
      std::string known;
      for (const std::string& name : registry.Ids()) known += " " + name;
      std::cerr << fmt::format("edgebench: unknown backend '{}'; known backends:{}\n", id, known);
      return false;
    }
    ids.push_back(id);
  }
  if (ids.empty()) std::cerr << "edgebench: --backends names no backend\n";
  return !ids.empty();
}

std::string Outcome(const harness::JobResult& result) {
  if (result.status == harness::JobStatus::kOk && !result.samples.empty()) {
    return fmt::format("p50 {:.3f} ms over {} runs ({})", result.summary.p50 * 1e3,
                       result.summary.count, result.summary.valid ? "VALID" : "INVALID");
  }
  if (result.status == harness::JobStatus::kOk && result.verification) {
    return fmt::format("ok, rel L2 {:.2e}", result.verification->rel_l2_error);
  }
  std::string detail = result.error.substr(0, result.error.find('\n'));
  if (detail.size() > 100) detail = detail.substr(0, 97) + "...";
  return fmt::format("{}: {}", harness::JobStatusName(result.status), detail);
}

int Orchestrate(RunOptions options, harness::WorkerRequest::Mode mode) {
  const bool timing = mode == harness::WorkerRequest::Mode::kRun;
  auto format = report::ParseOutputFormat(options.format);
  std::optional<int64_t> mem_limit;
  if (!options.mem_limit.empty()) {
    mem_limit = harness::ParseByteSize(options.mem_limit);
    if (!mem_limit) {
      std::cerr << "edgebench: bad --mem-limit '" << options.mem_limit << "' (e.g. 512M, 1G)\n";
      return kExitUsage;
    }
  }
  std::vector<int> cpus;
  if (!options.pin.empty() && !harness::ParseCpuList(options.pin, cpus)) {
    std::cerr << "edgebench: bad --pin '" << options.pin << "' (e.g. 0-3,6)\n";
    return kExitUsage;
  }
  if (options.measure.max_time < options.measure.min_time ||
      options.measure.max_runs < options.measure.min_runs) {
    std::cerr << "edgebench: --max-time/--max-runs must not be below --min-time/--min-runs\n";
    return kExitUsage;
  }
  const backends::BackendRegistry registry = backends::DefaultRegistry(
      options.plugin_dir.empty() ? backends::DefaultPluginDir() : options.plugin_dir);
  // Loading every plugin takes a while (LibTorch alone is hundreds of MB): do it once.
  const std::vector<backends::BackendInfo> backend_infos = registry.List();
  std::vector<std::string> models;
  std::vector<std::string> backend_ids;
  if (!format || !ExpandModels(options.models, options.model_files, models) ||
      !ExpandBackends(options.backends, registry, backend_infos, backend_ids)) {
    return kExitUsage;
  }

  std::optional<store::ResultsStore> store;
  try {
    store.emplace(store::ResultsStore::Open(options.db));
  } catch (const store::StoreError& error) {
    std::cerr << "edgebench: " << error.what() << "\n";
    return kExitFailure;
  }
  const harness::Environment environment = harness::CaptureEnvironment();
  nlohmann::json environment_json = harness::ToJson(environment);
  for (const backends::BackendInfo& info : backend_infos) {
    if (info.available) environment_json["backend_versions"][info.id] = info.version;
  }
  const int64_t run_id = store->BeginRun(
      {.device_label = options.device_label.empty() ? environment.hostname : options.device_label,
       .command_line = options.command_line,
       .environment_json = JsonText(environment_json),
       .build_revision = std::string(BuildRevision()) + (BuildDirty() ? "-dirty" : ""),
       .tool_version = BuildVersion()});

  const harness::JobConfig base{
      .threads = options.threads, .cpu_affinity = options.pin, .weight_seed = options.seed};
  const std::vector<harness::JobConfig> jobs = harness::PlanJobs(models, backend_ids, base);
  const harness::RunnerOptions runner{.timeout_seconds = options.timeout,
                                      .memory_limit_bytes = mem_limit};
  Progress progress(jobs.size());
  int failures = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const std::string label = fmt::format("{} x {}", jobs[i].model, jobs[i].backend);
    if (options.resume && store->HasCompletedJob(jobs[i], timing)) {
      progress.Finish(i, label, "already complete, skipped (--resume)");
      continue;
    }
    progress.Start(i, label);
    harness::WorkerRequest request{
        .mode = mode,
        .config = jobs[i],
        .measure = options.measure,
        .verify = !options.no_verify,
        .plugin_dir = registry.plugin_dir(),
        .cache_dir = options.cache_dir.empty() ? harness::DefaultCacheDir() : options.cache_dir};
    harness::JobResult result = harness::RunJobInWorker(request, runner);
    if (!result.samples.empty()) result.summary = harness::Summarize(result.samples);
    store->RecordJob(run_id, result);
    if (result.status != harness::JobStatus::kOk &&
        result.status != harness::JobStatus::kUnsupported) {
      ++failures;
    }
    progress.Finish(i, label, Outcome(result));
  }
  store->FinishRun(run_id);

  const std::vector<store::StoredJob> stored = store->Jobs(run_id);
  std::cout << report::Render(
      timing ? report::ResultsTable(stored) : report::VerificationTable(stored), *format);
  if (*format == report::OutputFormat::kTable) {
    std::cout << fmt::format(
        "\nrun {} stored in {} (device '{}')\n", run_id, options.db,
        options.device_label.empty() ? environment.hostname : options.device_label);
    for (const std::string& warning : harness::EnvironmentWarnings(environment)) {
      std::cout << "WARNING: " << warning << "\n";
    }
    for (const store::StoredJob& job : stored) {
      const harness::SampleSummary& s = job.result.summary;
      if (job.result.status == harness::JobStatus::kOk && s.count > 0 && !s.valid) {
        std::cout << fmt::format("INVALID {} x {}: {}. {}\n", job.result.config.model,
                                 job.result.config.backend, s.verdict_reason, s.recommendation);
      }
    }
  }
  return failures == 0 ? kExitOk : kExitFailure;
}

void AddCommonOptions(CLI::App* sub, RunOptions& options) {
  sub->add_option("--models", options.models,
                  "Comma-separated model ids (ID@SIZE allowed), or 'all' for the study's 16")
      ->capture_default_str();
  sub->add_option("--model", options.model_files,
                  "Your own model: an ONNX file (repeatable; runs instead of the default set "
                  "unless --models is given too)");
  sub->add_option("--backends", options.backends,
                  "Comma-separated backend ids, or 'all' available ones")
      ->capture_default_str();
  sub->add_option("--threads", options.threads, "Threads per backend")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  sub->add_option("--pin", options.pin, "Pin workers to these CPUs, e.g. 0-3");
  sub->add_option("--timeout", options.timeout, "Per-job time-out in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--mem-limit", options.mem_limit,
                  "Address-space cap per worker, e.g. 1G (emulates a small board)");
  sub->add_option("--db", options.db, "Results database (SQLite)")->capture_default_str();
  sub->add_option("--format", options.format, "Output format: table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}))
      ->capture_default_str();
  sub->add_option("--device-label", options.device_label,
                  "Name of this machine in the results (default: hostname)");
  sub->add_option("--seed", options.seed, "Seed of the generated weights and input")
      ->capture_default_str();
  sub->add_option("--plugin-dir", options.plugin_dir, "Where backend plugins are looked up");
  sub->add_option("--cache-dir", options.cache_dir,
                  "Where reference outputs are cached (default ~/.cache/edgebench)");
}

}  // namespace

Command AddRunCommand(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand(
      "run", "Measure single-batch latency of models on backends, store and tabulate it");
  AddCommonOptions(sub, *options);
  harness::MeasureOptions& m = options->measure;
  sub->add_option("--min-runs", m.min_runs, "Measure at least this many runs")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40))
      ->capture_default_str();
  sub->add_option("--max-runs", m.max_runs, "Stop after this many runs")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40))
      ->capture_default_str();
  sub->add_option("--min-time", m.min_time, "Measure at least this many seconds")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--max-time", m.max_time, "Stop measuring after this many seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--warmup-runs", m.warmup_runs, "Warm-up runs before measuring")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30))
      ->capture_default_str();
  sub->add_option("--warmup-time", m.warmup_time, "Warm up for at least this many seconds")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--target-ci", m.target_ci,
                  "Stop once the median's 95% CI half-width is within this fraction")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_flag("--resume", options->resume,
                "Skip jobs already complete in the database for the same configuration");
  sub->add_flag("--no-verify", options->no_verify,
                "Time backends even if their output is not checked against the reference");
  return {sub, [options, sub] {
            options->command_line = Invocation();
            // A minimum above a default maximum raises that maximum; only maximums the
            // user chose can contradict a minimum.
            harness::MeasureOptions& m = options->measure;
            if (sub->count("--max-time") == 0) m.max_time = std::max(m.max_time, m.min_time);
            if (sub->count("--max-runs") == 0) m.max_runs = std::max(m.max_runs, m.min_runs);
            return Orchestrate(*options, harness::WorkerRequest::Mode::kRun);
          }};
}

Command AddVerifyCommand(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand(
      "verify", "Check each backend's output against the reference engine (no timing)");
  AddCommonOptions(sub, *options);
  return {sub, [options] {
            options->command_line = Invocation();
            return Orchestrate(*options, harness::WorkerRequest::Mode::kVerify);
          }};
}

}  // namespace edgebench::cli
