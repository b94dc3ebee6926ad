#pragma once

#include <filesystem>
#include <optional>

#include "sensors/sensor_source.h"

namespace edgebench::sensors {

/// A source whose value is one integer file over a divisor (energy_uj / 1e6 -> J,
/// temp / 1e3 -> C, scaling_cur_freq / 1e3 -> MHz; dividing keeps 100 uJ at 1e-4 J). `detail_path`,
/// when given, is read with each value and carried as the reading's detail (a clock's governor).
class ScaledFileSource final : public SensorSource {
 public:
  ScaledFileSource(SensorInfo info, std::filesystem::path value_path, double divisor,
                   std::optional<std::filesystem::path> detail_path = std::nullopt);
  SensorReading Read() const noexcept override;

 private:
  std::filesystem::path value_path_;
  double divisor_;
  std::optional<std::filesystem::path> detail_path_;
};

/// A source whose value is the product of two integer files over a divisor: a rail's
/// power from its current (mA) and bus voltage (mV), as INA3221/INA219 hwmon drivers
/// expose them. The two files are read back to back, not atomically.
class ProductFileSource final : public SensorSource {
 public:
  ProductFileSource(SensorInfo info, std::filesystem::path first_path,
                    std::filesystem::path second_path, double divisor);
  SensorReading Read() const noexcept override;

 private:
  std::filesystem::path first_path_;
  std::filesystem::path second_path_;
  double divisor_;
};

}  // namespace edgebench::sensors
