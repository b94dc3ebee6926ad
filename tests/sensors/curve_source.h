#pragma once

#include <functional>
#include <string>

#include "sensors/sensor_sampler.h"

namespace edgebench::sensors::testing {

/// A source whose value is a known function of the time it is read (CLOCK_MONOTONIC
/// seconds), so a test knows each sample's exact value without the lateness a file
/// fixture's writer thread adds. Returning nothing reads as an absent value.
class CurveSource final : public SensorSource {
 public:
  using Curve = std::function<std::optional<double>(double seconds)>;
  CurveSource(SensorInfo info, Curve curve)
      : SensorSource(std::move(info)), curve_(std::move(curve)) {}
  SensorReading Read() const noexcept override {
    const std::optional<double> value = curve_(SteadySeconds());
    if (!value) return Absent("scripted absence of " + info().id);
    return Present(*value);
  }

 private:
  Curve curve_;
};

inline std::shared_ptr<const SensorSource> MakeCurve(const std::string& id, SensorKind kind,
                                                     const std::string& boundary,
                                                     CurveSource::Curve curve,
                                                     std::optional<double> range = std::nullopt) {
  return std::make_shared<CurveSource>(SensorInfo{.id = id,
                                                  .kind = kind,
                                                  .unit = std::string(KindUnit(kind)),
                                                  .boundary = boundary,
                                                  .label = id,
                                                  .path = "curve",
                                                  .counter_range_joules = range},
                                       std::move(curve));
}

}  // namespace edgebench::sensors::testing
