#include "harness/environment.h"

#include <fmt/format.h>
#include <sched.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>
#include <system_error>

#include "harness/cpu_topology.h"
#include "harness/emulation.h"
#include "harness/peak/cpu_features.h"
#include "harness/proc_files.h"

// The build description comes from CMake (src/harness/CMakeLists.txt); the fallbacks keep
// this file compilable by other build systems.
#ifndef EDGEBENCH_COMPILER_ID
#define EDGEBENCH_COMPILER_ID "unknown"
#endif
#ifndef EDGEBENCH_COMPILER_VERSION
#define EDGEBENCH_COMPILER_VERSION "unknown"
#endif
#ifndef EDGEBENCH_BUILD_TYPE
#define EDGEBENCH_BUILD_TYPE ""
#endif
#ifndef EDGEBENCH_BUILD_FLAGS
#define EDGEBENCH_BUILD_FLAGS ""
#endif

namespace edgebench::harness {
namespace {

namespace fs = std::filesystem;
using proc_files::NumberedEntries;
using proc_files::ParseNumber;
using proc_files::ReadFile;
using proc_files::ReadInteger;
using proc_files::ReadValue;
using proc_files::Trim;

std::optional<std::string> OsPrettyName(const fs::path& root) {
  // os-release(5): /etc/os-release, falling back to /usr/lib/os-release.
  for (const char* relative : {"etc/os-release", "usr/lib/os-release"}) {
    auto text = ReadFile(root / relative);
    if (!text) continue;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
      std::string_view view = Trim(line);
      if (!view.starts_with("PRETTY_NAME=")) continue;
      view.remove_prefix(std::string_view("PRETTY_NAME=").size());
      if (view.size() >= 2 && (view.front() == '"' || view.front() == '\'') &&
          view.back() == view.front()) {
        view = view.substr(1, view.size() - 2);
      }
      if (!view.empty()) return std::string(view);
    }
  }
  return std::nullopt;
}

std::optional<double> KhzToMhz(std::optional<int64_t> khz) {
  if (!khz) return std::nullopt;
  return static_cast<double>(*khz) / 1000.0;
}

std::vector<CpuFrequency> CpuFrequencies(const fs::path& root) {
  std::vector<CpuFrequency> result;
  for (const auto& [number, dir] : NumberedEntries(root / "sys/devices/system/cpu", "cpu")) {
    const fs::path cpufreq = dir / "cpufreq";
    CpuFrequency cpu{.cpu = number};
    cpu.governor = ReadValue(cpufreq / "scaling_governor");
    auto cur = ReadInteger(cpufreq / "scaling_cur_freq");
    if (!cur) cur = ReadInteger(cpufreq / "cpuinfo_cur_freq");
    auto max = ReadInteger(cpufreq / "cpuinfo_max_freq");
    if (!max) max = ReadInteger(cpufreq / "scaling_max_freq");
    cpu.cur_mhz = KhzToMhz(cur);
    cpu.max_mhz = KhzToMhz(max);
    if (cpu.governor || cpu.cur_mhz || cpu.max_mhz) result.push_back(std::move(cpu));
  }
  return result;
}

std::vector<ThermalZone> ThermalZones(const fs::path& root) {
  std::vector<ThermalZone> result;
  for (const auto& [number, dir] : NumberedEntries(root / "sys/class/thermal", "thermal_zone")) {
    const auto millidegrees = ReadInteger(dir / "temp");
    if (!millidegrees) continue;
    result.push_back({.zone = dir.filename().string(),
                      .type = ReadValue(dir / "type"),
                      .celsius = static_cast<double>(*millidegrees) / 1000.0});
  }
  return result;
}

void ReadLoadAverage(const fs::path& root, Environment& env) {
  auto text = ReadFile(root / "proc/loadavg");
  if (!text) return;
  std::istringstream fields(*text);
  std::string one, five, fifteen;
  if (!(fields >> one >> five >> fifteen)) return;
  env.load_1m = ParseNumber<double>(one);
  env.load_5m = ParseNumber<double>(five);
  env.load_15m = ParseNumber<double>(fifteen);
}

std::optional<int64_t> TotalMemoryBytes(const fs::path& root) {
  auto text = ReadFile(root / "proc/meminfo");
  if (!text) return std::nullopt;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("MemTotal:")) continue;
    std::string_view value =
        Trim(std::string_view(line).substr(std::string_view("MemTotal:").size()));
    value = value.substr(0, value.find(' '));  // the unit is always kB
    if (auto kib = ParseNumber<int64_t>(value)) return *kib * 1024;
  }
  return std::nullopt;
}

