#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench export-model ID --format onnx -o FILE`: a zoo model with its
/// seeded weights as a file other tools can run.
Command AddExportModelCommand(CLI::App& app);

}  // namespace edgebench::cli
