#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench run`: every model x backend job in its own worker process,
/// verified against the reference, measured, stored, and tabulated.
Command AddRunCommand(CLI::App& app);

/// Registers `edgebench verify`: the same jobs without timing, reporting each backend's
/// error against the reference.
Command AddVerifyCommand(CLI::App& app);

}  // namespace edgebench::cli
