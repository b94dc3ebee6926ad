#include "cli/merge_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "store/pg_url.h"
#include "store/results_store.h"

namespace edgebench::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string output;
};

int RunMerge(const MergeOptions& options) {
  namespace fs = std::filesystem;
  if (store::IsPostgresUrl(options.output)) {
    std::cerr << "edgebench merge: merge writes SQLite files; upload to a PostgreSQL server "
                 "with `edgebench push FILE... "
              << options.output << "`\n";
    return kExitUsage;
  }
  try {
    store::ResultsStore target = store::ResultsStore::Open(options.output);
    for (const std::string& input : options.inputs) {
      std::error_code ec;
      if (fs::equivalent(input, options.output, ec)) {
        std::cout << fmt::format("{}: is the output itself, skipped\n", input);
        continue;
      }
      const store::ResultsStore source = store::ResultsStore::OpenReadOnly(input);
      const store::ResultsStore::MergeCounts counts = target.MergeFrom(source);
      std::cout << fmt::format("{}: {} runs added ({} jobs, {} other rows), {} already present\n",
                               input, counts.runs_added, counts.jobs_added, counts.rows_added,
                               counts.runs_present);
    }
    std::cout << fmt::format("merged into {}\n", options.output);
    return kExitOk;
  } catch (const std::exception& error) {
    std::cerr << "edgebench merge: " << error.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace

Command AddMergeCommand(CLI::App& app) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "merge",
      "Merge results databases (e.g. one per board) into one; runs keep their device labels "
      "and a run already present is not added again");
  cmd->add_option("databases", options->inputs, "Databases to merge from")->required();
  cmd->add_option("-o,--output", options->output,
                  "Database to merge into (created if absent; may already hold runs)")
      ->required();
  return {cmd, [options] { return RunMerge(*options); }};
}

}  // namespace edgebench::cli
