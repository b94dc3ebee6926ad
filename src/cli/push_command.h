#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench push FILE.db postgresql://...`: a board's SQLite results (measured
/// offline, or kept locally when its server was lost) uploaded to a shared PostgreSQL
/// database; pushing twice adds nothing.
Command AddPushCommand(CLI::App& app);

}  // namespace edgebench::cli