// CPUs this process may run on. The mask is grown until it holds every CPU the kernel
// knows, since a fixed cpu_set_t stops at 1024.
int AffinityCpuCount() {
  for (int cpus = CPU_SETSIZE; cpus <= (1 << 16); cpus *= 2) {
    cpu_set_t* set = CPU_ALLOC(cpus);
    if (set == nullptr) return 0;
    const size_t size = CPU_ALLOC_SIZE(cpus);
    CPU_ZERO_S(size, set);
    const bool ok = sched_getaffinity(0, size, set) == 0;
    const int count = ok ? CPU_COUNT_S(size, set) : 0;
    const bool too_small = !ok && errno == EINVAL;
    CPU_FREE(set);
    if (!too_small) return count;
  }
  return 0;
}

std::string UtcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// Sanitizers named by -fsanitize= options in the recorded flags; GCC defines no macro for
// UBSan, so the flags are the one source that covers every sanitizer and compiler.
std::vector<std::string> SanitizersFromFlags(std::string_view flags) {
  std::vector<std::string> names;
  static constexpr std::string_view kOption = "-fsanitize=";
  for (auto at = flags.find(kOption); at != std::string_view::npos;
       at = flags.find(kOption, at + 1)) {
    std::string_view list = flags.substr(at + kOption.size());
    list = list.substr(0, list.find_first_of(" \t"));
    while (!list.empty()) {
      const auto comma = list.find(',');
      const std::string name(list.substr(0, comma));
      if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(name);
      }
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
#if defined(__SANITIZE_ADDRESS__)
  if (std::find(names.begin(), names.end(), "address") == names.end()) names.push_back("address");
#endif
  return names;
}

std::string SanitizerShortName(const std::string& name) {
  if (name == "address") return "ASan";
  if (name == "undefined") return "UBSan";
  if (name == "thread") return "TSan";
  if (name == "memory") return "MSan";
  if (name == "leak") return "LSan";
  return name;
}

}  // namespace

Environment CaptureEnvironment(const std::filesystem::path& root) {
  Environment env;
  if (auto cpuinfo = ReadFile(root / "proc/cpuinfo")) {
    CpuInfoSummary info = SummarizeCpuInfo(*cpuinfo);
    env.cpu_model = std::move(info.model);
    env.board_model = std::move(info.board);
    env.logical_cpus = info.processors;
  }
  if (!env.board_model) {
    // Device-tree boards whose cpuinfo names nothing still name themselves here.
    if (auto model = ReadValue(root / "proc/device-tree/model")) {
      // The device tree stores a NUL-terminated string.
      model->erase(std::find(model->begin(), model->end(), '\0'), model->end());
      if (!model->empty()) env.board_model = std::move(model);
    }
  }
  if (!env.cpu_model) env.cpu_model = env.board_model;
  env.cpu_core_types = ReadCoreTypes(root);
  if (env.logical_cpus == 0) {
    env.logical_cpus =
        static_cast<int>(NumberedEntries(root / "sys/devices/system/cpu", "cpu").size());
  }
  env.cpus_used = AffinityCpuCount();
  env.cpu_frequencies = CpuFrequencies(root);
  // Asked of the running CPU whatever the root: the fixture tree cannot change the ISA.
  const peak::CpuFeatures features = peak::DetectCpuFeatures();
  env.cpu_simd_features = features.flags;
  env.widest_fma_isa = std::string(peak::FmaIsaName(features.runnable_isas.back()));
  env.architecture = std::string(CompiledArchitecture());
  env.emulated = DetectEmulation(root, std::getenv("EDGEBENCH_EMULATED"));

  utsname names{};
  if (uname(&names) == 0) {
    env.kernel_release = names.release;
    env.kernel_version = names.version;
    env.hostname = names.nodename;
  }
  env.os_pretty_name = OsPrettyName(root);

  env.compiler_id = EDGEBENCH_COMPILER_ID;
  env.compiler_version = EDGEBENCH_COMPILER_VERSION;
  env.build_type = EDGEBENCH_BUILD_TYPE;
  env.build_flags = EDGEBENCH_BUILD_FLAGS;
  env.sanitizers = SanitizersFromFlags(env.build_flags);

  ReadLoadAverage(root, env);
  env.total_memory_bytes = TotalMemoryBytes(root);
  env.start_time = UtcNow();
  env.thermal_zones = ThermalZones(root);
  return env;
}

