#include "cli/sensors_command.h"

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "report/table.h"
#include "sensors/discovery.h"
#include "sensors/sensor_sampler.h"
#include "sensors/sysfs_file.h"
#include "sensors/throttle_flags.h"

namespace edgebench::cli {
namespace {

struct SensorsCommandOptions {
  std::string sysfs_root = sensors::DefaultSysfsRoot().string();
  std::string format = "table";
  double interval_seconds = 0.2;
};

// An energy counter's reading alone says little; its mean power between the two reads
// is what a user checking the sensor wants to see.
std::optional<double> CounterWatts(const sensors::SensorSample& first,
                                   const sensors::SensorSample& second, size_t index) {
  const sensors::SensorReading& a = first.readings[index];
  const sensors::SensorReading& b = second.readings[index];
  if (a.source->kind != sensors::SensorKind::kEnergyCounter || !a.value || !b.value) {
    return std::nullopt;
  }
  const std::vector<sensors::TimedValue> series = {{first.seconds, *a.value},
                                                   {second.seconds, *b.value}};
  const sensors::EnergyResult result = sensors::IntegrateEnergyCounter(
      series, a.source->counter_range_joules, first.seconds, second.seconds);
  if (!result.estimate) return std::nullopt;
  return result.estimate->average_watts;
}

// Why a reading is absent, with the usual remedy where there is one.
std::string AbsentNote(const sensors::SensorReading& reading) {
  if (reading.source->kind == sensors::SensorKind::kEnergyCounter &&
      reading.absent_reason.find("Permission denied") != std::string::npos) {
    return reading.absent_reason +
           " (RAPL energy_uj is root-only on kernels patched for CVE-2020-8694: run as root "
           "or grant read access)";
  }
  return reading.absent_reason;
}

report::Table SensorsTable(const sensors::SensorSample& first, const sensors::SensorSample& second,
                           bool with_paths) {
  report::Table table;
  table.columns = {{"id", "source"},
                   {"kind", "kind"},
                   {"boundary", "boundary"},
                   {"label", "label", false, 24},
                   {"value", "value", true},
                   {"unit", "unit"},
                   {"counter_watts", "counter W", true},
                   {"note", "note"}};
  if (with_paths) table.columns.push_back({"path", "path"});
  for (size_t i = 0; i < second.readings.size(); ++i) {
    const sensors::SensorReading& reading = second.readings[i];
    const sensors::SensorInfo& info = *reading.source;
    const int decimals = info.kind == sensors::SensorKind::kEnergyCounter ? 6 : 3;
    const std::optional<double> watts = CounterWatts(first, second, i);
    std::vector<report::Cell> row = {
        report::TextCell(info.id),
        report::TextCell(std::string(sensors::KindName(info.kind))),
        report::TextCell(info.boundary),
        report::TextCell(info.label),
        !reading.value ? report::TextCell("-")
        : info.kind == sensors::SensorKind::kThrottleFlags
            ? report::TextCell(fmt::format("0x{:x}", static_cast<uint64_t>(*reading.value)))
            : report::NumberCell(*reading.value, decimals),
        report::TextCell(info.unit),
        watts ? report::NumberCell(*watts, 3) : report::TextCell(""),
        report::TextCell(reading.value ? reading.detail : AbsentNote(reading))};
    if (with_paths) row.push_back(report::TextCell(info.path));
    table.rows.push_back(std::move(row));
  }
  return table;
}

int RunSensors(const SensorsCommandOptions& options) {
  const auto format = report::ParseOutputFormat(options.format);
  if (!format) return kExitUsage;
  sensors::SensorSources sources = sensors::DiscoverSensors(options.sysfs_root);
  std::string no_nvml;
  const sensors::SensorSources gpus = sensors::DiscoverDriverSensors(&no_nvml);
  sources.insert(sources.end(), gpus.begin(), gpus.end());
  if (sources.empty()) {
    const std::string message = fmt::format(
        "no sensors found under {} (no RAPL, hwmon, thermal zones or cpufreq); {}; energy, power "
        "and temperature figures will read n/a (no sensor)",
        options.sysfs_root, no_nvml);
    // Tools reading CSV or JSON get a well-formed empty result; people get the sentence.
    if (*format == report::OutputFormat::kCsv || *format == report::OutputFormat::kJson) {
      std::cout << report::Render(SensorsTable({}, {}, true), *format);
      std::cerr << message << "\n";
    } else {
      std::cout << message << "\n";
    }
    return kExitOk;
  }
  sensors::SensorSample first = sensors::ReadAll(sources);
  bool has_counter = false;
  for (const auto& source : sources) {
    has_counter = has_counter || source->info().kind == sensors::SensorKind::kEnergyCounter;
  }
  sensors::SensorSample second = first;
  if (has_counter && options.interval_seconds > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(options.interval_seconds));
    second = sensors::ReadAll(sources);
  }
  const bool text = *format == report::OutputFormat::kTable;
  std::cout << report::Render(SensorsTable(first, second, !text), *format);
  if (text) {
    std::cout << fmt::format("\n{} source{} under {}", sources.size(),
                             sources.size() == 1 ? "" : "s", options.sysfs_root);
    if (!no_nvml.empty()) std::cout << "; " << no_nvml;
    if (has_counter && options.interval_seconds > 0) {
      std::cout << fmt::format("; counter W is the mean power over {:g} s",
                               options.interval_seconds);
    }
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace

Command AddSensorsCommand(CLI::App& app) {
  auto options = std::make_shared<SensorsCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "sensors", "List the power, energy, temperature and clock sensors found, with a reading");
  sub->add_option("--sysfs-root", options->sysfs_root,
                  "Directory holding sys/ to search (default: $EDGEBENCH_SYSFS_ROOT, else /)")
      ->capture_default_str();
  sub->add_option("--interval", options->interval_seconds,
                  "Seconds between two reads of energy counters, for their mean power (0: "
                  "one read)")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  sub->add_option("--format", options->format, "Output format: table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}));
  return {sub, [options] { return RunSensors(*options); }};
}

}  // namespace edgebench::cli
