// Thermal zones and CPU clocks: one file per zone or core, no pairing needed.
#include <string>

#include "sensors/discovery.h"
#include "sensors/sysfs_file.h"
#include "sensors/sysfs_sources.h"

namespace edgebench::sensors {

SensorSources DiscoverThermalZones(const std::filesystem::path& root) {
  SensorSources sources;
  try {
    for (const auto& dir : ListEntries(root / "sys/class/thermal", "thermal_zone")) {
      const std::string zone = dir.filename().string();
      const std::string type = ReadTextOr(dir / "type", zone);
      sources.push_back(std::make_shared<ScaledFileSource>(
          SensorInfo{.id = zone,
                     .kind = SensorKind::kTemperature,
                     .unit = std::string(KindUnit(SensorKind::kTemperature)),
                     .boundary = "thermal:" + type,
                     .label = type,
                     .path = (dir / "temp").string()},
          dir / "temp", 1e3));
    }
  } catch (const std::exception&) {
    // Allocation failure: the zones found so far.
  }
  return sources;
}

SensorSources DiscoverCpufreq(const std::filesystem::path& root) {
  SensorSources sources;
  try {
    for (const auto& dir : ListEntries(root / "sys/devices/system/cpu", "cpu")) {
      const std::string cpu = dir.filename().string();
      // cpu0, cpu1, ...; not cpufreq/ or cpuidle/ beside them.
      if (cpu.size() <= 3 || cpu.find_first_not_of("0123456789", 3) != std::string::npos) {
        continue;
      }
      const std::filesystem::path cpufreq = dir / "cpufreq";
      std::error_code error;
      if (!std::filesystem::exists(cpufreq / "scaling_cur_freq", error)) continue;
      sources.push_back(std::make_shared<ScaledFileSource>(
          SensorInfo{.id = "cpufreq:" + cpu,
                     .kind = SensorKind::kClock,
                     .unit = std::string(KindUnit(SensorKind::kClock)),
                     .boundary = "cpu-core:" + cpu.substr(3),
                     .label = cpu,
                     .path = (cpufreq / "scaling_cur_freq").string()},
          cpufreq / "scaling_cur_freq", 1e3, cpufreq / "scaling_governor"));
    }
  } catch (const std::exception&) {
    // Allocation failure: the clocks found so far.
  }
  return sources;
}

}  // namespace edgebench::sensors
