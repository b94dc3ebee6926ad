#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench backends`: every backend with availability, version and reason.
Command AddBackendsCommand(CLI::App& app);

}  // namespace edgebench::cli
