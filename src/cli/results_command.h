#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench results`: a stored run's result table (latest by default).
Command AddResultsCommand(CLI::App& app);

/// Registers `edgebench export`: every stored run, job and raw sample as CSV or JSON.
Command AddExportCommand(CLI::App& app);

}  // namespace edgebench::cli
