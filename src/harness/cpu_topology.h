#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgebench::harness {

/// What /proc/cpuinfo says of the CPU as a whole.
struct CpuInfoSummary {
  /// The cores named from their ARM implementer/part ids ("Cortex-A72", "4x Cortex-A53 +
  /// 2x Cortex-A72") when all are known; else "model name" (x86); else the board.
  std::optional<std::string> model;
  /// The board, where the kernel names it ("Model" on Raspberry Pi OS, "Hardware").
  std::optional<std::string> board;
  int processors = 0;  // "processor" entries
};

/// One logical CPU as a /proc/cpuinfo "processor" block describes it.
struct CpuInfoProcessor {
  int cpu = 0;                      // the "processor" number
  std::optional<std::string> name;  // x86 "model name", or the ARM core's name
  bool efficiency_core = false;     // a known LITTLE design (Cortex-A53, ...)
  bool named_by_arm_ids = false;    // `name` comes from a known implementer/part pair
};

/// CPUs of one kind: the same core design at the same top frequency.
struct CoreType {
  std::string name;               // core name, "unknown" when cpuinfo has none
  std::vector<int> cpus;          // ascending
  std::optional<double> max_mhz;  // cpufreq cpuinfo_max_freq, when there is one
  /// "big", "little" or "mid" (a third tier, e.g. DynamIQ prime/performance/efficiency)
  /// when the machine has more than one core type; empty when all cores are alike.
  std::string role;
};

/// Per-processor records of /proc/cpuinfo text. A known "CPU implementer"/"CPU part" pair
/// names the core; else "model name"; else the ids ("ARM part 0xd99"). Blocks without a
/// numbered "processor" line are ignored. Never throws.
std::vector<CpuInfoProcessor> ParseCpuInfoProcessors(std::string_view cpuinfo);

/// Model, board and processor count of /proc/cpuinfo text.
CpuInfoSummary SummarizeCpuInfo(std::string_view cpuinfo);

/// Groups processors by core name and top frequency (`max_mhz_of(cpu)`), and names the
/// roles: known efficiency designs rank lowest, then lower top frequency (hybrid x86 cores
/// share a model name and differ only there). Types come out from little to big.
std::vector<CoreType> GroupCoreTypes(const std::vector<CpuInfoProcessor>& processors,
                                     const std::vector<std::optional<double>>& max_mhz_by_cpu);

/// Core types of the machine under `root`: root/proc/cpuinfo, and the top frequencies of
/// root/sys/devices/system/cpu/cpuN/cpufreq. Empty when cpuinfo lists no processor.
std::vector<CoreType> ReadCoreTypes(const std::filesystem::path& root);

/// "4x Cortex-A53 @ 1416 MHz (little) + 2x Cortex-A72 @ 1800 MHz (big)"; empty for none.
std::string DescribeCoreTypes(const std::vector<CoreType>& types);

/// The CPU list that a --pin value stands for: "big" and "little" become the CPUs of that
/// role ("4-5"); anything else comes back unchanged for the CPU-list parser. nullopt with
/// `error` set when the machine has no such role (a single core type has neither).
std::optional<std::string> ResolvePinRole(const std::string& pin,
                                          const std::vector<CoreType>& types, std::string& error);

}  // namespace edgebench::harness
