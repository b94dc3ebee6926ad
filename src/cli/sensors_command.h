#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench sensors`: every power, energy, temperature and clock source
/// found under the sysfs root, each with a live reading (or why it has none).
Command AddSensorsCommand(CLI::App& app);

}  // namespace edgebench::cli
