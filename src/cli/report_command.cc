#include "cli/report_command.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/option_checks.h"
#include "report/html_report.h"
#include "report/report_data.h"
#include "report/report_figures.h"
#include "store/pg_url.h"
#include "store/results_store.h"

namespace edgebench::cli {
namespace {

struct ReportOptions {
  std::vector<std::string> databases;
  std::string output = "edgebench-report";
  bool no_reference = false;
  bool no_svg = false;
  std::string baseline_backend;
  std::string baseline_device;
};

int RunReport(const ReportOptions& options) {
  std::vector<std::string> databases = options.databases;
  if (databases.empty()) {
    const char* from_environment = std::getenv("EDGEBENCH_DB");
    databases.push_back(from_environment && *from_environment ? from_environment : "edgebench.db");
  }
  for (const std::string& db : databases) {
    if (!store::IsPostgresUrl(db) && !std::filesystem::exists(db)) {
      std::cerr << "edgebench report: " << db
                << ": no such results database (run `edgebench run --db " << db << "` first)\n";
      return kExitFailure;
    }
  }
  try {
    const report::ReportData data = report::LoadReportData(databases, !options.no_reference);
    const std::vector<report::Figure> figures = report::BuildFigures(
        data,
        {.baseline_backend = options.baseline_backend, .baseline_device = options.baseline_device});
    report::HtmlReportOptions html;
    if (const char* dir = std::getenv("EDGEBENCH_VEGA_DIR")) html.vega_dir = dir;
    html.svg = !options.no_svg;
    const report::HtmlReportResult written =
        report::WriteHtmlReport(figures, data, options.output, html);
    int without_data = 0;
    for (const report::Figure& f : figures) without_data += f.no_data.empty() ? 0 : 1;
    std::cout << fmt::format(
        "report: {} ({} figures drawn, {} without data; {} SVG images in {}/figures, tables in "
        "{}/tables)\n",
        std::filesystem::absolute(written.index).string(), written.figures_drawn, without_data,
        written.svg_written, options.output, options.output);
    if (!written.svg_note.empty()) std::cerr << "note: " << written.svg_note << "\n";
    return kExitOk;
  } catch (const store::StoreError& error) {
    std::cerr << "edgebench report: " << error.what() << "\n";
  } catch (const std::exception& error) {
    std::cerr << "edgebench report: " << error.what() << "\n";
  }
  return kExitFailure;
}

}  // namespace

Command AddReportCommand(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write the study's figures from results databases: an offline HTML report with SVG "
      "images and CSV/Markdown tables");
  cmd->add_option("--db", options->databases,
                  "Results database(s) to draw from: SQLite files or postgresql:// URLs "
                  "(repeatable; default $EDGEBENCH_DB, else edgebench.db)")
      ->check(DatabaseFile());
  cmd->add_option("-o,--output", options->output, "Directory to write the report into")
      ->capture_default_str();
  cmd->add_flag("--no-reference", options->no_reference,
                "Leave out the IISWC'19 study's published devices");
  cmd->add_flag("--no-svg", options->no_svg, "Skip the static SVG images (needs node)");
  cmd->add_option("--baseline", options->baseline_backend,
                  "Backend the framework comparison divides by (default: the one measured on "
                  "the most models)");
  cmd->add_option("--baseline-device", options->baseline_device,
                  "Device the cross-device comparison divides by (default: your first)");
  return {cmd, [options] { return RunReport(*options); }};
}

}  // namespace edgebench::cli
