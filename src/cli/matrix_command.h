#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// `edgebench matrix`: models x backends, each cell whether the backend runs the model
/// (its own support check, or the stored outcome of a run), with the reasons as notes.
Command AddMatrixCommand(CLI::App& app);

}  // namespace edgebench::cli
