#include "sensors/sysfs_sources.h"

#include "sensors/sysfs_file.h"

namespace edgebench::sensors {

ScaledFileSource::ScaledFileSource(SensorInfo info, std::filesystem::path value_path,
                                   double divisor, std::optional<std::filesystem::path> detail_path)
    : SensorSource(std::move(info)),
      value_path_(std::move(value_path)),
      divisor_(divisor),
      detail_path_(std::move(detail_path)) {}

SensorReading ScaledFileSource::Read() const noexcept {
  const FileInteger raw = ReadSysfsInteger(value_path_);
  if (!raw.value) return Absent(raw.problem);
  std::string detail;
  if (detail_path_) detail = ReadTextOr(*detail_path_, "");
  return Present(static_cast<double>(*raw.value) / divisor_, std::move(detail));
}

ProductFileSource::ProductFileSource(SensorInfo info, std::filesystem::path first_path,
                                     std::filesystem::path second_path, double divisor)
    : SensorSource(std::move(info)),
      first_path_(std::move(first_path)),
      second_path_(std::move(second_path)),
      divisor_(divisor) {}

SensorReading ProductFileSource::Read() const noexcept {
  const FileInteger first = ReadSysfsInteger(first_path_);
  if (!first.value) return Absent(first.problem);
  const FileInteger second = ReadSysfsInteger(second_path_);
  if (!second.value) return Absent(second.problem);
  return Present(static_cast<double>(*first.value) * static_cast<double>(*second.value) / divisor_);
}

}  // namespace edgebench::sensors
