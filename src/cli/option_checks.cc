#include "cli/option_checks.h"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <ostream>

#include "formats/input_shapes.h"
#include "formats/onnx.h"
#include "harness/cpu_affinity.h"
#include "harness/cpu_topology.h"
#include "harness/job_result.h"
#include "harness/precision_toggles.h"
#include "passes/graph_pass_toggles.h"
#include "sensors/sysfs_file.h"
#include "store/pg_url.h"

namespace edgebench::cli {
namespace {

// strtod, but only when it consumes the whole text; leading spaces are refused too.
std::optional<double> ParseDouble(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<int64_t> ParseInteger(std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  if (value < min || value > max) return std::nullopt;
  return value;
}

std::optional<uint64_t> ParseSeed(std::string_view text) {
  uint64_t value = 0;
  // from_chars takes no sign for unsigned types, so "-1" fails instead of wrapping.
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

CLI::Validator InputShapeList() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          text = formats::FormatInputShapes(formats::ParseInputShapes(text));
        } catch (const formats::InputShapeError& error) {
          return error.what();
        }
        return {};
      },
      "NAME:DIMS[,...]", "InputShapeList");
}

CLI::Validator ToggleSet() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (text == "none") {
          text.clear();
          return {};
        }
        std::vector<std::string> names;
        size_t start = 0;
        while (start <= text.size()) {
          const size_t plus = std::min(text.find('+', start), text.size());
          std::string name = text.substr(start, plus - start);
          if (passes::IsGraphPassToggle(name)) {
            // Graph passes (prune=F, ...) carry a value, checked and made canonical here.
            std::string error;
            std::optional<std::string> canonical = passes::CanonicalGraphPassToggle(name, error);
            if (!canonical) return error;
            names.push_back(std::move(*canonical));
            start = plus + 1;
            continue;
          }
          const bool well_formed = !name.empty() && name != "none" &&
                                   std::isalnum(static_cast<unsigned char>(name[0])) &&
                                   std::all_of(name.begin(), name.end(), [](char c) {
                                     return (std::islower(static_cast<unsigned char>(c)) != 0) ||
                                            (std::isdigit(static_cast<unsigned char>(c)) != 0) ||
                                            c == '-';
                                   });
          if (!well_formed) {
            return fmt::format(
                "'{}' is not a toggle set: toggle names (e.g. no-fusion, prune=0.5) "
                "joined by '+', or 'none'",
                text);
          }
          names.push_back(name);
          start = plus + 1;
        }
        std::vector<std::string> others;
        std::string error;
        if (harness::PrecisionOfToggles(names, others, error).empty()) return error;
        text = harness::FormatToggles(std::move(names));
        return {};
      },
      "TOGGLE[=VALUE][+...]|none", "ToggleSet");
}

CLI::Validator WholeNumber(int64_t min, int64_t max, std::string what) {
  return CLI::Validator(
      [min, max, what](std::string& text) -> std::string {
        const std::optional<int64_t> value = ParseInteger(text, min, max);
        if (!value) return fmt::format("'{}' is not {} from {} to {}", text, what, min, max);
        text = std::to_string(*value);  // CLI11 would read "010" as octal
        return {};
      },
      fmt::format("{}..{}", min, max));
}

CLI::Validator Seed() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const std::optional<uint64_t> value = ParseSeed(text);
        if (!value) {
          return fmt::format("'{}' is not a seed (a whole number from 0 to 2^64-1 = {})", text,
                             std::numeric_limits<uint64_t>::max());
        }
        text = std::to_string(*value);
        return {};
      },
      "0..2^64-1");
}

CLI::Validator RunId() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const std::optional<int64_t> value =
            ParseInteger(text, 1, std::numeric_limits<int64_t>::max());
        if (!value) return fmt::format("'{}' is not a valid run id (a whole number from 1)", text);
        text = std::to_string(*value);
        return {};
      },
      "ID");
}

CLI::Validator Seconds(bool positive) {
  return CLI::Validator(
      [positive](std::string& text) -> std::string {
        const std::optional<double> value = ParseDouble(text);
        if (!value || !std::isfinite(*value) || *value < 0 || (positive && *value == 0)) {
          return fmt::format("'{}' is not a {} number of seconds", text,
                             positive ? "positive finite" : "finite, non-negative");
        }
        return {};
      },
      positive ? "SECONDS>0" : "SECONDS>=0");
}

CLI::Validator Fraction() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const std::optional<double> value = ParseDouble(text);
        if (!value || !(*value >= 0 && *value <= 1)) {
          return fmt::format("'{}' is not a fraction from 0 to 1 (0.01 means +-1 %)", text);
        }
        return {};
      },
      "0..1");
}

std::string FormatCpuList(const std::vector<int>& cpus) { return harness::FormatCpuList(cpus); }

std::vector<int> AvailableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

std::string AvailableCpusText() { return FormatCpuList(AvailableCpus()); }

CLI::Validator AvailableCpuList() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        // "big"/"little" become the CPUs of that role on this machine (cpuinfo and cpufreq
        // under $EDGEBENCH_SYSFS_ROOT, else /), so jobs record the CPUs they ran on.
        std::string role_error;
        const auto resolved = harness::ResolvePinRole(
            text, harness::ReadCoreTypes(sensors::DefaultSysfsRoot()), role_error);
        if (!resolved) return role_error;
        text = *resolved;
        std::vector<int> cpus;
        if (!harness::ParseCpuList(text, cpus)) {
          return fmt::format("'{}' is not a CPU list (e.g. 0-3,6, big or little)", text);
        }
        const std::vector<int> available = AvailableCpus();
        std::vector<int> missing;
        for (int cpu : cpus) {
          if (!std::binary_search(available.begin(), available.end(), cpu)) missing.push_back(cpu);
        }
        if (!missing.empty()) {
          std::sort(missing.begin(), missing.end());
          missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
          return fmt::format("CPU{} {} {} not available to this process (available: {})",
                             missing.size() > 1 ? "s" : "", FormatCpuList(missing),
                             missing.size() > 1 ? "are" : "is", FormatCpuList(available));
        }
        return {};
      },
      "CPUS");
}

CLI::Validator DatabaseFile() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (text.empty()) return "must name a database file";
        if (store::IsPostgresUrl(text)) {
          const std::optional<std::string> problem = store::PostgresUrlProblem(text);
          return problem ? *problem : std::string();
        }
        if (text == ":memory:") {
          return "must name a database file (':memory:' would keep the results in memory and "
                 "lose them at exit)";
        }
        if (text.starts_with("file:")) {
          return fmt::format(
              "must name a database file, not an SQLite URI ('{}'); write ./{} "
              "for a file of that name",
              text, text);
        }
        return {};
      },
      "FILE");
}

bool AppendUnique(std::vector<std::string>& ids, const std::string& id, std::string_view spelling,
                  std::string_view option, std::ostream& notes) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
    ids.push_back(id);
    return true;
  }
  if (spelling == id) {
    notes << fmt::format("note: {} names {} more than once; it runs once\n", option, id);
  } else {
    notes << fmt::format("note: {}: '{}' is {} again; it runs once\n", option, spelling, id);
  }
  return false;
}

}  // namespace edgebench::cli
