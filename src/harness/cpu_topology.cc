#include "harness/cpu_topology.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>
#include <tuple>

#include "harness/arm_cpu_names.h"
#include "harness/cpu_affinity.h"
#include "harness/proc_files.h"

namespace edgebench::harness {
namespace {

namespace fs = std::filesystem;
using proc_files::Trim;

// "0x41" (cpuinfo prints MIDR fields in hex) or plain decimal.
std::optional<unsigned> ParseId(std::string_view text) {
  text = Trim(text);
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
    base = 16;
  }
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// One "key : value" block of cpuinfo, as far as this file needs it.
struct Block {
  std::optional<int> processor;
  std::optional<std::string> model_name;
  std::optional<unsigned> implementer, part;
};

// ARM ids name the core design even where the kernel also prints a "model name" (32-bit
// ARM kernels: "ARMv7 Processor rev 4 (v7l)" on a Cortex-A53), so a known pair wins.
CpuInfoProcessor ToProcessor(const Block& block) {
  CpuInfoProcessor processor{.cpu = *block.processor};
  const bool arm = block.implementer && block.part;
  if (arm) {
    processor.name = ArmCoreName(*block.implementer, *block.part);
    processor.named_by_arm_ids = processor.name.has_value();
    processor.efficiency_core = IsArmEfficiencyCore(*block.implementer, *block.part);
  }
  if (!processor.name) processor.name = block.model_name;
  if (!processor.name && arm) {
    const std::string vendor =
        ArmImplementerName(*block.implementer)
            .value_or(fmt::format("implementer {:#04x}", *block.implementer));
    processor.name = fmt::format("{} part {:#05x}", vendor, *block.part);
  }
  return processor;
}

// Calls `line(key, value)` for every "key : value" line and `end_block()` after each blank
// line and at the end, the block structure of /proc/cpuinfo.
template <typename OnLine, typename OnEnd>
void ForEachLine(std::string_view text, OnLine line, OnEnd end_block) {
  std::istringstream lines{std::string(text)};
  std::string raw;
  while (std::getline(lines, raw)) {
    if (Trim(raw).empty()) {
      end_block();
      continue;
    }
    const auto colon = raw.find(':');
    if (colon == std::string::npos) continue;
    line(Trim(std::string_view(raw).substr(0, colon)),
         Trim(std::string_view(raw).substr(colon + 1)));
  }
  end_block();
}

std::string RoleName(size_t rank, size_t count) {
  if (count < 2) return "";
  if (rank == 0) return "little";
  if (rank + 1 == count) return "big";
  return "mid";
}

}  // namespace

std::vector<CpuInfoProcessor> ParseCpuInfoProcessors(std::string_view cpuinfo) {
  std::vector<CpuInfoProcessor> processors;
  Block block;
  ForEachLine(
      cpuinfo,
      [&](std::string_view key, std::string_view value) {
        if (key == "processor") {
          // Old 32-bit ARM kernels put "Processor : ARMv7 ..." in a header block; only
          // numbered entries are CPUs.
          block.processor = proc_files::ParseNumber<int>(value);
        } else if (key == "model name" && !value.empty()) {
          block.model_name = std::string(value);
        } else if (key == "CPU implementer") {
          block.implementer = ParseId(value);
        } else if (key == "CPU part") {
          block.part = ParseId(value);
        }
      },
      [&] {
        if (block.processor) processors.push_back(ToProcessor(block));
        block = Block{};
      });
  return processors;
}

CpuInfoSummary SummarizeCpuInfo(std::string_view cpuinfo) {
  // Board keys in order of preference; the first present wins.
  static constexpr std::string_view kBoardKeys[] = {"Model", "Hardware", "Processor", "cpu model"};
  CpuInfoSummary summary;
  std::optional<std::string> model_name;
  std::optional<std::string> board[std::size(kBoardKeys)];
  ForEachLine(
      cpuinfo,
      [&](std::string_view key, std::string_view value) {
        if (key == "processor") ++summary.processors;
        if (value.empty()) return;
        if (key == "model name" && !model_name) model_name = std::string(value);
        for (size_t i = 0; i < std::size(kBoardKeys); ++i) {
          if (key == kBoardKeys[i] && !board[i]) board[i] = std::string(value);
        }
      },
      [] {});
  for (auto& candidate : board) {
    if (candidate) {
      summary.board = std::move(candidate);
      break;
    }
  }
  // ARM: the cores named from their ids, when the table knows every one of them; then
  // x86's model name; then the board.
  std::map<std::string, int> counts;
  std::vector<std::string> order;
  bool all_known = true;
  for (const CpuInfoProcessor& processor : ParseCpuInfoProcessors(cpuinfo)) {
    if (!processor.named_by_arm_ids) {
      all_known = false;
      break;
    }
    if (counts[*processor.name]++ == 0) order.push_back(*processor.name);
  }
  if (all_known && !order.empty()) {
    std::string text;
    for (const std::string& name : order) {
      if (!text.empty()) text += " + ";
      text += order.size() == 1 ? name : fmt::format("{}x {}", counts[name], name);
    }
    summary.model = text;
  } else {
    summary.model = model_name ? model_name : summary.board;
  }
  return summary;
}

std::vector<CoreType> GroupCoreTypes(const std::vector<CpuInfoProcessor>& processors,
                                     const std::vector<std::optional<double>>& max_mhz_by_cpu) {
  // Key: (efficiency design first, then top frequency, then name) so that the map's order
  // is the little-to-big order; a missing frequency ranks as 0.
  using Key = std::tuple<bool, double, std::string>;
  std::map<Key, CoreType> groups;
  for (const CpuInfoProcessor& processor : processors) {
    std::optional<double> max_mhz;
    if (processor.cpu >= 0 && static_cast<size_t>(processor.cpu) < max_mhz_by_cpu.size()) {
      max_mhz = max_mhz_by_cpu[processor.cpu];
    }
    const std::string name = processor.name.value_or("unknown");
    CoreType& type = groups[Key{!processor.efficiency_core, max_mhz.value_or(0), name}];
    type.name = name;
    type.max_mhz = max_mhz;
    type.cpus.push_back(processor.cpu);
  }
  std::vector<CoreType> types;
  for (auto& [key, type] : groups) {
    std::sort(type.cpus.begin(), type.cpus.end());
    types.push_back(std::move(type));
  }
  for (size_t i = 0; i < types.size(); ++i) types[i].role = RoleName(i, types.size());
  return types;
}

std::vector<CoreType> ReadCoreTypes(const fs::path& root) {
  const auto cpuinfo = proc_files::ReadFile(root / "proc/cpuinfo");
  if (!cpuinfo) return {};
  const std::vector<CpuInfoProcessor> processors = ParseCpuInfoProcessors(*cpuinfo);
  std::vector<std::optional<double>> max_mhz_by_cpu;
  for (const auto& [number, dir] :
       proc_files::NumberedEntries(root / "sys/devices/system/cpu", "cpu")) {
    auto khz = proc_files::ReadInteger(dir / "cpufreq/cpuinfo_max_freq");
    if (!khz) khz = proc_files::ReadInteger(dir / "cpufreq/scaling_max_freq");
    if (!khz || number > 1 << 16) continue;
    if (max_mhz_by_cpu.size() <= static_cast<size_t>(number)) max_mhz_by_cpu.resize(number + 1);
    max_mhz_by_cpu[number] = static_cast<double>(*khz) / 1000.0;
  }
  return GroupCoreTypes(processors, max_mhz_by_cpu);
}

std::string DescribeCoreTypes(const std::vector<CoreType>& types) {
  std::string text;
  for (const CoreType& type : types) {
    if (!text.empty()) text += " + ";
    text += fmt::format("{}x {}", type.cpus.size(), type.name);
    if (type.max_mhz) text += fmt::format(" @ {:.0f} MHz", *type.max_mhz);
    if (!type.role.empty()) text += fmt::format(" ({})", type.role);
  }
  return text;
}

std::optional<std::string> ResolvePinRole(const std::string& pin,
                                          const std::vector<CoreType>& types, std::string& error) {
  if (pin != "big" && pin != "little") return pin;
  std::vector<int> cpus;
  for (const CoreType& type : types) {
    if (type.role == pin) cpus.insert(cpus.end(), type.cpus.begin(), type.cpus.end());
  }
  if (cpus.empty()) {
    error = types.empty() ? fmt::format("no {} cores: /proc/cpuinfo lists no processors", pin)
                          : fmt::format("no {} cores: this machine has one core type ({})", pin,
                                        DescribeCoreTypes(types));
    return std::nullopt;
  }
  std::sort(cpus.begin(), cpus.end());
  return FormatCpuList(cpus);
}

}  // namespace edgebench::harness
