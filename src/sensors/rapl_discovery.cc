// RAPL through the powercap framework: one zone per directory, subzones nested inside
// their package and also linked flat into sys/class/powercap on real machines.
#include <set>
#include <string>

#include "sensors/discovery.h"
#include "sensors/sysfs_file.h"
#include "sensors/sysfs_sources.h"

namespace edgebench::sensors {
namespace {

constexpr std::string_view kZonePrefix = "intel-rapl:";

// The zone's package index: "intel-rapl:1:0" belongs to zone 1, whose name says which
// package it is ("package-1"); a zone that is not a package (psys) keeps its own index.
std::string PackageIndex(const std::filesystem::path& zone_dir) {
  std::string zone = zone_dir.filename().string().substr(kZonePrefix.size());
  const size_t colon = zone.find(':');
  std::filesystem::path package_dir = zone_dir;
  if (colon != std::string::npos) {
    zone = zone.substr(0, colon);
    package_dir = zone_dir.parent_path().filename().string().starts_with(kZonePrefix)
                      ? zone_dir.parent_path()
                      : zone_dir.parent_path() / (std::string(kZonePrefix) + zone);
  }
  const std::string package_name = ReadTextOr(package_dir / "name", "");
  if (package_name.starts_with("package-")) return package_name.substr(8);
  return zone;
}

std::string Boundary(const std::string& name, const std::string& package) {
  if (name.starts_with("package")) return "cpu-package:" + package;
  if (name == "core") return "cpu-cores:" + package;
  if (name == "uncore") return "uncore:" + package;
  if (name == "dram") return "dram:" + package;
  if (name == "psys") return "platform";
  return "rapl:" + name + ":" + package;
}

void AddZone(const std::filesystem::path& zone_dir, std::set<std::string>& seen,
             SensorSources& sources) {
  const std::string zone = zone_dir.filename().string();
  if (!seen.insert(zone).second) return;
  const std::string name = ReadTextOr(zone_dir / "name", zone);
  SensorInfo info{.id = "rapl:" + zone,
                  .kind = SensorKind::kEnergyCounter,
                  .unit = std::string(KindUnit(SensorKind::kEnergyCounter)),
                  .boundary = Boundary(name, PackageIndex(zone_dir)),
                  .label = name,
                  .path = (zone_dir / "energy_uj").string()};
  const FileInteger range = ReadSysfsInteger(zone_dir / "max_energy_range_uj");
  if (range.value && *range.value > 0) {
    info.counter_range_joules = static_cast<double>(*range.value) / 1e6;
  }
  sources.push_back(
      std::make_shared<ScaledFileSource>(std::move(info), zone_dir / "energy_uj", 1e6));
}

}  // namespace

SensorSources DiscoverRapl(const std::filesystem::path& root) {
  SensorSources sources;
  try {
    std::set<std::string> seen;
    const std::filesystem::path powercap = root / "sys/class/powercap";
    for (const auto& zone_dir : ListEntries(powercap, std::string(kZonePrefix))) {
      AddZone(zone_dir, seen, sources);
      for (const auto& sub_dir : ListEntries(zone_dir, std::string(kZonePrefix))) {
        AddZone(sub_dir, seen, sources);
      }
    }
  } catch (const std::exception&) {
    // Allocation failure: the zones found so far.
  }
  return sources;
}

SensorSources DiscoverSensors(const std::filesystem::path& root) {
  SensorSources all;
  for (auto* discover : {&DiscoverRapl, &DiscoverHwmon, &DiscoverThermalZones, &DiscoverCpufreq}) {
    SensorSources found = discover(root);
    all.insert(all.end(), found.begin(), found.end());
  }
  return all;
}

}  // namespace edgebench::sensors
