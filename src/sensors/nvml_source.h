#pragma once

#include <string>

#include "sensors/discovery.h"

namespace edgebench::sensors {

/// The NVIDIA management library loaded at run time: $EDGEBENCH_NVML_LIBRARY when set and
/// not empty (a path; tests point it at a stand-in library with the same functions), else
/// "libnvidia-ml.so.1" from the loader's search path. No NVIDIA header is needed: the few
/// documented functions used are declared in nvml_source.cc.
std::string NvmlLibraryName();

/// The GPUs NVML reports, five sources each, all with boundary "gpu:<index>":
/// "nvml:gpu<i>:energy" (nvmlDeviceGetTotalEnergyConsumption, mJ -> J counter; left out
/// where the GPU does not support it), "nvml:gpu<i>:power" (nvmlDeviceGetPowerUsage,
/// mW -> W), "nvml:gpu<i>:temp" (nvmlDeviceGetTemperature, GPU sensor, C) and
/// "nvml:gpu<i>:sm-clock" (nvmlDeviceGetClockInfo, SM clock, MHz, with the current
/// throttle reasons as each reading's detail), and "nvml:gpu<i>:throttle"
/// (nvmlDeviceGetCurrentClocksThrottleReasons as throttle flags). A source is kept when its first
/// read succeeds. Without the library, or when nvmlInit_v2 fails, returns nothing and sets
/// `why_none` (when given); never throws. The library stays loaded while any source lives
/// and nvmlShutdown is called when the last one goes.
SensorSources DiscoverNvml(std::string* why_none = nullptr);

}  // namespace edgebench::sensors
