#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace edgebench::cli {

/// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// The command line as typed (argv joined), recorded with every stored run.
inline std::string& Invocation() {
  static std::string invocation;
  return invocation;
}

/// A registered subcommand: its parser, and what runs once parsing succeeded. Running
/// after parsing (not inside a CLI11 callback) lets each command return its exit code.
struct Command {
  CLI::App* parser = nullptr;
  std::function<int()> run;
};

}  // namespace edgebench::cli
