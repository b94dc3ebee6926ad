#include "cli/peak_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "cli/option_checks.h"
#include "harness/environment.h"
#include "harness/peak/machine_peak.h"
#include "harness/peak/machine_peak_json.h"
#include "report/table.h"
#include "store/results_store.h"

namespace edgebench::cli {
namespace {

struct PeakCommandOptions {
  std::string format = "table";
  std::string db = "edgebench.db";
  bool no_store = false;
  harness::peak::PeakOptions peak;
  int64_t array_mib = 0;
};

// The text table leaves the long method strings out and lists them under it, one per
// figure; the exports (CSV, JSON, Markdown) carry them in a column.
report::Table FiguresTable(const harness::peak::MachinePeak& peak, bool with_method) {
  report::Table table;
  table.columns = {{"what", "figure"},
                   {"threads", "threads", true},
                   {"value", "value", true},
                   {"unit", "unit"},
                   {"isa", "isa"}};
  if (with_method) table.columns.push_back({"method", "method"});
  for (const harness::peak::PeakFigure& figure : peak.figures) {
    std::vector<report::Cell> row = {report::TextCell(figure.what),
                                     report::IntegerCell(figure.threads),
                                     report::NumberCell(figure.value, 1),
                                     report::TextCell(figure.unit), report::TextCell(figure.isa)};
    if (with_method) row.push_back(report::TextCell(figure.method));
    table.rows.push_back(std::move(row));
  }
  return table;
}

int RunPeak(PeakCommandOptions options) {
  const auto format = report::ParseOutputFormat(options.format);
  if (!format) return kExitUsage;
  options.peak.array_bytes = options.array_mib << 20;
  if (isatty(fileno(stderr))) {
    std::cerr << "Measuring FMA throughput and memory bandwidth (a few seconds)...\n";
  }
  harness::peak::MachinePeak peak;
  try {
    peak = harness::peak::MeasureMachinePeak(options.peak);
  } catch (const std::invalid_argument& error) {
    std::cerr << "edgebench peak: " << error.what() << "\n";
    return kExitUsage;
  }
  std::string stored;
  // A narrower ISA than the widest is not this machine's ceiling: shown, never stored.
  if (!options.no_store && options.peak.isa.empty()) {
    const harness::Environment environment = harness::CaptureEnvironment();
    try {
      store::ResultsStore store = store::ResultsStore::Open(options.db);
      store.RecordMachinePeak({.hostname = environment.hostname,
                               .cpu_model = environment.cpu_model.value_or(""),
                               .isa = peak.isa,
                               .peak_json = harness::peak::ToJson(peak).dump()});
      stored = fmt::format("stored in {}: later runs on this machine report their share of it",
                           options.db);
    } catch (const store::StoreError& error) {
      std::cerr << "edgebench peak: " << error.what() << "\n";
      return kExitFailure;
    }
  }
  switch (*format) {
    case report::OutputFormat::kJson:
      // The stored form, whole: the flags and sizes as well as the figures.
      std::cout << harness::peak::ToJson(peak).dump(2) << "\n";
      break;
    case report::OutputFormat::kCsv:
      std::cout << report::Render(FiguresTable(peak, true), *format);
      break;
    case report::OutputFormat::kMarkdown:
    case report::OutputFormat::kTable: {
      const bool text = *format == report::OutputFormat::kTable;
      std::cout << fmt::format("CPU SIMD features: {}\nFMA kernel ISA: {}\n\n",
                               fmt::join(peak.cpu_flags, " "), peak.isa)
                << report::Render(FiguresTable(peak, !text), *format);
      if (!text) break;
      std::cout << "\n";
      for (const harness::peak::PeakFigure& figure : peak.figures) {
        std::cout << fmt::format("{}, {} thread{}: {}\n", figure.what, figure.threads,
                                 figure.threads == 1 ? "" : "s", figure.method);
      }
      for (const std::string& warning :
           harness::EnvironmentWarnings(harness::CaptureEnvironment())) {
        std::cout << "WARNING: " << warning << "\n";
      }
      if (!stored.empty()) std::cout << "Ceilings " << stored << "\n";
      break;
    }
  }
  return kExitOk;
}

}  // namespace

Command AddPeakCommand(CLI::App& app) {
  auto options = std::make_shared<PeakCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "peak", "Measure the machine's ceilings: FP32 FMA GFLOP/s and STREAM memory bandwidth");
  sub->add_option("--threads", options->peak.threads,
                  "Threads of the all-threads figures (default: every CPU this process may use)")
      ->check(CLI::Range(1, 1024));
  sub->add_option("--trials", options->peak.trials, "Timed trials per figure; the best counts")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  sub->add_option("--trial-seconds", options->peak.trial_seconds, "Duration of one trial")
      ->check(CLI::Range(0.001, 10.0))
      ->capture_default_str();
  sub->add_option("--array-mib", options->array_mib,
                  "MiB of each STREAM array (default: 4 x last-level cache, 64 to 256)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  sub->add_option("--isa", options->peak.isa,
                  "FMA kernel: avx512f, avx2+fma, sse2, neon or scalar (default: the widest "
                  "this CPU supports)");
  sub->add_option("--format", options->format, "Output format: table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}));
  sub->add_option("--db", options->db,
                  "Results database the ceilings are stored in, for the %-of-peak columns of "
                  "later runs on this machine")
      ->envname("EDGEBENCH_DB")
      ->check(DatabaseFile())
      ->capture_default_str();
  sub->add_flag("--no-store", options->no_store, "Only print the ceilings");
  return {sub, [options] { return RunPeak(*options); }};
}

}  // namespace edgebench::cli
