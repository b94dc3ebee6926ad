#include "cli/results_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/option_checks.h"
#include "common/json_text.h"
#include "harness/job_json.h"
#include "harness/wrap_overhead.h"
#include "report/energy_table.h"
#include "report/overhead_table.h"
#include "report/pooled_table.h"
#include "report/results_table.h"
#include "report/roofline.h"
#include "store/pg_url.h"
#include "store/pooled_jobs.h"
#include "store/results_store.h"

namespace edgebench::cli {
namespace {

struct ResultsOptions {
  std::string db = "edgebench.db";
  std::string format = "table";
  int64_t run = 0;  // 0 = latest
  bool samples = false;
  bool traces = false;
  bool overhead = false;  // only the launcher overhead table (results --overhead)
};

// Opens an existing database read-only: reading results must never create or change a
// file, and must work on read-only media.
std::optional<store::ResultsStore> OpenExisting(const std::string& path) {
  if (!store::IsPostgresUrl(path) && !std::filesystem::exists(path)) {
    std::cerr << "edgebench: no results database at " << path
              << " (run 'edgebench run' first or pass --db)\n";
    return std::nullopt;
  }
  try {
    return store::ResultsStore::OpenReadOnly(path);
  } catch (const store::StoreError& error) {
    std::cerr << "edgebench: " << error.what() << "\n";
    return std::nullopt;
  }
}

int RunResults(const ResultsOptions& options) {
  auto format = report::ParseOutputFormat(options.format);
  auto store = OpenExisting(options.db);
  if (!format || !store) return kExitFailure;
  std::optional<int64_t> run = options.run > 0 ? std::optional(options.run) : store->LatestRunId();
  if (!run) {
    std::cerr << "edgebench: " << options.db << " holds no runs yet\n";
    return kExitFailure;
  }
  std::vector<store::StoredJob> jobs = store->Jobs(*run);
  if (jobs.empty() && options.run > 0) {
    bool exists = false;
    for (const store::StoredRun& stored : store->Runs()) exists = exists || stored.id == *run;
    if (!exists) {
      std::cerr << fmt::format("edgebench: no run {} in {}\n", *run, options.db);
      return kExitUsage;
    }
  }
  // One row per job, its worker processes pooled (export keeps one row per process).
  std::optional<harness::peak::MachinePeak> peak;
  for (const store::StoredRun& stored : store->Runs()) {
    if (stored.id == *run) peak = report::MachinePeakOfRun(stored.info.environment_json);
  }
  const std::vector<harness::PooledJob> pooled = store::PooledJobs(*store, *run);
  const std::vector<harness::WrapOverhead> overheads = harness::CompareWrapped(pooled);
  if (options.overhead) {
    if (overheads.empty()) {
      std::cerr << fmt::format(
          "edgebench: run {} measured no job both bare and wrapped (run --compare-wrap)\n", *run);
      return kExitFailure;
    }
    std::cout << report::Render(report::WrapOverheadTable(overheads), *format);
    return kExitOk;
  }
  report::Table table = report::PooledResultsTable(pooled, peak);
  report::AppendEnergyColumns(table, pooled, report::EnergiesOfRun(*store, *run));
  std::cout << report::Render(table, *format);
  // Exports stay one table each; --overhead gives this one on its own.
  if (!overheads.empty() && *format == report::OutputFormat::kTable) {
    std::cout << "\nLauncher overhead (wrapped vs bare, paired by round):\n"
              << report::Render(report::WrapOverheadTable(overheads), *format);
  }
  return kExitOk;
}

// One worker process: the job field list (the worker protocol's names), its samples and
// its verification, plus where it sits in the store.
nlohmann::json JobJson(const store::ResultsStore& store, const store::StoredJob& job) {
  nlohmann::json json = harness::ToJson(job.result);
  json["id"] = job.id;
  json["finished_at"] = job.finished_at;
  json["samples"] = store.Samples(job.id);
  const auto energy = store.JobEnergyOf(job.id, /*with_traces=*/true);
  json["energy"] = energy ? report::EnergyJson(*energy) : nlohmann::json(nullptr);
  return json;
}

// One row per sensor reading of every job measured with sensors (`export --traces`).
report::Table TracesTable(const store::ResultsStore& store) {
  report::Table table;
  table.columns = {{"run_id", "run_id"},   {"job_id", "job_id"},       {"model", "model"},
                   {"backend", "backend"}, {"source_id", "source_id"}, {"boundary", "boundary"},
                   {"kind", "kind"},       {"unit", "unit"},           {"seconds", "seconds"},
                   {"value", "value"}};
  for (const store::StoredRun& run : store.Runs()) {
    for (const store::StoredJob& job : store.Jobs(run.id)) {
      const auto energy = store.JobEnergyOf(job.id, /*with_traces=*/true);
      if (!energy) continue;
      for (const harness::SensorTrace& trace : energy->traces) {
        for (size_t i = 0; i < trace.seconds.size() && i < trace.values.size(); ++i) {
          table.rows.push_back({report::IntegerCell(run.id),
                                report::IntegerCell(job.id),
                                report::TextCell(harness::ModelLabel(job.result.config)),
                                report::TextCell(harness::BackendLabel(job.result.config)),
                                report::TextCell(trace.source_id),
                                report::TextCell(trace.boundary),
                                report::TextCell(trace.kind),
                                report::TextCell(trace.unit),
                                {fmt::format("{:.6f}", trace.seconds[i]), trace.seconds[i]},
                                {fmt::format("{:.9g}", trace.values[i]), trace.values[i]}});
        }
      }
    }
  }
  return table;
}

int RunExport(const ResultsOptions& options) {
  auto store = OpenExisting(options.db);
  if (!store) return kExitFailure;
  if (options.format == "json") {
    nlohmann::json runs = nlohmann::json::array();
    for (const store::StoredRun& run : store->Runs()) {
      nlohmann::json jobs = nlohmann::json::array();
      for (const store::StoredJob& job : store->Jobs(run.id)) jobs.push_back(JobJson(*store, job));
      runs.push_back(
          {{"id", run.id},
           {"started_at", run.started_at},
           {"finished_at",
            run.finished_at ? nlohmann::json(*run.finished_at) : nlohmann::json(nullptr)},
           {"device_label", run.info.device_label},
           {"command_line", run.info.command_line},
           {"build_revision", run.info.build_revision},
           {"tool_version", run.info.tool_version},
           {"environment", nlohmann::json::parse(run.info.environment_json, nullptr, false)},
           {"schedule", nlohmann::json::parse(run.info.schedule_json, nullptr, false)},
           {"jobs", std::move(jobs)},
           {"pooled",
            report::PooledJobsJson(store::PooledJobs(*store, run.id),
                                   report::MachinePeakOfRun(run.info.environment_json))}});
    }
    std::cout << JsonText(runs, 2) << "\n";
    return kExitOk;
  }
  report::Table table;
  if (options.traces) {
    table = TracesTable(*store);
  } else if (options.samples) {
    table.columns = {{"run_id", "run_id"},   {"job_id", "job_id"}, {"model", "model"},
                     {"backend", "backend"}, {"seq", "seq"},       {"seconds", "seconds"}};
    for (const store::StoredRun& run : store->Runs()) {
      for (const store::StoredJob& job : store->Jobs(run.id)) {
        std::vector<double> samples = store->Samples(job.id);
        for (size_t i = 0; i < samples.size(); ++i) {
          table.rows.push_back({report::IntegerCell(run.id),
                                report::IntegerCell(job.id),
                                report::TextCell(harness::ModelLabel(job.result.config)),
                                report::TextCell(harness::BackendLabel(job.result.config)),
                                report::IntegerCell(static_cast<long long>(i)),
                                {fmt::format("{:.9g}", samples[i]), samples[i]}});
        }
      }
    }
  } else {
    for (const store::StoredRun& run : store->Runs()) {
      report::Table run_table = report::ResultsTable(store->Jobs(run.id));
      if (table.columns.empty()) {
        table.columns = {{"run_id", "run_id"}, {"device", "device"}, {"started_at", "started_at"}};
        table.columns.insert(table.columns.end(), run_table.columns.begin(),
                             run_table.columns.end());
      }
      for (auto& row : run_table.rows) {
        row.insert(row.begin(),
                   {report::IntegerCell(run.id), report::TextCell(run.info.device_label),
                    report::TextCell(run.started_at)});
        table.rows.push_back(std::move(row));
      }
    }
  }
  std::cout << report::Render(table, report::OutputFormat::kCsv);
  return kExitOk;
}

void AddDbOption(CLI::App* sub, ResultsOptions& options) {
  sub->add_option(
         "--db", options.db,
         "Results database, only read: an SQLite file or a postgresql:// URL (env EDGEBENCH_DB)")
      ->envname("EDGEBENCH_DB")
      ->check(DatabaseFile())
      ->capture_default_str();
}

}  // namespace

Command AddResultsCommand(CLI::App& app) {
  auto options = std::make_shared<ResultsOptions>();
  CLI::App* sub = app.add_subcommand("results", "Print a stored run's results");
  AddDbOption(sub, *options);
  sub->add_option("--run", options->run, "Run id (default: the latest)")->transform(RunId());
  sub->add_flag("--overhead", options->overhead,
                "Only the launcher overhead of a `run --compare-wrap` (wrapped vs bare per job, "
                "with its 95% CI and start-up phase differences), in any --format");
  sub->add_option("--format", options->format, "Output format: table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}));
  return {sub, [options] { return RunResults(*options); }};
}

Command AddExportCommand(CLI::App& app) {
  auto options = std::make_shared<ResultsOptions>();
  options->format = "csv";
  CLI::App* sub = app.add_subcommand("export", "Dump every stored run, job and sample");
  AddDbOption(sub, *options);
  sub->add_option("--format", options->format, "csv (one row per job) or json (everything)")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  sub->add_flag("--samples", options->samples, "With csv: one row per raw sample instead");
  sub->add_flag("--traces", options->traces,
                "With csv: one row per sensor reading of every job (seconds from the start of "
                "its measured window) instead");
  return {sub, [options] { return RunExport(*options); }};
}

}  // namespace edgebench::cli
