#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench report`: the study's figures from one or more results databases,
/// as an offline HTML page with SVG images and CSV/Markdown tables.
Command AddReportCommand(CLI::App& app);

}  // namespace edgebench::cli
