#include "cli/matrix_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "backends/registry.h"
#include "cli/job_selection.h"
#include "cli/option_checks.h"
#include "formats/input_shapes.h"
#include "formats/model_source.h"
#include "report/compatibility_matrix.h"
#include "store/pg_url.h"
#include "store/results_store.h"

namespace edgebench::cli {
namespace {

using report::Compatibility;
using report::MatrixEntry;

struct MatrixOptions {
  std::string models = "all";
  std::vector<std::string> model_files;
  std::string input_shape;
  std::string backends = "all";
  std::string db = "edgebench.db";
  std::string format = "table";
  std::string plugin_dir;
};

Compatibility StateOf(const harness::JobResult& result) {
  switch (result.status) {
    case harness::JobStatus::kOk:
      return result.verification ? Compatibility::kVerified : Compatibility::kRan;
    case harness::JobStatus::kUnsupported:
      return Compatibility::kUnsupported;
    case harness::JobStatus::kUnavailable:
      return Compatibility::kUnavailable;
    case harness::JobStatus::kVerifyFailed:
    case harness::JobStatus::kFailed:
    case harness::JobStatus::kCrashed:
    case harness::JobStatus::kExited:
    case harness::JobStatus::kTimeout:
    case harness::JobStatus::kOutOfMemory:
      return Compatibility::kFailed;
  }
  return Compatibility::kFailed;
}

// The latest stored outcome of each model x backend at the default options (fp32, no
// toggles), from every run in `db`; nothing when the file does not exist.
std::map<std::pair<std::string, std::string>, MatrixEntry> StoredOutcomes(const std::string& db) {
  std::map<std::pair<std::string, std::string>, MatrixEntry> outcomes;
  if (!store::IsPostgresUrl(db) && !std::filesystem::exists(db)) return outcomes;
  const store::ResultsStore store = store::ResultsStore::OpenReadOnly(db);
  for (const store::StoredJob& job : store.Jobs(std::nullopt)) {
    const harness::JobResult& r = job.result;
    if (!r.config.toggles.empty() || r.config.precision != "fp32") continue;
    const Compatibility state = StateOf(r);
    std::string reason = r.error;
    if (state == Compatibility::kFailed) {
      reason = fmt::format("{}: {}", harness::JobStatusName(r.status), r.error);
    }
    outcomes[{harness::ModelLabel(r.config), r.config.backend}] = {
        .model = harness::ModelLabel(r.config),
        .backend = r.config.backend,
        .state = state,
        .reason = state == Compatibility::kVerified || state == Compatibility::kRan ? "" : reason,
        .source = fmt::format("run {}", job.run_id)};
  }
  return outcomes;
}

int RunMatrix(const MatrixOptions& options) {
  const auto format = report::ParseOutputFormat(options.format);
  if (!format) return kExitUsage;
  const backends::BackendRegistry registry = backends::DefaultRegistry(
      options.plugin_dir.empty() ? backends::DefaultPluginDir() : options.plugin_dir);
  harness::JobLauncher launcher(
      {.mode = harness::WorkerRequest::Mode::kVerify, .plugin_dir = registry.plugin_dir()});
  std::vector<std::string> models;
  if (!ExpandModels(options.models, options.model_files, options.input_shape, launcher, models)) {
    return kExitUsage;
  }
  const std::vector<backends::BackendInfo> infos = registry.List();
  std::vector<std::string> backend_ids;
  std::vector<std::string> missing;  // "all" leaves them out of the matrix, named below it
  if (options.backends == "all") {
    for (const backends::BackendInfo& info : infos) {
      if (info.id == "reference") continue;
      if (info.available) {
        backend_ids.push_back(info.id);
      } else {
        missing.push_back(fmt::format("{} ({})", info.id, info.reason));
      }
    }
  } else if (!ExpandBackends(options.backends, registry, infos, backend_ids)) {
    return kExitUsage;
  }
  if (backend_ids.empty()) {
    std::cerr << fmt::format(
        "edgebench: no backend to tabulate: none is available here ({}); "
        "name the built-in one with --backends reference\n",
        fmt::join(missing, "; "));
    return kExitFailure;
  }

  std::map<std::pair<std::string, std::string>, MatrixEntry> stored;
  try {
    stored = StoredOutcomes(options.db);
  } catch (const store::StoreError& error) {
    std::cerr << "edgebench: " << error.what() << "\n";
    return kExitFailure;
  }
  std::map<std::string, backends::BackendHandle> handles;
  std::map<std::string, std::string> unavailable;
  for (const backends::BackendInfo& info : infos) {
    if (!info.available) {
      unavailable[info.id] = info.reason;
      continue;
    }
    std::string error;
    handles[info.id] = registry.Create(info.id, error);
    if (!handles[info.id]) unavailable[info.id] = error;
  }

  std::vector<MatrixEntry> entries;
  const formats::InputShapes shapes = formats::ParseInputShapes(options.input_shape);
  for (const std::string& model : models) {
    std::optional<ir::Graph> graph;
    std::string load_error;
    try {
      graph = formats::LoadModelStructure(
          model, formats::IsModelFile(model) ? shapes : formats::InputShapes{});
    } catch (const std::exception& error) {
      load_error = error.what();
    }
    for (const std::string& backend : backend_ids) {
      const std::string label = formats::IsModelFile(model) && !options.input_shape.empty()
                                    ? fmt::format("{} [{}]", model, options.input_shape)
                                    : model;
      if (const auto found = stored.find({label, backend}); found != stored.end()) {
        entries.push_back(found->second);
        continue;
      }
      MatrixEntry entry{.model = label, .backend = backend, .source = "support check"};
      if (unavailable.contains(backend)) {
        entry.state = Compatibility::kUnavailable;
        entry.reason = unavailable[backend];
      } else if (!graph) {
        entry.state = Compatibility::kFailed;
        entry.reason = "the model does not load: " + load_error;
      } else if (const backends::Support support =
                     backends::CheckGraphSupport(*handles[backend], *graph);
                 !support.supported) {
        entry.state = Compatibility::kUnsupported;
        entry.reason = support.reason;
      }
      entries.push_back(std::move(entry));
    }
  }

  if (*format == report::OutputFormat::kCsv || *format == report::OutputFormat::kJson) {
    std::cout << report::Render(report::CompatibilityList(entries), *format);
    return kExitOk;
  }
  std::vector<std::string> rows;
  for (const std::string& model : models) {
    rows.push_back(formats::IsModelFile(model) && !options.input_shape.empty()
                       ? fmt::format("{} [{}]", model, options.input_shape)
                       : model);
  }
  std::vector<std::string> notes;
  std::cout << report::Render(report::CompatibilityMatrix(entries, rows, backend_ids, notes),
                              *format);
  if (!notes.empty()) std::cout << "\n";
  for (const std::string& note : notes) {
    std::cout << (*format == report::OutputFormat::kMarkdown ? "* " : "") << note << "\n";
  }
  if (!missing.empty()) {
    std::cout << fmt::format("\nNot available here: {}\n", fmt::join(missing, "; "));
  }
  std::cout << fmt::format(
      "\n✓: every node passes the backend's support check; ✓ verified: a stored run matched "
      "the reference ({}). Verify all: edgebench verify --models all --backends all\n",
      store::IsPostgresUrl(options.db) || std::filesystem::exists(options.db) ? options.db
                                                                              : "no database yet");
  return kExitOk;
}

}  // namespace

Command AddMatrixCommand(CLI::App& app) {
  auto options = std::make_shared<MatrixOptions>();
  CLI::App* sub = app.add_subcommand(
      "matrix", "Which backend runs which model, and why not: models x backends (Table V)");
  sub->add_option("--models", options->models,
                  "Comma-separated model ids (ID@SIZE allowed), or 'all' for the study's 16")
      ->capture_default_str();
  sub->add_option("--model", options->model_files, "Your own model file (repeatable)");
  sub->add_option("--input-shape", options->input_shape,
                  "Shapes of the model files' inputs: NAME:1x3x224x224[,...]")
      ->transform(InputShapeList());
  sub->add_option("--backends", options->backends,
                  "Comma-separated backend ids, or 'all' (unavailable ones shown as n/a)")
      ->capture_default_str();
  sub->add_option("--db", options->db,
                  "Results database whose stored outcomes (verified, failed) override the "
                  "support checks; only read, and not needed")
      ->envname("EDGEBENCH_DB")
      ->check(DatabaseFile())
      ->capture_default_str();
  sub->add_option("--format", options->format,
                  "Output format: table or md (the matrix), csv or json (one row per cell)")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}))
      ->capture_default_str();
  sub->add_option("--plugin-dir", options->plugin_dir, "Where backend plugins are looked up");
  return {sub, [options] { return RunMatrix(*options); }};
}

}  // namespace edgebench::cli
