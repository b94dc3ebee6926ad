#pragma once

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

// Reading procfs and sysfs text the way the environment record needs it: missing,
// unreadable or malformed files give nullopt (or nothing), never an exception, because
// boards and containers expose very different subsets.
namespace edgebench::harness::proc_files {

/// `text` without leading and trailing blanks and line ends.
std::string_view Trim(std::string_view text);

/// Whole file, or nullopt when it cannot be opened or read (sysfs files can exist and
/// still fail on read, e.g. a thermal zone whose sensor is powered down).
std::optional<std::string> ReadFile(const std::filesystem::path& path);

/// First line of a one-value file, trimmed; nullopt when missing or empty.
std::optional<std::string> ReadValue(const std::filesystem::path& path);

/// The whole of `text` (blanks trimmed) as a number; nullopt when it is not one.
template <typename Number>
std::optional<Number> ParseNumber(std::string_view text) {
  text = Trim(text);
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

/// ReadValue parsed as a decimal integer.
std::optional<int64_t> ReadInteger(const std::filesystem::path& path);

/// Entries of `dir` named prefix + a decimal number ("cpu3", "thermal_zone0"), sorted by
/// that number; an unreadable directory gives none.
std::vector<std::pair<int, std::filesystem::path>> NumberedEntries(const std::filesystem::path& dir,
                                                                   std::string_view prefix);

}  // namespace edgebench::harness::proc_files
