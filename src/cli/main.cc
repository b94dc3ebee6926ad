// edgebench: which inference framework and which optimizations give the best
// single-batch latency and energy for a model on a device, and why.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <vector>

#include "cli/build_info.h"
#include "cli/command.h"
#include "cli/models_command.h"

namespace {

std::string VersionText() {
  return fmt::format("edgebench {} (revision {}{})", edgebench::BuildVersion(),
                     edgebench::BuildRevision(), edgebench::BuildDirty() ? ", dirty" : "");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace edgebench::cli;
  CLI::App app{"edgebench: single-batch DNN inference latency and energy across frameworks",
               "edgebench"};
  app.set_version_flag("--version", VersionText());
  app.require_subcommand(1);
  app.footer("Run 'edgebench COMMAND --help' for a command's options.");

  std::vector<Command> commands = {AddModelsCommand(app)};

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
    if (command.parser->parsed()) return command.run();
  }
  return kExitUsage;
}
