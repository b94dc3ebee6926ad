#include "cli/push_command.h"

#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "cli/option_checks.h"
#include "store/pg_url.h"
#include "store/postgres_store.h"

namespace edgebench::cli {
namespace {

struct PushOptions {
  std::vector<std::string> files;
  std::string url;
};

int RunPush(const PushOptions& options) {
  if (!store::IsPostgresUrl(options.url)) {
    std::cerr << fmt::format("edgebench push: '{}' is not a postgresql:// URL\n", options.url);
    return kExitUsage;
  }
  try {
    for (const std::string& file : options.files) {
      const auto started = std::chrono::steady_clock::now();
      const store::ResultsStore source = store::ResultsStore::OpenReadOnly(file);
      const store::PushCounts counts = store::PushToPostgres(source, options.url);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::cout << fmt::format(
          "{}: {} runs added, {} already there; {} jobs added ({} other rows), {} already there "
          "({:.2f} s)\n",
          file, counts.runs_added, counts.runs_present, counts.jobs_added, counts.rows_added,
          counts.jobs_present, seconds);
    }
    std::cout << fmt::format("pushed to {}\n", options.url);
    return kExitOk;
  } catch (const std::exception& error) {
    std::cerr << "edgebench push: " << error.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace

Command AddPushCommand(CLI::App& app) {
  auto options = std::make_shared<PushOptions>();
  CLI::App* cmd = app.add_subcommand(
      "push",
      "Upload SQLite results databases (a board that measured offline, or the local file a "
      "run kept when its server was lost) to a PostgreSQL results database; runs keep their "
      "device labels and environments, and pushing twice adds nothing");
  cmd->add_option("files", options->files, "SQLite results databases to upload")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("url", options->url,
                  "postgresql://[user@]host[:port]/database (password from PGPASSWORD or "
                  "~/.pgpass; env EDGEBENCH_DB)")
      ->envname("EDGEBENCH_DB")
      ->required()
      ->check(DatabaseFile());
  return {cmd, [options] { return RunPush(*options); }};
}

}  // namespace edgebench::cli
