#include "cli/energy_options.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "cli/option_checks.h"
#include "sensors/external_meter.h"
#include "sensors/sysfs_file.h"
#include "sensors/throttle_flags.h"

namespace edgebench::cli {

void AddEnergyOptions(CLI::App* sub, EnergyCliOptions& options) {
  sub->add_option("--sysfs-root", options.sysfs_root,
                  "Directory holding sys/ to read sensors from (default: $EDGEBENCH_SYSFS_ROOT, "
                  "else /)");
  sub->add_option("--idle-seconds", options.idle_seconds,
                  "Seconds of idle power measured before each job, for idle-subtracted energy "
                  "(0: off; skipped without an energy sensor)")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  sub->add_option("--cooldown-to", options.cooldown_to,
                  "Before each job, wait until the hottest temperature sensor is below this, "
                  "e.g. 45C (the wait is recorded)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return ParseCelsius(text) ? "" : "expects degrees Celsius, e.g. 45C";
          },
          "TEMP"));
  sub->add_option("--power-cmd", options.power_cmd,
                  "External meter: a shell command printing one power reading in W per line; "
                  "read on its own thread, each line timestamped on arrival (boundary "
                  "external-meter)");
  sub->add_option("--power-log", options.power_log,
                  "External meter log read after the run and aligned with each job: CSV with "
                  "header unix_time_s,watts (or monotonic_s,watts), one reading per row")
      ->check(CLI::ExistingFile);
  sub->add_option("--cooldown-timeout", options.cooldown_timeout,
                  "Give up a --cooldown-to wait after this many seconds (the job then runs, its "
                  "record saying so)")
      ->check(Seconds(/*positive=*/true))
      ->capture_default_str();
}

std::optional<double> ParseCelsius(const std::string& text) {
  std::string number = text;
  while (!number.empty() &&
         (number.back() == 'C' || number.back() == 'c' || number.back() == ' ')) {
    number.pop_back();
  }
  double value = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || error != std::errc() || end != number.data() + number.size() ||
      !std::isfinite(value) || value < -50 || value > 150) {
    return std::nullopt;
  }
  return value;
}

std::optional<harness::EnergyOptions> ToEnergyOptions(const EnergyCliOptions& options,
                                                      std::string& error) {
  harness::EnergyOptions energy{.idle_seconds = options.idle_seconds,
                                .cooldown_timeout_seconds = options.cooldown_timeout};
  if (!options.cooldown_to.empty()) {
    energy.cooldown_to_celsius = ParseCelsius(options.cooldown_to);
    if (!energy.cooldown_to_celsius) {
      error = "bad --cooldown-to '" + options.cooldown_to + "' (e.g. 45C)";
      return std::nullopt;
    }
  }
  return energy;
}

std::optional<sensors::SensorSources> DiscoverRunSensors(const EnergyCliOptions& options,
                                                         std::string& error) {
  sensors::SensorSources sources = sensors::DiscoverSensors(
      options.sysfs_root.empty() ? sensors::DefaultSysfsRoot()
                                 : std::filesystem::path(options.sysfs_root));
  sensors::SensorSources gpus = sensors::DiscoverDriverSensors();
  sources.insert(sources.end(), gpus.begin(), gpus.end());
  if (!options.power_cmd.empty()) {
    std::shared_ptr<sensors::SensorSource> meter =
        sensors::StartPowerCommand(options.power_cmd, error);
    if (!meter) return std::nullopt;
    sources.push_back(std::move(meter));
  }
  return sources;
}

std::vector<std::string> ApplyPowerLog(store::ResultsStore& store, const std::string& path,
                                       const std::vector<MeasuredWindow>& windows) {
  const sensors::PowerLog log = sensors::ReadPowerLog(path);
  if (!log.error.empty()) return {log.error};
  std::vector<std::string> problems;
  for (const MeasuredWindow& window : windows) {
    if (!(window.end > window.start)) continue;
    const sensors::EnergyResult energy =
        sensors::IntegratePower(log.watts, window.start, window.end);
    harness::SourceFigures figures{.source_id = "external-meter:log",
                                   .boundary = sensors::kExternalMeterBoundary,
                                   .kind = "power",
                                   .unit = "W",
                                   .method = "power-integral"};
    if (energy.estimate && window.inferences > 0) {
      figures.joules = energy.estimate->joules;
      figures.mj_per_inference =
          energy.estimate->joules * 1e3 / static_cast<double>(window.inferences);
      figures.average_watts = energy.estimate->average_watts;
      figures.peak_watts = energy.estimate->peak_watts;
    } else {
      figures.problem = energy.problem;
      problems.push_back(fmt::format("{}: job {}: {}", path, window.job_id, energy.problem));
    }
    store.AddEnergyFigures(window.job_id, window.end - window.start, window.inferences, {figures});
  }
  return problems;
}

}  // namespace edgebench::cli
