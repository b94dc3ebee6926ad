// hwmon: every driver names its channels <type><index>_input with an optional
// <type><index>_label; power monitors on boards (INA3221, INA219) are hwmon drivers too.
#include <map>
#include <set>
#include <string>

#include "sensors/discovery.h"
#include "sensors/sysfs_file.h"
#include "sensors/sysfs_sources.h"

namespace edgebench::sensors {
namespace {

// The channels of one hwmon directory by type ("power", "curr", "in", "temp"): index ->
// the file holding the value. Power monitors that only average (amdgpu's
// powerN_average) count as power channels; an _input file wins over an _average one.
std::map<std::string, std::map<int, std::string>> Channels(const std::filesystem::path& hwmon_dir) {
  std::map<std::string, std::map<int, std::string>> channels;
  for (const auto& entry : ListEntries(hwmon_dir, "")) {
    const std::string name = entry.filename().string();
    const bool input = name.ends_with("_input");
    if (!input && !(name.starts_with("power") && name.ends_with("_average"))) continue;
    const std::string stem = name.substr(0, name.rfind('_'));
    size_t digits = stem.size();
    while (digits > 0 && stem[digits - 1] >= '0' && stem[digits - 1] <= '9') --digits;
    if (digits == 0 || digits == stem.size() || stem.size() - digits > 6) continue;
    std::string& file = channels[stem.substr(0, digits)][std::stoi(stem.substr(digits))];
    if (input || file.empty()) file = name;
  }
  return channels;
}

std::string Channel(const std::string& type, int index) { return type + std::to_string(index); }

// Board power monitors (the INA2xx/INA3221 family) measure named supply rails; any other
// driver's power channel (amdgpu, a CPU's hwmon) covers that device alone.
std::string PowerBoundary(const std::string& driver, const std::string& label) {
  if (driver.starts_with("ina")) return "board-rail:" + label;
  return "device-power:" + driver + ":" + label;
}

}  // namespace

SensorSources DiscoverHwmon(const std::filesystem::path& root) {
  SensorSources sources;
  try {
    for (const auto& dir : ListEntries(root / "sys/class/hwmon", "hwmon")) {
      const std::string hwmon = dir.filename().string();
      const std::string name = ReadTextOr(dir / "name", hwmon);
      auto label_of = [&](const std::string& channel, const std::string& fallback) {
        return ReadTextOr(dir / (channel + "_label"), fallback);
      };
      auto channels = Channels(dir);
      for (const auto& [index, file] : channels["power"]) {
        const std::string channel = Channel("power", index);
        const std::string label = label_of(channel, name + "/" + channel);
        sources.push_back(std::make_shared<ScaledFileSource>(
            SensorInfo{.id = hwmon + ":" + channel,
                       .kind = SensorKind::kPower,
                       .unit = std::string(KindUnit(SensorKind::kPower)),
                       .boundary = PowerBoundary(name, label),
                       .label = label,
                       .path = (dir / file).string()},
            dir / file, 1e6));
      }
      // A rail with current and voltage but no power channel: P = I x U. A channel that
      // has powerN already is not counted twice. On an INA3221 only channels 1-3 are
      // rails: in4-6 are the shunt voltages and curr4 the sum of the currents.
      for (const auto& [index, file] : channels["curr"]) {
        if (!channels["in"].contains(index) || channels["power"].contains(index)) continue;
        if (name == "ina3221" && index > 3) continue;
        const std::string curr = Channel("curr", index);
        const std::string in = Channel("in", index);
        const std::string label =
            label_of(curr, label_of(in, name + "/rail" + std::to_string(index)));
        sources.push_back(std::make_shared<ProductFileSource>(
            SensorInfo{
                .id = hwmon + ":rail" + std::to_string(index),
                .kind = SensorKind::kPower,
                .unit = std::string(KindUnit(SensorKind::kPower)),
                .boundary = PowerBoundary(name, label),
                .label = label,
                .path = (dir / file).string() + " x " + (dir / channels["in"][index]).string()},
            dir / file, dir / channels["in"][index], 1e6));
      }
      for (const auto& [index, file] : channels["temp"]) {
        const std::string channel = Channel("temp", index);
        const std::string label = label_of(channel, channel);
        sources.push_back(std::make_shared<ScaledFileSource>(
            SensorInfo{.id = hwmon + ":" + channel,
                       .kind = SensorKind::kTemperature,
                       .unit = std::string(KindUnit(SensorKind::kTemperature)),
                       .boundary = "thermal:" + name + ":" + label,
                       .label = name + " " + label,
                       .path = (dir / file).string()},
            dir / file, 1e3));
      }
    }
  } catch (const std::exception&) {
    // Allocation failure: the sources found so far.
  }
  return sources;
}

}  // namespace edgebench::sensors
