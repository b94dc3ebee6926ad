#pragma once

// Throttle flags a board reports itself: the Raspberry Pi firmware's `vcgencmd
// get_throttled` mask and NVML's clock throttle reasons. They answer "was the chip slowed
// down" directly, where the throttle rule (harness/thermal_protocol.h) has to infer it
// from temperature, clocks and latency.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sensors/discovery.h"

namespace edgebench::sensors {

/// get_throttled bits 0-3: under-voltage, ARM frequency capped, throttled, soft
/// temperature limit -- all "now". Bits 16-19 are the same four, "since boot".
inline constexpr uint64_t kVcgencmdNowMask = 0xF;

/// NVML clock throttle reasons that slow the GPU down: SW power cap (0x4), HW slowdown
/// (0x8), SW thermal (0x20), HW thermal (0x40), HW power brake (0x80). GPU idle (0x1),
/// application clocks (0x2), sync boost (0x10) and display clock (0x100) are not
/// throttling.
inline constexpr uint64_t kNvmlThrottlingMask = 0x4 | 0x8 | 0x20 | 0x40 | 0x80;

/// The mask of `vcgencmd get_throttled` output ("throttled=0x50005"), nullopt when the
/// text holds none.
std::optional<uint64_t> ParseGetThrottled(std::string_view output);

/// Readable names of the set bits, e.g. "under-voltage now, throttled now; throttling
/// occurred since boot"; "none" for 0.
std::string DescribeVcgencmdFlags(uint64_t flags);
/// Readable names of NVML throttle reasons, e.g. "HW thermal slowdown, SW power cap";
/// "none" for 0.
std::string DescribeNvmlReasons(uint64_t reasons);
/// The description that suits `info`'s source (by its id prefix).
std::string DescribeThrottleFlags(const SensorInfo& info, uint64_t flags);

/// The command run for the Raspberry Pi's flags: $EDGEBENCH_VCGENCMD when set and not
/// empty (tests point it at a stand-in script), else `vcgencmd` from PATH.
std::string VcgencmdCommand();

/// The Pi firmware's throttle flags as source "vcgencmd:throttled" (boundary "board"),
/// when the command exists and its first `get_throttled` answers with a mask. Each read
/// runs the command, at most once a second (a read sooner returns the last answer): a
/// process per sensor tick would load the CPU being measured. Nothing otherwise, with
/// `why_none` set; never throws.
SensorSources DiscoverVcgencmd(std::string* why_none = nullptr);

/// The sources that come from drivers and firmware tools rather than sysfs files: NVML
/// (nvml_source.h) and vcgencmd. `why_none`, when given, gets one line per kind found
/// missing.
SensorSources DiscoverDriverSensors(std::string* why_none = nullptr);

}  // namespace edgebench::sensors
