#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "harness/energy_monitor.h"
#include "sensors/discovery.h"

namespace edgebench::cli {

/// The sensor options `run` and `soak` share.
struct EnergyCliOptions {
  std::string sysfs_root;  // empty: $EDGEBENCH_SYSFS_ROOT, else /
  double idle_seconds = 2;
  std::string cooldown_to;  // "45C"; empty = no cool-down wait
  double cooldown_timeout = 300;
};

/// Registers --sysfs-root, --idle-seconds, --cooldown-to and --cooldown-timeout.
void AddEnergyOptions(CLI::App* sub, EnergyCliOptions& options);

/// "45C", "45 C" or "45" as degrees Celsius; nothing for anything else.
std::optional<double> ParseCelsius(const std::string& text);

/// The harness options from the command line's, or nothing with `error` set.
std::optional<harness::EnergyOptions> ToEnergyOptions(const EnergyCliOptions& options,
                                                      std::string& error);

/// Every sensor of this machine for a run: sysfs under the chosen root, and NVML GPUs.
sensors::SensorSources DiscoverRunSensors(const EnergyCliOptions& options);

}  // namespace edgebench::cli