nlohmann::json ToJson(const Environment& env) {
  nlohmann::json json = nlohmann::json::object();
  auto put = [&json](const char* key, const auto& value) {
    if (value) json[key] = *value;
  };
  put("cpu_model", env.cpu_model);
  json["logical_cpus"] = env.logical_cpus;
  json["cpus_used"] = env.cpus_used;
  json["cpu_simd_features"] = env.cpu_simd_features;
  json["widest_fma_isa"] = env.widest_fma_isa;
  put("board_model", env.board_model);
  nlohmann::json core_types = nlohmann::json::array();
  for (const CoreType& type : env.cpu_core_types) {
    nlohmann::json entry = {{"name", type.name}, {"cpus", type.cpus}};
    if (type.max_mhz) entry["max_mhz"] = *type.max_mhz;
    if (!type.role.empty()) entry["role"] = type.role;
    core_types.push_back(std::move(entry));
  }
  json["cpu_core_types"] = std::move(core_types);
  json["architecture"] = env.architecture;
  // Always present, so a query can select native runs with emulated = false.
  json["emulated"] = env.emulated.has_value();
  put("emulation", env.emulated);
  nlohmann::json frequencies = nlohmann::json::array();
  for (const CpuFrequency& cpu : env.cpu_frequencies) {
    nlohmann::json entry = {{"cpu", cpu.cpu}};
    if (cpu.governor) entry["governor"] = *cpu.governor;
    if (cpu.cur_mhz) entry["cur_mhz"] = *cpu.cur_mhz;
    if (cpu.max_mhz) entry["max_mhz"] = *cpu.max_mhz;
    frequencies.push_back(std::move(entry));
  }
  json["cpu_frequencies"] = std::move(frequencies);
  json["kernel_release"] = env.kernel_release;
  json["kernel_version"] = env.kernel_version;
  put("os_pretty_name", env.os_pretty_name);
  json["hostname"] = env.hostname;
  json["compiler_id"] = env.compiler_id;
  json["compiler_version"] = env.compiler_version;
  json["build_type"] = env.build_type;
  json["build_flags"] = env.build_flags;
  json["sanitizers"] = env.sanitizers;
  put("load_1m", env.load_1m);
  put("load_5m", env.load_5m);
  put("load_15m", env.load_15m);
  put("total_memory_bytes", env.total_memory_bytes);
  json["start_time"] = env.start_time;
  nlohmann::json zones = nlohmann::json::array();
  for (const ThermalZone& zone : env.thermal_zones) {
    nlohmann::json entry = {{"zone", zone.zone}, {"celsius", zone.celsius}};
    if (zone.type) entry["type"] = *zone.type;
    zones.push_back(std::move(entry));
  }
  json["thermal_zones"] = std::move(zones);
  return json;
}

std::string DescribeCpu(const Environment& env) {
  std::string text = "CPU: " + env.cpu_model.value_or("unknown");
  if (env.board_model && env.board_model != env.cpu_model) text += " on " + *env.board_model;
  if (!env.cpu_core_types.empty()) text += "; cores: " + DescribeCoreTypes(env.cpu_core_types);
  text += "; " + env.architecture;
  if (env.emulated) text += " (emulated)";
  return text;
}

std::vector<std::string> EnvironmentWarnings(const Environment& env) {
  std::vector<std::string> warnings;
  if (env.emulated) {
    warnings.push_back(
        fmt::format("emulated CPU ({}): timings measure the emulator, not {} hardware",
                    *env.emulated, env.architecture));
  }
  if (env.build_type == "Debug") {
    warnings.push_back("debug build: timings are not representative");
  } else if (env.build_type.empty()) {
    // No build type means CMake passed no optimization flags at all.
    warnings.push_back("unoptimized build (no CMAKE_BUILD_TYPE): timings are not representative");
  }
  if (!env.sanitizers.empty()) {
    std::string names;
    for (const std::string& name : env.sanitizers) {
      if (!names.empty()) names += '/';
      names += SanitizerShortName(name);
    }
    warnings.push_back(names + " build: timings are not representative");
  }
  // Governors that change the clock with load; "performance" and "userspace" hold it.
  static constexpr std::string_view kScalingGovernors[] = {"powersave", "ondemand", "schedutil",
                                                           "conservative"};
  for (const CpuFrequency& cpu : env.cpu_frequencies) {
    if (!cpu.governor) continue;
    if (std::find(std::begin(kScalingGovernors), std::end(kScalingGovernors), *cpu.governor) ==
        std::end(kScalingGovernors)) {
      continue;
    }
    warnings.push_back(
        fmt::format("CPU frequency scaling enabled (governor '{}' on cpu{}): results may be noisy",
                    *cpu.governor, cpu.cpu));
    break;  // one line says it; the JSON lists every CPU
  }
  if (env.load_1m) {
    const int cpus = std::max(env.logical_cpus, 1);
    if (*env.load_1m > 1.0 + 0.1 * cpus) {
      warnings.push_back(fmt::format("machine loaded: 1-minute load average {:.2f} on {} CPU{}",
                                     *env.load_1m, cpus, cpus == 1 ? "" : "s"));
    }
  }
  return warnings;
}

}  // namespace edgebench::harness
