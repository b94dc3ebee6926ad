#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace edgebench::cli {

/// How `run` and `verify` start their workers: directly, through a launcher command, or in
/// a built-in container; and whether `run` measures each job both ways.
struct WrapCliOptions {
  std::string wrap;       // --wrap 'CMD ...'
  std::string container;  // --container NAME (bwrap)
  bool compare = false;   // --compare-wrap (run only)
};

/// Registers --wrap and --container; with `compare`, --compare-wrap too.
void AddWrapOptions(CLI::App* sub, WrapCliOptions& options, bool compare);

/// The JobConfig::wrapper text the options ask for ("" = bare), or nullopt with `error`
/// set when they contradict each other or the command cannot be split into words.
std::optional<std::string> WrapperOf(const WrapCliOptions& options, std::string& error);

}  // namespace edgebench::cli
