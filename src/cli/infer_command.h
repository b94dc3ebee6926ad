#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench infer MODEL --backend ID -o DIR`: one inference in a worker on
/// the given .npy inputs (or the seeded ones verification uses), every input and output
/// written to DIR as .npy with a summary.json comparing each output with the reference.
Command AddInferCommand(CLI::App& app);

}  // namespace edgebench::cli
