#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sensors/energy_integrator.h"

namespace edgebench::sensors {

/// What a source measures. Energy counters are cumulative (they only make sense as a
/// difference of two readings); the others are instantaneous. Throttle flags are the
/// bit mask a board's firmware or driver reports (Raspberry Pi `vcgencmd get_throttled`,
/// NVML's clock throttle reasons), carried as the reading's value.
enum class SensorKind { kEnergyCounter, kPower, kTemperature, kClock, kThrottleFlags };

/// "energy-counter", "power", "temperature", "clock" or "throttle-flags".
std::string_view KindName(SensorKind kind);
/// The unit every reading of that kind is given in: J, W, C (degrees Celsius), MHz or
/// "flags".
std::string_view KindUnit(SensorKind kind);

/// Everything fixed about a source, found once at discovery.
struct SensorInfo {
  /// Unique under one sysfs root, e.g. "rapl:intel-rapl:0:1", "hwmon0:rail1".
  std::string id;
  SensorKind kind = SensorKind::kPower;
  std::string unit;
  /// The physical part the figure covers ("cpu-package:0", "dram:0", "board-rail:VDD_IN",
  /// "thermal:soc-thermal", "cpu-core:3"). Energies of different boundaries are never
  /// comparable or additive, so later code groups and compares by this string.
  std::string boundary;
  /// The name the kernel gives it (RAPL zone name, hwmon label, thermal zone type).
  std::string label;
  /// The file each reading comes from (for messages and for users checking by hand).
  std::string path;
  /// Energy counters only: the counter returns to 0 after this many joules.
  std::optional<double> counter_range_joules;
  /// Throttle flags only: the bits that mean "slowed down right now" (as opposed to
  /// sticky "has happened since boot" bits or informational ones such as GPU idle).
  uint64_t throttling_now_mask = 0;
};

/// One reading of one source. `value` is absent when the file vanished, became
/// unreadable or held no number; `absent_reason` then says which and why.
struct SensorReading {
  std::shared_ptr<const SensorInfo> source;
  std::optional<double> value;
  std::string absent_reason;
  /// Context read with the value where the kernel offers it (a clock's governor).
  std::string detail;
};

/// A sensor found on this machine. Read() never throws: every failure is an absent value
/// with its reason, because a sensor that disappears mid-run must not end a benchmark.
class SensorSource {
 public:
  explicit SensorSource(SensorInfo info)
      : info_(std::make_shared<const SensorInfo>(std::move(info))) {}
  virtual ~SensorSource() = default;
  SensorSource(const SensorSource&) = delete;
  SensorSource& operator=(const SensorSource&) = delete;

  const SensorInfo& info() const { return *info_; }
  /// Reads the current value, in info().unit.
  virtual SensorReading Read() const noexcept = 0;
  /// Sources that stamp their own readings as they arrive (an external meter's lines)
  /// return every reading kept, in time order (SteadySeconds), so energy is integrated
  /// over the readings themselves rather than the sampler's snapshots of the latest one.
  /// Empty for sources read on demand.
  virtual std::vector<TimedValue> TimedReadings() const { return {}; }

 protected:
  SensorReading Absent(std::string reason) const noexcept;
  SensorReading Present(double value, std::string detail = {}) const noexcept;

 private:
  std::shared_ptr<const SensorInfo> info_;
};

}  // namespace edgebench::sensors
