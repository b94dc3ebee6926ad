#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench profile --model M --backends IDS`: per model, each backend's
/// per-layer times (its own profiler, mapped back to the model's IR nodes) in one table,
/// beside its unprofiled end-to-end p50; stored in the results database.
Command AddProfileCommand(CLI::App& app);

}  // namespace edgebench::cli
