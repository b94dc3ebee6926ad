#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "sensors/sensor_source.h"

namespace edgebench::sensors {

using SensorSources = std::vector<std::shared_ptr<const SensorSource>>;

/// Every source found under `root` (a directory holding sys/, "/" on a real machine), in
/// a stable order: RAPL, hwmon, thermal zones, cpufreq. Discovery only lists files; a
/// source whose file is unreadable is still returned and its readings say why. Never
/// throws; an empty result means the machine (or fixture) exposes none of them.
SensorSources DiscoverSensors(const std::filesystem::path& root);

/// RAPL energy counters under sys/class/powercap/intel-rapl:* (and nested
/// intel-rapl:X:Y zones): `energy_uj` in J, wrapping at `max_energy_range_uj`.
/// Boundaries: package-N -> "cpu-package:N", core -> "cpu-cores:N", uncore ->
/// "uncore:N", dram -> "dram:N" (N the package the zone belongs to), psys -> "platform".
SensorSources DiscoverRapl(const std::filesystem::path& root);

/// hwmon sensors under sys/class/hwmon/hwmon*: `powerN_input` (uW -> W), rails that give
/// `currN_input` (mA) and `inN_input` (mV) but no powerN_input (INA3221 on Jetson) as
/// power = current x voltage, `powerN_average` where there is no powerN_input (amdgpu),
/// and `tempN_input` (m°C -> C). Boundaries: "board-rail:LABEL" for the INA monitors'
/// rails, "device-power:DRIVER:LABEL" for other power channels, "thermal:DRIVER:LABEL"
/// for temperatures (LABEL from the *_label file; without one DRIVER/powerN, DRIVER/railN
/// or tempN).
SensorSources DiscoverHwmon(const std::filesystem::path& root);

/// Thermal zones under sys/class/thermal/thermal_zone*: `temp` (m°C -> C), boundary
/// "thermal:TYPE".
SensorSources DiscoverThermalZones(const std::filesystem::path& root);

/// CPU clocks under sys/devices/system/cpu/cpuN/cpufreq: `scaling_cur_freq` (kHz -> MHz)
/// with `scaling_governor` as each reading's detail, boundary "cpu-core:N".
SensorSources DiscoverCpufreq(const std::filesystem::path& root);

}  // namespace edgebench::sensors
