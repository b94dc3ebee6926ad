#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sensors/energy_integrator.h"
#include "sensors/sensor_source.h"

namespace edgebench::sensors {

/// The boundary of every external meter figure: whatever the meter is wired to (usually
/// the whole board at the wall or the supply), which edgebench cannot know.
inline constexpr const char* kExternalMeterBoundary = "external-meter";

/// --power-cmd: runs `command` with /bin/sh and reads its standard output on a thread of
/// its own, one power reading in W per line, each stamped with CLOCK_MONOTONIC
/// (SteadySeconds) when it arrives; TimedReadings() gives them all, for energy integrated
/// over the meter's own readings. Read() gives the latest reading, or why there is none
/// (no line yet, the last line was not a number, the command ended). Source id
/// "external-meter:cmd", kind power, boundary kExternalMeterBoundary. The command is
/// stopped (SIGTERM, then SIGKILL) when the source is destroyed. Returns nullptr with
/// `error` set when the command cannot be started.
std::shared_ptr<SensorSource> StartPowerCommand(const std::string& command, std::string& error);

/// A parsed --power-log, times on CLOCK_MONOTONIC, or the first problem found.
struct PowerLog {
  std::vector<TimedValue> watts;
  std::string error;  // names the file and line
};

/// --power-log FILE.csv: a meter's own log, aligned with the jobs afterwards. The first
/// line that is not empty or a '#' comment is the header, naming the time column and the
/// power column: "unix_time_s,watts" (seconds since the Unix epoch, CLOCK_REALTIME, moved
/// onto CLOCK_MONOTONIC with `realtime_minus_monotonic`) or "monotonic_s,watts" (already
/// CLOCK_MONOTONIC seconds, as `date +%s.%N` cannot give but a logger on this machine
/// can). Then one "time,watts" row per reading: decimal numbers, times strictly
/// increasing, watts finite and in [0, 1e6]. `name` labels errors.
PowerLog ParsePowerLog(std::string_view text, const std::string& name,
                       double realtime_minus_monotonic);

/// Reads and parses a power log file (at most 256 MiB), aligning unix times with the
/// current CLOCK_REALTIME - CLOCK_MONOTONIC offset.
PowerLog ReadPowerLog(const std::filesystem::path& path);

}  // namespace edgebench::sensors
