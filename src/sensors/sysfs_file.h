#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace edgebench::sensors {

/// The directory sysfs paths are resolved under: $EDGEBENCH_SYSFS_ROOT when set and not
/// empty, else "/". Tests and users point it at a copy or fixture of /sys.
std::filesystem::path DefaultSysfsRoot();

/// A small sysfs attribute's text without its trailing newline, or why it could not be
/// read ("no such file", "permission denied", ...). Never throws.
struct FileText {
  std::optional<std::string> text;
  std::string problem;
};
FileText ReadSysfsText(const std::filesystem::path& path) noexcept;

/// A sysfs attribute holding one decimal integer (sysfs counters, millidegrees, kHz).
struct FileInteger {
  std::optional<int64_t> value;
  std::string problem;
};
FileInteger ReadSysfsInteger(const std::filesystem::path& path) noexcept;

/// The entries of `directory` whose names start with `prefix`, in natural order (hwmon2
/// before hwmon10). Empty when the directory is missing or unreadable; never throws.
std::vector<std::filesystem::path> ListEntries(const std::filesystem::path& directory,
                                               const std::string& prefix) noexcept;

/// The text of a file, or `fallback` when it cannot be read or is empty.
std::string ReadTextOr(const std::filesystem::path& path, const std::string& fallback) noexcept;

}  // namespace edgebench::sensors
