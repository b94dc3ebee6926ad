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

// The channels of one hwmon directory by type ("power", "curr", "in", "temp"): indices.
std::map<std::string, std::set<int>> Channels(const std::filesystem::path& hwmon_dir) {
  std::map<std::string, std::set<int>> channels;
  for (const auto& entry : ListEntries(hwmon_dir, "")) {
    const std::string name = entry.filename().string();
    if (!name.ends_with("_input")) continue;
    const std::string stem = name.substr(0, name.size() - 6);
    size_t digits = stem.size();
    while (digits > 0 && stem[digits - 1] >= '0' && stem[digits - 1] <= '9') --digits;
    if (digits == 0 || digits == stem.size() || stem.size() - digits > 6) continue;
    channels[stem.substr(0, digits)].insert(std::stoi(stem.substr(digits)));
  }
  return channels;
}

std::string Channel(const std::string& type, int index) { return type + std::to_string(index); }

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
      for (int index : channels["power"]) {
        const std::string channel = Channel("power", index);
        const std::string label = label_of(channel, name + "/" + channel);
        sources.push_back(std::make_shared<ScaledFileSource>(
            SensorInfo{.id = hwmon + ":" + channel,
                       .kind = SensorKind::kPower,
                       .unit = std::string(KindUnit(SensorKind::kPower)),
                       .boundary = "board-rail:" + label,
                       .label = label,
                       .path = (dir / (channel + "_input")).string()},
            dir / (channel + "_input"), 1e6));
      }
      // A rail with current and voltage but no power channel: P = I x U. A channel that
      // has powerN already is not counted twice.
      for (int index : channels["curr"]) {
        if (!channels["in"].contains(index) || channels["power"].contains(index)) continue;
        const std::string curr = Channel("curr", index);
        const std::string in = Channel("in", index);
        const std::string label =
            label_of(curr, label_of(in, name + "/rail" + std::to_string(index)));
        sources.push_back(std::make_shared<ProductFileSource>(
            SensorInfo{.id = hwmon + ":rail" + std::to_string(index),
                       .kind = SensorKind::kPower,
                       .unit = std::string(KindUnit(SensorKind::kPower)),
                       .boundary = "board-rail:" + label,
                       .label = label,
                       .path = (dir / (curr + "_input")).string() + " x " +
                               (dir / (in + "_input")).string()},
            dir / (curr + "_input"), dir / (in + "_input"), 1e6));
      }
      for (int index : channels["temp"]) {
        const std::string channel = Channel("temp", index);
        const std::string label = label_of(channel, channel);
        sources.push_back(std::make_shared<ScaledFileSource>(
            SensorInfo{.id = hwmon + ":" + channel,
                       .kind = SensorKind::kTemperature,
                       .unit = std::string(KindUnit(SensorKind::kTemperature)),
                       .boundary = "thermal:" + name + ":" + label,
                       .label = name + " " + label,
                       .path = (dir / (channel + "_input")).string()},
            dir / (channel + "_input"), 1e3));
      }
    }
  } catch (const std::exception&) {
    // Allocation failure: the sources found so far.
  }
  return sources;
}

}  // namespace edgebench::sensors
