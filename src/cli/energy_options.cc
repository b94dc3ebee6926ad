#include "cli/energy_options.h"

#include <charconv>
#include <cmath>

#include "cli/option_checks.h"
#include "sensors/nvml_source.h"
#include "sensors/sysfs_file.h"

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

sensors::SensorSources DiscoverRunSensors(const EnergyCliOptions& options) {
  sensors::SensorSources sources = sensors::DiscoverSensors(
      options.sysfs_root.empty() ? sensors::DefaultSysfsRoot()
                                 : std::filesystem::path(options.sysfs_root));
  sensors::SensorSources gpus = sensors::DiscoverNvml();
  sources.insert(sources.end(), gpus.begin(), gpus.end());
  return sources;
}

}  // namespace edgebench::cli
