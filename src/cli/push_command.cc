#include "cli/push_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "store/pg_url.h"
#include "store/postgres_store.h"

namespace edgebench::cli {
namespace {

struct PushOptions {
  std::vector<std::string> arguments;  // FILE... [URL]
  std::vector<std::string> files;
  std::string url;
};

// Splits FILE... URL; without a URL last, the server is $EDGEBENCH_DB.
std::optional<std::string> SplitArguments(PushOptions& options) {
  options.files = options.arguments;
  if (!options.files.empty() && store::IsPostgresUrl(options.files.back())) {
    options.url = options.files.back();
    options.files.pop_back();
  } else if (const char* url = std::getenv("EDGEBENCH_DB"); url && store::IsPostgresUrl(url)) {
    options.url = url;
  } else {
    return "name the server last: edgebench push FILE.db... postgresql://[user@]host/db (or "
           "set EDGEBENCH_DB)";
  }
  if (options.files.empty()) return "name at least one SQLite results file to push";
  for (const std::string& file : options.files) {
    if (store::IsPostgresUrl(file)) return fmt::format("'{}': push one server at a time", file);
  }
  return store::PostgresUrlProblem(options.url);
}

int RunPush(PushOptions& options) {
  if (const std::optional<std::string> problem = SplitArguments(options)) {
    std::cerr << "edgebench push: " << *problem << "\n";
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
  cmd->add_option("FILE... URL", options->arguments,
                  "SQLite results databases to upload, then the server: "
                  "postgresql://[user@]host[:port]/database (password from PGPASSWORD or "
                  "~/.pgpass; default $EDGEBENCH_DB)")
      ->required();
  return {cmd, [options] { return RunPush(*options); }};
}

}  // namespace edgebench::cli
