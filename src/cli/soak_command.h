#pragma once

#include <optional>
#include <string>

#include "cli/command.h"

namespace edgebench::cli {

/// Registers `edgebench soak`: one model on one backend for a fixed duration in one
/// worker, its latency, power, temperature and clocks recorded over time with the
/// sensors sampled alongside; reports the time to throttle when it happens and stores the
/// run, its latencies and the sensor traces.
Command AddSoakCommand(CLI::App& app);

/// "5m", "90s", "1h", "300" (seconds) or "1.5m" as seconds; nothing for anything else or a
/// duration not above zero.
std::optional<double> ParseDuration(const std::string& text);

}  // namespace edgebench::cli
