// --power-log: a meter's log read after the run and lined up with each job's window.
#include <fmt/format.h>
#include <time.h>

#include <charconv>
#include <cmath>
#include <fstream>

#include "sensors/external_meter.h"

namespace edgebench::sensors {
namespace {

constexpr uintmax_t kMaxLogBytes = uintmax_t{256} << 20;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

bool ParseNumber(std::string_view text, double& value) {
  text = Trim(text);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size() &&
         std::isfinite(value);
}

std::string Shown(std::string_view line) {
  return std::string(line.substr(0, 60)) + (line.size() > 60 ? "..." : "");
}

double RealtimeMinusMonotonic() {
  timespec real{}, mono{};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_MONOTONIC, &mono);
  return (static_cast<double>(real.tv_sec) - static_cast<double>(mono.tv_sec)) +
         (static_cast<double>(real.tv_nsec) - static_cast<double>(mono.tv_nsec)) * 1e-9;
}

}  // namespace

PowerLog ParsePowerLog(std::string_view text, const std::string& name,
                       double realtime_minus_monotonic) {
  PowerLog log;
  std::optional<bool> unix_time;  // set by the header
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    const std::string_view raw = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++line_number;
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    auto fail = [&](const std::string& why) {
      log.watts.clear();
      log.error = fmt::format("{} line {}: {}", name, line_number, why);
      return log;
    };
    if (line.find('\0') != std::string_view::npos) return fail("holds a NUL byte: not a CSV text");
    const size_t comma = line.find(',');
    if (comma == std::string_view::npos || line.find(',', comma + 1) != std::string_view::npos) {
      return fail(fmt::format("'{}' is not two comma-separated fields", Shown(line)));
    }
    const std::string_view first = Trim(line.substr(0, comma));
    const std::string_view second = Trim(line.substr(comma + 1));
    if (!unix_time) {
      if (second != "watts" || (first != "unix_time_s" && first != "monotonic_s")) {
        return fail(fmt::format("header '{}' is not 'unix_time_s,watts' or 'monotonic_s,watts'",
                                Shown(line)));
      }
      unix_time = first == "unix_time_s";
      continue;
    }
    double time = 0, watts = 0;
    if (!ParseNumber(first, time))
      return fail(fmt::format("time '{}' is not a number", Shown(first)));
    if (!ParseNumber(second, watts)) {
      return fail(fmt::format("power '{}' is not a number", Shown(second)));
    }
    if (watts < 0 || watts > 1e6) return fail(fmt::format("power {} W is out of [0, 1e6]", watts));
    if (*unix_time) time -= realtime_minus_monotonic;
    if (!log.watts.empty() && !(time > log.watts.back().seconds)) {
      return fail("time does not increase from the previous row");
    }
    log.watts.push_back({time, watts});
  }
  if (!unix_time) {
    log.error = name + ": no header (expected 'unix_time_s,watts' or 'monotonic_s,watts')";
  } else if (log.watts.size() < 2) {
    log.watts.clear();
    log.error = name + ": fewer than two readings";
  }
  return log;
}

PowerLog ReadPowerLog(const std::filesystem::path& path) {
  PowerLog log;
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(path, error);
  if (error) {
    log.error = fmt::format("cannot read power log {}: {}", path.string(), error.message());
    return log;
  }
  if (size > kMaxLogBytes) {
    log.error =
        fmt::format("power log {} is {} bytes, above the 256 MiB limit", path.string(), size);
    return log;
  }
  std::ifstream file(path, std::ios::binary);
  std::string text(static_cast<size_t>(size), '\0');
  if (!file.read(text.data(), static_cast<std::streamsize>(size))) {
    log.error = fmt::format("cannot read power log {}", path.string());
    return log;
  }
  return ParsePowerLog(text, path.string(), RealtimeMinusMonotonic());
}

}  // namespace edgebench::sensors
