#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "harness/energy_monitor.h"
#include "sensors/discovery.h"
#include "store/results_store.h"

namespace edgebench::cli {

/// The sensor options `run` and `soak` share.
struct EnergyCliOptions {
  std::string sysfs_root;  // empty: $EDGEBENCH_SYSFS_ROOT, else /
  double idle_seconds = 2;
  std::string cooldown_to;  // "45C"; empty = no cool-down wait
  double cooldown_timeout = 300;
  std::string power_cmd;  // --power-cmd: a meter reader printing W per line
  std::string power_log;  // --power-log: a meter's CSV log, aligned after the run
};

/// A job's measured window, kept to line an external meter's log up with it afterwards.
struct MeasuredWindow {
  int64_t job_id = 0;
  double start = 0, end = 0;  // CLOCK_MONOTONIC seconds
  int64_t inferences = 0;
};

/// Registers --sysfs-root, --idle-seconds, --cooldown-to, --cooldown-timeout, --power-cmd
/// and --power-log.
void AddEnergyOptions(CLI::App* sub, EnergyCliOptions& options);

/// "45C", "45 C" or "45" as degrees Celsius; nothing for anything else.
std::optional<double> ParseCelsius(const std::string& text);

/// The harness options from the command line's, or nothing with `error` set.
std::optional<harness::EnergyOptions> ToEnergyOptions(const EnergyCliOptions& options,
                                                      std::string& error);

/// Every sensor of this machine for a run: sysfs under the chosen root, NVML GPUs, and the
/// --power-cmd meter (started here). Nothing, with `error` set, when the command cannot
/// start.
std::optional<sensors::SensorSources> DiscoverRunSensors(const EnergyCliOptions& options,
                                                         std::string& error);

/// --power-log: reads the log and stores, for every window it covers, the external meter's
/// figures (power integral over the window; boundary "external-meter"). Returns the
/// problems (a bad log, windows it does not cover) for the user; empty when all went in.
std::vector<std::string> ApplyPowerLog(store::ResultsStore& store, const std::string& path,
                                       const std::vector<MeasuredWindow>& windows);

}  // namespace edgebench::cli
