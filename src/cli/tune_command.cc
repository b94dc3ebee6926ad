#include "cli/tune_command.h"

#include <fmt/format.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/job_batch.h"
#include "cli/job_selection.h"
#include "cli/option_checks.h"
#include "common/json_text.h"
#include "formats/model_source.h"
#include "harness/graph_passes_for_job.h"
#include "harness/job_plan.h"
#include "harness/reference_cache.h"
#include "harness/tune_search.h"
#include "report/tune_table.h"
#include "zoo/seeded_weights.h"

namespace edgebench::cli {
namespace {

bool ParseSpace(const TuneOptions& options, harness::TuneSpace& space) {
  space.cpus = AvailableCpus();
  if (options.threads.empty()) {
    const int cpus = std::max<int>(1, static_cast<int>(space.cpus.size()));
    space.threads.clear();
    for (int t = 1; t < cpus; t *= 2) space.threads.push_back(t);
    space.threads.push_back(cpus);
  } else {
    space.threads.clear();
    for (const std::string& item : harness::SplitList(options.threads)) {
      const std::optional<int64_t> t = ParseInteger(item, 1, 4096);
      if (!t) {
        std::cerr << "edgebench: --threads takes thread counts such as 1,2,4, not '" << item
                  << "'\n";
        return false;
      }
      space.threads.push_back(static_cast<int>(*t));
    }
  }
  space.precisions.clear();
  for (const std::string& p : harness::SplitList(options.precisions)) {
    if (p != "fp32" && p != "fp16" && p != "bf16" && p != "int8") {
      std::cerr << "edgebench: --precisions takes fp32, fp16, bf16 and int8, not '" << p << "'\n";
      return false;
    }
    space.precisions.push_back(p == "fp32" ? "" : p);
  }
  space.fusion.clear();
  for (const std::string& f : harness::SplitList(options.fusion)) {
    if (f != "on" && f != "off") {
      std::cerr << "edgebench: --fusion takes on and off, not '" << f << "'\n";
      return false;
    }
    space.fusion.push_back(f == "on");
  }
  space.affinities.clear();
  for (const std::string& a : harness::SplitList(options.affinity)) {
    if (a != "none" && a != "compact") {
      std::cerr << "edgebench: --affinity takes none and compact, not '" << a << "'\n";
      return false;
    }
    space.affinities.push_back(a);
  }
  if (space.threads.empty() || space.precisions.empty() || space.fusion.empty() ||
      space.affinities.empty()) {
    std::cerr << "edgebench: every dimension of the search needs at least one value\n";
    return false;
  }
  return true;
}

nlohmann::json SpaceJson(const harness::TuneSpace& space) {
  return {{"backends", space.backends},     {"threads", space.threads},
          {"precisions", space.precisions}, {"fusion", space.fusion},
          {"affinities", space.affinities}, {"cpus", space.cpus}};
}

// Marks the trials whose toggles their backend does not offer (never measured), so the
// table says why instead of spending a worker on each.
void RefuseUnsupported(const backends::BackendRegistry& registry,
                       std::vector<harness::TuneTrial>& trials) {
  std::map<std::string, backends::BackendHandle> loaded;
  std::map<std::string, std::string> unavailable;
  for (harness::TuneTrial& trial : trials) {
    const std::string& id = trial.config.backend;
    if (!loaded.contains(id) && !unavailable.contains(id)) {
      std::string error;
      if (backends::BackendHandle backend = registry.Create(id, error)) {
        loaded.emplace(id, std::move(backend));
      } else {
        unavailable[id] = error;
      }
    }
    if (const auto missing = unavailable.find(id); missing != unavailable.end()) {
      trial.status = harness::JobStatus::kUnavailable;
      trial.error = missing->second;
      continue;
    }
    const backends::Support support =
        backends::CheckToggleSupport(*loaded.at(id), harness::BackendToggles(trial.config));
    if (!support.supported) {
      trial.status = harness::JobStatus::kUnsupported;
      trial.error = support.reason;
    }
  }
}

store::StoredTuneSearch ToStored(int64_t run_id, const std::string& model,
                                 const harness::TuneSpace& space,
                                 const harness::TuneSettings& settings,
                                 const harness::TuneOutcome& outcome) {
  store::StoredTuneSearch s{.run_id = run_id,
                            .model = model,
                            .space_json = JsonText(SpaceJson(space)),
                            .speedup = outcome.speedup.ratio,
                            .speedup_low = outcome.speedup.low,
                            .speedup_high = outcome.speedup.high,
                            .measurements = outcome.measurements,
                            .exhaustive_measurements = outcome.exhaustive_measurements,
                            .rationale = outcome.rationale};
  nlohmann::json rounds = nlohmann::json::array();
  for (const harness::TuneRound& r : outcome.rounds) {
    rounds.push_back({{"round", r.round},
                      {"runs_each", r.runs_each},
                      {"measured", r.measured.size()},
                      {"kept", r.kept.size()},
                      {"confirmation", r.confirmation}});
  }
  s.settings_json = JsonText({{"budget_runs", settings.budget_runs},
                              {"keep_fraction", settings.keep_fraction},
                              {"min_runs", settings.min_runs},
                              {"rounds", rounds}});
  if (outcome.best) s.best_key = harness::ConfigKey(outcome.trials[*outcome.best].config);
  if (outcome.baseline) {
    s.baseline_key = harness::ConfigKey(outcome.trials[*outcome.baseline].config);
  }
  for (const harness::TuneTrial& t : outcome.trials) {
    const harness::SampleSummary& summary = t.pooled.summary;
    const bool measured = summary.count > 0;
    s.trials.push_back({.config = t.config,
                        .status = t.status,
                        .error = t.error,
                        .rounds = t.rounds,
                        .eliminated_in = t.eliminated_in,
                        .why_dropped = t.why_dropped,
                        .samples = summary.count,
                        .p50 = measured ? summary.p50 : NAN,
                        .median_ci_low = measured ? summary.median_ci_low : NAN,
                        .median_ci_high = measured ? summary.median_ci_high : NAN});
  }
  return s;
}

void Print(const store::StoredTuneSearch& search, report::OutputFormat format, std::ostream& out) {
  const report::Table table = report::TuneTrialsTable(search);
  if (format == report::OutputFormat::kJson) {
    out << JsonText({{"run_id", search.run_id},
                     {"model", search.model},
                     {"best", search.best_key},
                     {"default", search.baseline_key},
                     {"speedup", std::isfinite(search.speedup) ? nlohmann::json(search.speedup)
                                                               : nlohmann::json(nullptr)},
                     {"speedup_low", std::isfinite(search.speedup_low)
                                         ? nlohmann::json(search.speedup_low)
                                         : nlohmann::json(nullptr)},
                     {"speedup_high", std::isfinite(search.speedup_high)
                                          ? nlohmann::json(search.speedup_high)
                                          : nlohmann::json(nullptr)},
                     {"measurements", search.measurements},
                     {"exhaustive_measurements", search.exhaustive_measurements},
                     {"rationale", search.rationale},
                     {"trials", nlohmann::json::parse(report::Render(table, format))}},
                    2)
        << "\n";
    return;
  }
  if (format == report::OutputFormat::kCsv) {
    out << report::Render(table, format);
    return;
  }
  // People read the measured configurations; the refused ones are summed up by reason.
  out << report::Render(report::TuneTrialsTable(search, /*include_refused=*/false), format);
  out << "\n";
  for (const std::string& line : report::TuneRefusalLines(search)) out << line << "\n";
  for (const std::string& line : report::TuneSummaryLines(search)) out << line << "\n";
}

}  // namespace

int RunTune(const TuneOptions& options, const backends::BackendRegistry& registry,
            std::ostream& out) {
  const std::optional<report::OutputFormat> format = report::ParseOutputFormat(options.format);
  harness::TuneSpace space;
  if (!format || !ParseSpace(options, space)) return kExitUsage;
  const std::string cache_dir =
      options.cache_dir.empty() ? harness::DefaultCacheDir() : options.cache_dir;
  const harness::LaunchOptions base_launch{.mode = harness::WorkerRequest::Mode::kRun,
                                           .verify = !options.no_verify,
                                           .plugin_dir = registry.plugin_dir(),
                                           .cache_dir = cache_dir,
                                           .runner = {.timeout_seconds = options.timeout}};
  harness::JobLauncher checker(base_launch);
  std::vector<std::string> models;
  const bool file = formats::IsModelFile(options.model);
  if (!ExpandModels(file ? "" : options.model,
                    file ? std::vector{options.model} : std::vector<std::string>{}, "", checker,
                    models) ||
      models.size() != 1) {
    if (models.size() > 1) std::cerr << "edgebench: tune searches one --model at a time\n";
    return kExitUsage;
  }
  if (!ExpandBackends(options.backends, registry, registry.List(), space.backends)) {
    return kExitUsage;
  }

  const harness::JobConfig base{
      .model = models.front(),
      .weight_seed = options.seed_given ? options.seed : zoo::kDefaultWeightSeed};
  std::vector<harness::TuneTrial> trials = harness::TuneTrials(harness::TuneGrid(space, base));
  RefuseUnsupported(registry, trials);

  store::ResultsStore store = store::ResultsStore::Open(options.db);
  const harness::TuneSettings settings{
      .budget_runs = options.budget, .keep_fraction = options.keep, .min_runs = options.min_runs};
  const int64_t run_id = BeginCommandRun(store, options.device_label,
                                         JsonText({{"tune", SpaceJson(space)},
                                                   {"budget_runs", settings.budget_runs},
                                                   {"order_seed", options.order_seed}}));
  int failures = 0;
  const harness::MeasureRound measure = [&](const std::vector<harness::JobConfig>& configs,
                                            int round, int64_t runs_each) {
    harness::LaunchOptions launch = base_launch;
    launch.measure = {.warmup_runs = options.warmup_runs,
                      .warmup_time = 0,
                      .min_runs = runs_each,
                      .min_time = 0,
                      .max_runs = runs_each,
                      .max_time = options.max_time,
                      .target_ci = 0};
    harness::JobLauncher launcher(launch);
    std::map<std::string, harness::JobResult> results;
    // One worker per configuration per round: the round is its repetition number, so the
    // run's pooled jobs hold every round's samples.
    const harness::ScheduleOutcome outcome = RunJobBatch(
        store, run_id, launcher, configs,
        {.repetitions = 1,
         .order_seed = options.order_seed + static_cast<uint64_t>(round),
         .rules = settings.rules},
        round - 1, [&](const harness::JobResult& r) { results[harness::ConfigKey(r.config)] = r; });
    failures += static_cast<int>(outcome.failures);
    std::vector<harness::TrialMeasurement> measured;
    for (const harness::JobConfig& config : configs) {
      const auto found = results.find(harness::ConfigKey(config));
      if (found == results.end()) {
        measured.push_back({.status = harness::JobStatus::kFailed, .error = "not run"});
        continue;
      }
      measured.push_back({.status = found->second.status,
                          .error = found->second.error,
                          .processes = {found->second.samples}});
    }
    return measured;
  };
  const harness::TuneOutcome outcome = harness::SuccessiveHalving(trials, settings, measure);
  store.FinishRun(run_id);
  const store::StoredTuneSearch search = ToStored(run_id, models.front(), space, settings, outcome);
  store.RecordTuneSearch(search);
  Print(search, *format, out);
  if (*format == report::OutputFormat::kTable) {
    out << fmt::format("search stored as run {} in {}\n", run_id, options.db);
  }
  return outcome.best ? kExitOk : kExitFailure;
}

Command AddTuneCommand(CLI::App& app) {
  auto options = std::make_shared<TuneOptions>();
  CLI::App* sub = app.add_subcommand(
      "tune",
      "Search backend x threads x precision x fusion x affinity for the fastest configuration "
      "(successive halving on the harness's statistics); stored in the results database");
  sub->add_option("--model", options->model, "Model to tune: a zoo id or a model file")->required();
  sub->add_option("--backends", options->backends,
                  "Comma-separated backend ids, or 'all' available ones")
      ->capture_default_str();
  sub->add_option("--threads", options->threads,
                  "Thread counts to try, e.g. 1,2,4 (default: 1, 2, 4, ... and every CPU)");
  sub->add_option("--precisions", options->precisions,
                  "Precisions to try (fp32 is each backend's default; the others are --opt "
                  "toggles a backend may refuse)")
      ->capture_default_str();
  sub->add_option("--fusion", options->fusion, "Fusion settings to try: on, off (--opt no-fusion)")
      ->capture_default_str();
  sub->add_option("--affinity", options->affinity,
                  "Affinities to try: none (unpinned), compact (pinned to the first THREADS "
                  "CPUs)")
      ->capture_default_str();
  sub->add_option("--budget", options->budget,
                  "Timed inferences the halving rounds share (each round an equal part, split "
                  "among its configurations); the confirmation of the winner against the "
                  "default adds half a round")
      ->transform(WholeNumber(1, int64_t{1} << 40, "an inference count"))
      ->capture_default_str();
  sub->add_option("--keep", options->keep,
                  "Share of each round's configurations that go on to the next")
      ->check(Fraction())
      ->capture_default_str();
  sub->add_option("--min-runs", options->min_runs,
                  "Fewest timed inferences per configuration per round")
      ->transform(WholeNumber(6, int64_t{1} << 30, "a run count"))
      ->capture_default_str();
  sub->add_option("--warmup-runs", options->warmup_runs, "Warm-up runs per worker")
      ->transform(WholeNumber(0, int64_t{1} << 30, "a run count"))
      ->capture_default_str();
  sub->add_option("--max-time", options->max_time,
                  "Stop a worker's measuring after this many seconds")
      ->check(Seconds(/*positive=*/true))
      ->capture_default_str();
  sub->add_option("--timeout", options->timeout, "Per-worker time-out in seconds")
      ->check(Seconds(/*positive=*/true))
      ->capture_default_str();
  sub->add_flag("--no-verify", options->no_verify,
                "Time configurations even if their output is not checked against the reference");
  sub->add_option("--seed", options->seed, "Seed of the generated weights and input")
      ->transform(Seed());
  sub->add_option("--order-seed", options->order_seed, "Seed of each round's interleaved order")
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
            const backends::BackendRegistry registry = backends::DefaultRegistry(
                options->plugin_dir.empty() ? backends::DefaultPluginDir() : options->plugin_dir);
            return RunTune(*options, registry, std::cout);
          }};
}

}  // namespace edgebench::cli
