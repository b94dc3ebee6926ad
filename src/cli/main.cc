// edgebench: which inference framework and which optimizations give the best
// single-batch latency and energy for a model on a device, and why.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string_view>
#include <vector>

#include "backends/registry.h"
#include "cli/backends_command.h"
#include "cli/command.h"
#include "cli/export_model_command.h"
#include "cli/infer_command.h"
#include "cli/matrix_command.h"
#include "cli/merge_command.h"
#include "cli/models_command.h"
#include "cli/optimizations_command.h"
#include "cli/peak_command.h"
#include "cli/profile_command.h"
#include "cli/push_command.h"
#include "cli/report_command.h"
#include "cli/results_command.h"
#include "cli/run_command.h"
#include "cli/sensors_command.h"
#include "cli/soak_command.h"
#include "cli/tune_command.h"
#include "common/build_info.h"
#include "harness/worker.h"

namespace {

std::string VersionText() {
  return fmt::format("edgebench {} (revision {}{})", edgebench::BuildVersion(),
                     edgebench::BuildRevision(), edgebench::BuildDirty() ? ", dirty" : "");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace edgebench::cli;
  // The harness re-executes this binary as an isolated worker for each job.
  if (argc > 1 && std::string_view(argv[1]) == edgebench::harness::kWorkerArgument) {
    return edgebench::harness::WorkerMain(argc, argv, [](const std::string& plugin_dir) {
      return edgebench::backends::DefaultRegistry(plugin_dir);
    });
  }
  for (int i = 0; i < argc; ++i) Invocation() += (i > 0 ? " " : "") + std::string(argv[i]);

  CLI::App app{"edgebench: single-batch DNN inference latency and energy across frameworks",
               "edgebench"};
  app.set_version_flag("--version", VersionText());
  app.require_subcommand(1);
  app.footer("Run 'edgebench COMMAND --help' for a command's options.");

  std::vector<Command> commands = {AddRunCommand(app),      AddVerifyCommand(app),
                                   AddInferCommand(app),    AddResultsCommand(app),
                                   AddExportCommand(app),   AddModelsCommand(app),
                                   AddBackendsCommand(app), AddExportModelCommand(app)};
  commands.push_back(AddPeakCommand(app));
  commands.push_back(AddMatrixCommand(app));
  commands.push_back(AddSensorsCommand(app));
  commands.push_back(AddReportCommand(app));
  commands.push_back(AddMergeCommand(app));
  commands.push_back(AddPushCommand(app));
  commands.push_back(AddSoakCommand(app));
  commands.push_back(AddProfileCommand(app));
  commands.push_back(AddTuneCommand(app));
  commands.push_back(AddOptimizationsCommand(app));

  // CLI11 would only say "a subcommand is required"; name the word it did not know.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const Command& command : commands) known = known || command.parser->check_name(argv[1]);
    if (!known) {
      std::cerr << "edgebench: unknown command '" << argv[1] << "'\n"
                << app.help("", CLI::AppFormatMode::Normal);
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(error);
    }
    std::cerr << "edgebench: " << error.what() << "\n";
    CLI::App* failing = &app;
    for (const Command& command : commands) {
      if (command.parser->parsed()) failing = command.parser;
    }
    std::cerr << failing->help("", CLI::AppFormatMode::Normal);
    return kExitUsage;
  }
  for (const Command& command : commands) {
    if (!command.parser->parsed()) continue;
    // Commands report expected failures themselves; this catches what escapes them (a
    // database gone busy or full mid-run) so the user gets a message, not an abort.
    try {
      return command.run();
    } catch (const std::exception& error) {
      std::cerr << "edgebench " << command.parser->get_name() << ": " << error.what() << "\n";
      return kExitFailure;
    }
  }
  return kExitUsage;
}
