#pragma once

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench peak`: the machine's FP32 FMA throughput and STREAM bandwidth on
/// one thread and on all threads, the ceilings of a roofline.
Command AddPeakCommand(CLI::App& app);

}  // namespace edgebench::cli
