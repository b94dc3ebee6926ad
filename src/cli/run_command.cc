#include "cli/run_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <random>
#include <thread>

#include "backends/registry.h"
#include "cli/energy_options.h"
#include "cli/job_selection.h"
#include "cli/option_checks.h"
#include "cli/progress.h"
#include "cli/wrap_options.h"
#include "common/build_info.h"
#include "common/json_text.h"
#include "formats/model_source.h"
#include "harness/cpu_affinity.h"
#include "harness/environment.h"
#include "harness/job_launcher.h"
#include "harness/job_plan.h"
#include "harness/job_runner.h"
#include "harness/reference_cache.h"
#include "harness/scheduler.h"
#include "harness/statistics.h"
#include "harness/wrap_overhead.h"
#include "report/energy_table.h"
#include "report/overhead_table.h"
#include "report/pooled_table.h"
#include "report/results_table.h"
#include "report/roofline.h"
#include "store/pooled_jobs.h"
#include "store/results_store.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::cli {
namespace {

struct RunOptions {
  std::string models = kDefaultModels;
  std::vector<std::string> model_files;  // --model FILE.onnx / FILE.cfg
  std::string weights;                   // --weights FILE.weights (for one Darknet cfg)
  std::string input_shape;               // canonical --input-shape text
  std::string backends = "all";
  std::vector<std::string> toggle_sets;  // canonical --opt values; none given = no toggles
  int threads = 1;
  std::string pin;
  harness::MeasureOptions measure;
  double timeout = 600;
  std::string mem_limit;
  std::string db = "edgebench.db";
  std::string format = "table";
  bool resume = false;
  bool no_verify = false;
  int repetitions = 3;
  bool repetitions_given = false;  // on the command line (else --resume keeps the run's)
  std::optional<uint64_t> order_seed;
  double cooldown = 0;
  bool cooldown_given = false;
  bool cold = false;
  std::string device_label;
  uint64_t seed = zoo::kDefaultWeightSeed;
  std::string plugin_dir;
  std::string cache_dir;
  std::string command_line;
  EnergyCliOptions energy;
  WrapCliOptions wrap;
};

// The order seed of a run being resumed, so its remaining repetitions keep its order.
// The schedule of a run being resumed: its remaining repetitions keep its order, count,
// cool-down and cold start unless the command line sets them again.
nlohmann::json StoredSchedule(const store::ResultsStore& store, int64_t run_id) {
  for (const store::StoredRun& run : store.Runs()) {
    if (run.id != run_id) continue;
    nlohmann::json schedule = nlohmann::json::parse(run.info.schedule_json, nullptr, false);
    if (schedule.is_object()) return schedule;
  }
  return nlohmann::json::object();
}

void ResumeSchedule(const nlohmann::json& stored, RunOptions& options) {
  const auto number = [&](const char* key) {
    return stored.contains(key) && stored[key].is_number();
  };
  if (!options.order_seed && stored.contains("order_seed") &&
      stored["order_seed"].is_number_unsigned()) {
    options.order_seed = stored["order_seed"].get<uint64_t>();
  }
  if (!options.repetitions_given && number("repetitions")) {
    options.repetitions = std::clamp(stored["repetitions"].get<int>(), 1, 1000);
  }
  if (!options.cooldown_given && number("cooldown_s")) {
    options.cooldown = std::max(0.0, stored["cooldown_s"].get<double>());
  }
  if (!options.cold && stored.contains("cold") && stored["cold"].is_boolean()) {
    options.cold = stored["cold"].get<bool>();
  }
}

void PrintVerdicts(const std::vector<harness::PooledJob>& jobs) {
  for (const harness::PooledJob& job : jobs) {
    const harness::SampleSummary& s = job.pooled.summary;
    if (job.status == harness::JobStatus::kOk && s.count > 0 && !s.valid) {
      std::cout << fmt::format("INVALID {} x {}: {}. {}\n", harness::ModelLabel(job.config),
                               harness::BackendLabel(job.config), s.verdict_reason,
                               s.recommendation);
    }
    for (const harness::JobResult& r : job.repetitions) {
      if (r.verification && !r.verification->note.empty()) {
        std::cout << fmt::format("NOTE {} x {}: verification {}\n", harness::ModelLabel(job.config),
                                 harness::BackendLabel(job.config), r.verification->note);
        break;
      }
    }
  }
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
  std::string wrap_error;
  const std::optional<std::string> wrapper = WrapperOf(options.wrap, wrap_error);
  if (!wrapper) {
    std::cerr << "edgebench: " << wrap_error << "\n";
    return kExitUsage;
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
  // Not at all for a cold start: the libraries would stay mapped here, and the kernel keeps
  // mapped pages in the page cache whatever we ask.
  harness::JobLauncher launcher(
      {.mode = mode,
       .measure = options.measure,
       .verify = !options.no_verify,
       .plugin_dir = registry.plugin_dir(),
       .cache_dir = options.cache_dir.empty() ? harness::DefaultCacheDir() : options.cache_dir,
       .runner = {.timeout_seconds = options.timeout, .memory_limit_bytes = mem_limit},
       .cold = options.cold});
  std::vector<backends::BackendInfo> backend_infos;
  if (options.cold) {
    // Probed in workers: availability and version without mapping anything here.
    for (const std::string& id : registry.Ids()) {
      const harness::JobResult probe = launcher.ProbeBackend(id);
      backend_infos.push_back({.id = id,
                               .available = probe.status == harness::JobStatus::kOk,
                               .version = probe.backend_version,
                               .reason = probe.error});
    }
  } else {
    backend_infos = registry.List();
  }
  std::vector<std::string> models;
  std::vector<std::string> backend_ids;
  if (!format ||
      !ExpandModels(options.models, options.model_files, options.input_shape, launcher, models,
                    options.weights) ||
      !ExpandBackends(options.backends, registry, backend_infos, backend_ids)) {
    return kExitUsage;
  }

  std::string energy_error;
  const std::optional<harness::EnergyOptions> energy_options =
      ToEnergyOptions(options.energy, energy_error);
  if (!energy_options) {
    std::cerr << "edgebench: " << energy_error << "\n";
    return kExitUsage;
  }
  // Sensors are sampled in this process around each timed worker (per-job energy).
  std::optional<sensors::SensorSources> sources =
      timing ? DiscoverRunSensors(options.energy, energy_error) : sensors::SensorSources{};
  if (!sources) {
    std::cerr << "edgebench: " << energy_error << "\n";
    return kExitUsage;
  }
  const harness::JobEnergyMonitor monitor(std::move(*sources), *energy_options);
  std::optional<harness::JobEnergy> measured;  // the last job's, until it is recorded
  std::vector<MeasuredWindow> windows;         // for --power-log

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
    if (info.available && !info.version.empty()) {
      environment_json["backend_versions"][info.id] = info.version;
    }
  }
  // The machine's ceilings, when `edgebench peak` stored them in this database: reports
  // then place each job against them.
  if (const auto peak =
          store->LatestMachinePeak(environment.hostname, environment.cpu_model.value_or(""))) {
    environment_json["machine_peak"] = nlohmann::json::parse(peak->peak_json);
    environment_json["machine_peak"]["measured_at"] = peak->measured_at;
  } else if (timing) {
    std::cerr << fmt::format(
        "No machine ceilings in {} for this machine: `edgebench peak --db {}` adds each job's "
        "share of the FMA peak to reports.\n",
        options.db, options.db);
  }

  // --resume continues the latest run (on a PostgreSQL server, the latest of this device):
  // its finished jobs stay part of it, so `results` shows the whole campaign.
  const std::string device_label =
      options.device_label.empty() ? environment.hostname : options.device_label;
  std::optional<int64_t> run_id;
  if (options.resume) {
    try {
      run_id = store->ResumableRunId(device_label);
    } catch (const store::StoreError& error) {
      std::cerr << "edgebench: " << error.what() << "\n";
      return kExitFailure;
    }
  }
  if (run_id) ResumeSchedule(StoredSchedule(*store, *run_id), options);
  harness::ScheduleOptions schedule{
      .repetitions = timing ? options.repetitions : 1,
      .order_seed = options.order_seed ? *options.order_seed : std::random_device{}(),
      .cooldown_seconds = options.cooldown,
      .rules = {.min_samples = options.measure.min_runs,
                .max_ci_half_width = options.measure.target_ci > 0
                                         ? options.measure.target_ci
                                         : std::numeric_limits<double>::infinity(),
                .max_process_spread = options.measure.target_ci > 0
                                          ? 2 * options.measure.target_ci
                                          : std::numeric_limits<double>::infinity()}};
  const harness::JobConfig base{
      .threads = options.threads, .cpu_affinity = options.pin, .weight_seed = options.seed};
  std::vector<harness::JobConfig> jobs =
      harness::PlanJobs(models, backend_ids, base, options.toggle_sets);
  // Zoo ids carry their shapes already (ID@HxW); model files run at the given ones.
  for (harness::JobConfig& job : jobs) {
    if (formats::IsModelFile(job.model)) job.input_shape = options.input_shape;
  }
  jobs = harness::WrapJobs(jobs, *wrapper, options.wrap.compare);
  if (options.wrap.compare) schedule.variants = 2;
  if (!run_id) {
    nlohmann::json order = nlohmann::json::array();
    for (const harness::ScheduledRun& slot : harness::ScheduleOrder(jobs.size(), schedule)) {
      order.push_back({{"model", jobs[slot.job].model},
                       {"backend", jobs[slot.job].backend},
                       {"repetition", slot.repetition}});
      if (!jobs[slot.job].wrapper.empty()) order.back()["wrapper"] = jobs[slot.job].wrapper;
    }
    run_id = store->BeginRun(
        {.device_label = device_label,
         .command_line = options.command_line,
         .environment_json = JsonText(environment_json),
         .build_revision = std::string(BuildRevision()) + (BuildDirty() ? "-dirty" : ""),
         .tool_version = BuildVersion(),
         .schedule_json = JsonText({{"repetitions", schedule.repetitions},
                                    {"order_seed", schedule.order_seed},
                                    {"cooldown_s", schedule.cooldown_seconds},
                                    {"cold", options.cold},
                                    {"compare_wrap", options.wrap.compare},
                                    {"order", order}})});
  }

  Progress progress(jobs.size() * static_cast<size_t>(schedule.repetitions));
  harness::SchedulerHooks hooks{
      .already_done = [&](const harness::JobConfig& config,
                          int repetition) -> std::optional<harness::JobStatus> {
        if (!options.resume) return std::nullopt;
        const auto done = store->CompletedRepetitions(*run_id, config, timing);
        const auto found = done.find(repetition);
        if (found == done.end()) return std::nullopt;
        return found->second;
      },
      .prepare = [&](const harness::JobConfig& config) { launcher.Prepare(config); },
      .run =
          [&](const harness::JobConfig& config, int repetition) {
            harness::JobEnergy energy;
            harness::JobResult result =
                monitor.Measure([&] { return launcher.Run(config, repetition); }, energy);
            if (!monitor.sources().empty()) measured = std::move(energy);
            return result;
          },
      .record =
          [&](const harness::JobResult& result) {
            const int64_t job_id =
                store->RecordJob(*run_id, result, measured ? &*measured : nullptr);
            measured.reset();
            windows.push_back({job_id, result.measure_start_s, result.measure_end_s,
                               static_cast<int64_t>(result.samples.size())});
          },
      .progress =
          [&](size_t slot, size_t, const harness::JobConfig& config, int repetition,
              const std::string& outcome) {
            const std::string label = schedule.repetitions > 1
                                          ? fmt::format("{} x {} #{}", harness::ModelLabel(config),
                                                        harness::BackendLabel(config), repetition)
                                          : fmt::format("{} x {}", harness::ModelLabel(config),
                                                        harness::BackendLabel(config));
            if (outcome.empty()) {
              progress.Start(slot, label);
            } else {
              progress.Finish(slot, label, outcome);
            }
          },
      .sleep =
          [](double seconds) {
            std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
          }};
  const harness::ScheduleOutcome outcome = harness::RunSchedule(jobs, schedule, hooks);
  store->FinishRun(*run_id);
  std::vector<std::string> log_problems;
  if (timing && !options.energy.power_log.empty()) {
    log_problems = ApplyPowerLog(*store, options.energy.power_log, windows);
  }

  const std::vector<harness::PooledJob> pooled = store::PooledJobs(*store, *run_id);
  report::Table table;
  if (timing) {
    table = report::PooledResultsTable(pooled, report::MachinePeakOfRun(environment_json.dump()));
    report::AppendEnergyColumns(table, pooled, report::EnergiesOfRun(*store, *run_id));
  } else {
    table = report::VerificationTable(store->Jobs(*run_id));
  }
  std::cout << report::Render(table, *format);
  if (*format == report::OutputFormat::kTable) {
    std::cout << fmt::format(
        "\nrun {} stored in {} (device '{}'; {} worker processes, order seed {})\n", *run_id,
        options.db, options.device_label.empty() ? environment.hostname : options.device_label,
        outcome.ran, schedule.order_seed);
    std::cout << harness::DescribeCpu(environment) << "\n";
    for (const std::string& warning : harness::EnvironmentWarnings(environment)) {
      std::cout << "WARNING: " << warning << "\n";
    }
    PrintVerdicts(pooled);
  }
  // Exports stay one table each (`results --overhead` gives this one in any format).
  if (timing && *format == report::OutputFormat::kTable) {
    if (const std::vector<harness::WrapOverhead> overheads = harness::CompareWrapped(pooled);
        !overheads.empty()) {
      std::cout << "\nLauncher overhead (wrapped vs bare, paired by round):\n"
                << report::Render(report::WrapOverheadTable(overheads), *format);
    }
  }
  for (const std::string& problem : log_problems) std::cerr << "edgebench: " << problem << "\n";
  // A server lost mid-run: the store says at exit which file to push; the run did not
  // reach its database, so it did not succeed.
  const bool unpushed = !store->UnpushedNotice().empty();
  return outcome.failures == 0 && log_problems.empty() && !unpushed ? kExitOk : kExitFailure;
}

void AddCommonOptions(CLI::App* sub, RunOptions& options) {
  sub->add_option("--models", options.models,
                  "Comma-separated model ids (ID@SIZE allowed), or 'all' for the study's 16")
      ->capture_default_str();
  sub->add_option("--model", options.model_files,
                  "Your own model: an ONNX file or a Darknet cfg (repeatable; runs instead of "
                  "the default set unless --models is given too)");
  sub->add_option("--weights", options.weights,
                  "Darknet .weights for the one --model cfg (default: seeded weights)");
  sub->add_option("--input-shape", options.input_shape,
                  "Shapes to run the models' inputs at: NAME:1x3x224x224[,NAME:DIMS...], or "
                  "1x3x224x224 for one-input models; settles an ONNX file's dynamic dims (zoo "
                  "models: same as ID@HxW)")
      ->transform(InputShapeList());
  sub->add_option("--backends", options.backends,
                  "Comma-separated backend ids, or 'all' available ones")
      ->capture_default_str();
  sub->add_option("--opt", options.toggle_sets,
                  "Optimization toggles to run with, joined by '+' (e.g. no-fusion), or 'none'; "
                  "repeat to compare variants interleaved in one run (--opt none --opt "
                  "no-fusion). `edgebench backends` lists each backend's toggles; graph "
                  "passes work on every backend: fold-bn, prune=F (unstructured sparsity F), "
                  "prune-channels=F (structured), 0 < F < 1; a precision (int8, fp16, bf16) "
                  "sets the job's precision (int8 calibrates on seeded inputs first)")
      ->transform(ToggleSet());
  sub->add_option("--threads", options.threads, "Threads per backend")
      ->transform(WholeNumber(1, 4096, "a thread count"))
      ->capture_default_str();
  sub->add_option("--pin", options.pin,
                  "Pin workers to these CPUs, e.g. 0-3, or to the big or little cores of a "
                  "big.LITTLE CPU (available: " +
                      AvailableCpusText() + ")")
      ->transform(AvailableCpuList());
  sub->add_option("--timeout", options.timeout, "Per-job time-out in seconds")
      ->check(Seconds(/*positive=*/true))
      ->capture_default_str();
  sub->add_option("--mem-limit", options.mem_limit,
                  "Memory cap per worker, e.g. 1G (emulates a small board): resident memory "
                  "through a cgroup where one can be made, else address space");
  sub->add_option("--db", options.db,
                  "Results database: an SQLite file or a postgresql:// URL (env EDGEBENCH_DB)")
      ->envname("EDGEBENCH_DB")
      ->check(DatabaseFile())
      ->capture_default_str();
  sub->add_option("--format", options.format, "Output format: table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}))
      ->capture_default_str();
  sub->add_option("--device-label", options.device_label,
                  "Name of this machine in the results (default: hostname)");
  sub->add_option("--seed", options.seed,
                  "Seed of the generated weights and input, 0 to 2^64-1 (18446744073709551615)")
      ->transform(Seed())
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
  AddWrapOptions(sub, options->wrap, /*compare=*/true);
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
  sub->add_option("--repetitions", options->repetitions,
                  "Worker processes per job (default 3): one process's CI describes that "
                  "process, not the machine; 1 = single-process mode")
      ->transform(WholeNumber(1, 1000, "a repetition count"))
      ->capture_default_str();
  sub->add_option("--order-seed", options->order_seed,
                  "Seed of the interleaved job order (default: drawn at random and stored, so "
                  "a run can be replayed in the same order)")
      ->transform(Seed());
  sub->add_option("--cooldown", options->cooldown,
                  "Seconds to sleep between worker processes (lets the device cool)")
      ->check(Seconds(/*positive=*/false))
      ->capture_default_str();
  sub->add_flag("--cold", options->cold,
                "Evict each backend's libraries from the page cache before its workers load "
                "them (start-up as after a reboot)");
  sub->add_flag("--resume", options->resume,
                "Continue the latest run in the database: only repetitions not yet complete "
                "run, and they join that run");
  sub->add_flag("--no-verify", options->no_verify,
                "Time backends even if their output is not checked against the reference");
  AddEnergyOptions(sub, options->energy);
  return {sub, [options, sub] {
            options->command_line = Invocation();
            // A minimum above a default maximum raises that maximum; only maximums the
            // user chose can contradict a minimum.
            harness::MeasureOptions& m = options->measure;
            if (sub->count("--max-time") == 0) m.max_time = std::max(m.max_time, m.min_time);
            if (sub->count("--max-runs") == 0) m.max_runs = std::max(m.max_runs, m.min_runs);
            options->repetitions_given = sub->count("--repetitions") > 0;
            options->cooldown_given = sub->count("--cooldown") > 0;
            return Orchestrate(*options, harness::WorkerRequest::Mode::kRun);
          }};
}

Command AddVerifyCommand(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand(
      "verify", "Check each backend's output against the reference engine (no timing)");
  AddCommonOptions(sub, *options);
  AddWrapOptions(sub, options->wrap, /*compare=*/false);
  return {sub, [options] {
            options->command_line = Invocation();
            return Orchestrate(*options, harness::WorkerRequest::Mode::kVerify);
          }};
}

}  // namespace edgebench::cli
