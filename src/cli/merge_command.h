#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench merge A.db B.db ... -o fleet.db`: several boards' results in one
/// database (runs keep their device labels; merging a file twice adds nothing).
Command AddMergeCommand(CLI::App& app);

}  // namespace edgebench::cli
