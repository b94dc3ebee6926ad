#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/cpu_topology.h"

namespace edgebench::harness {

/// Frequency scaling state of one logical CPU (Linux cpufreq); each field is absent when
/// its sysfs file is missing or unreadable.
struct CpuFrequency {
  int cpu = 0;                          // N of /sys/devices/system/cpu/cpuN
  std::optional<std::string> governor;  // scaling_governor, e.g. "performance"
  std::optional<double> cur_mhz;        // scaling_cur_freq (cpuinfo_cur_freq as fallback)
  std::optional<double> max_mhz;        // cpuinfo_max_freq (scaling_max_freq as fallback)
};

/// One readable /sys/class/thermal/thermal_zoneN.
struct ThermalZone {
  std::string zone;                 // "thermal_zone0"
  std::optional<std::string> type;  // the driver's name for it, e.g. "cpu-thermal"
  double celsius = 0;               // temp, which the kernel reports in millidegrees
};

/// The machine and build a run was measured on, captured once at start so results can be
/// compared (and distrusted) later. Fields read from files are std::optional, or empty
/// vectors, when the file is missing: boards and containers expose very different subsets.
struct Environment {
  // CPU.
  /// x86: /proc/cpuinfo's model name. ARM: the cores named from their implementer/part
  /// ids ("Cortex-A72", "4x Cortex-A53 + 2x Cortex-A72"), else the board.
  std::optional<std::string> cpu_model;
  /// The board, where cpuinfo ("Model", "Hardware") or the device tree names it.
  std::optional<std::string> board_model;
  /// CPUs grouped by core design and top frequency, little to big (big.LITTLE, hybrid x86).
  std::vector<CoreType> cpu_core_types;
  int logical_cpus = 0;                       // "processor" entries in /proc/cpuinfo
  int cpus_used = 0;                          // CPUs in this process's affinity mask
  std::vector<CpuFrequency> cpu_frequencies;  // CPUs with a cpufreq directory, by number
  /// SIMD features the CPU reports at run time (e.g. "sse2 avx avx2 fma"), and the widest
  /// FMA ISA among them: which kernels the libraries can dispatch to on this machine.
  std::vector<std::string> cpu_simd_features;
  std::string widest_fma_isa;
  /// What this binary was compiled for ("x86_64", "aarch64"), and why it is taken to run
  /// under emulation (harness/emulation.h) when it is: then no timing is the CPU's.
  std::string architecture;
  std::optional<std::string> emulated;

  // Operating system.
  std::string kernel_release;                 // uname -r
  std::string kernel_version;                 // uname -v
  std::optional<std::string> os_pretty_name;  // PRETTY_NAME of /etc/os-release
  std::string hostname;

  // Build of this binary.
  std::string compiler_id;       // CMAKE_CXX_COMPILER_ID, e.g. "GNU"
  std::string compiler_version;  // CMAKE_CXX_COMPILER_VERSION
  std::string build_type;        // CMAKE_BUILD_TYPE; empty when none was set
  std::string build_flags;       // compiler flags of the build type plus the project's options
  std::vector<std::string> sanitizers;  // "address", "undefined", ... compiled in

  // State at start.
  std::optional<double> load_1m, load_5m, load_15m;  // /proc/loadavg
  std::optional<int64_t> total_memory_bytes;         // MemTotal of /proc/meminfo
  std::string start_time;                            // ISO-8601 UTC, "2024-05-01T12:00:00Z"
  std::vector<ThermalZone> thermal_zones;
};

/// Captures the environment now. Files are read under `root` (root/proc/cpuinfo,
/// root/sys/..., root/etc/os-release) so tests can point it at a fixture tree; uname, the
/// affinity mask and the build come from the running process whatever the root. Never
/// throws for missing or malformed files: those fields stay absent.
Environment CaptureEnvironment(const std::filesystem::path& root = "/");

/// JSON object with one key per field (snake_case, as named in Environment); absent
/// optional fields are left out rather than written as null.
nlohmann::json ToJson(const Environment& environment);

/// One line for people: the CPU model, the board, the core types with their top
/// frequencies, the architecture and whether it is emulated.
std::string DescribeCpu(const Environment& environment);

/// Reasons to distrust timings taken in this environment, one line each, in the spirit of
/// google/benchmark's start-up warnings: emulation, debug or sanitizer builds, frequency scaling by
/// a dynamic governor, and a 1-minute load average above 1 + 0.1 x logical CPUs (the 1 allows for
/// edgebench itself and an idle desktop's background).
std::vector<std::string> EnvironmentWarnings(const Environment& environment);

}  // namespace edgebench::harness
