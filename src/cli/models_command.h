#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench models`: the zoo's computed Table I beside the study's numbers,
/// or one model's layer table with --show.
Command AddModelsCommand(CLI::App& app);

}  // namespace edgebench::cli
