#include "sensors/sensor_source.h"

namespace edgebench::sensors {

std::string_view KindName(SensorKind kind) {
  switch (kind) {
    case SensorKind::kEnergyCounter:
      return "energy-counter";
    case SensorKind::kPower:
      return "power";
    case SensorKind::kTemperature:
      return "temperature";
    case SensorKind::kClock:
      return "clock";
    case SensorKind::kThrottleFlags:
      return "throttle-flags";
  }
  return "unknown";
}

std::string_view KindUnit(SensorKind kind) {
  switch (kind) {
    case SensorKind::kEnergyCounter:
      return "J";
    case SensorKind::kPower:
      return "W";
    case SensorKind::kTemperature:
      return "C";
    case SensorKind::kClock:
      return "MHz";
    case SensorKind::kThrottleFlags:
      return "flags";
  }
  return "";
}

SensorReading SensorSource::Absent(std::string reason) const noexcept {
  SensorReading reading;
  reading.source = info_;
  reading.absent_reason = std::move(reason);
  return reading;
}

SensorReading SensorSource::Present(double value, std::string detail) const noexcept {
  SensorReading reading;
  reading.source = info_;
  reading.value = value;
  reading.detail = std::move(detail);
  return reading;
}

}  // namespace edgebench::sensors
