#include "harness/arm_cpu_names.h"

#include <algorithm>
#include <iterator>

namespace edgebench::harness {
namespace {

struct KnownCore {
  unsigned implementer;
  unsigned part;
  const char* name;
  bool efficiency;
};

// Part numbers from the vendors' technical reference manuals (MIDR_EL1.PartNum); the
// boards of the source study and today's common boards and servers.
constexpr KnownCore kKnownCores[] = {
    {0x41, 0xc05, "Cortex-A5", true},       {0x41, 0xc07, "Cortex-A7", true},
    {0x41, 0xc08, "Cortex-A8", false},      {0x41, 0xc09, "Cortex-A9", false},
    {0x41, 0xc0d, "Cortex-A12", false},     {0x41, 0xc0e, "Cortex-A17", false},
    {0x41, 0xc0f, "Cortex-A15", false},     {0x41, 0xd01, "Cortex-A32", true},
    {0x41, 0xd02, "Cortex-A34", true},      {0x41, 0xd03, "Cortex-A53", true},
    {0x41, 0xd04, "Cortex-A35", true},      {0x41, 0xd05, "Cortex-A55", true},
    {0x41, 0xd06, "Cortex-A65", true},      {0x41, 0xd07, "Cortex-A57", false},
    {0x41, 0xd08, "Cortex-A72", false},     {0x41, 0xd09, "Cortex-A73", false},
    {0x41, 0xd0a, "Cortex-A75", false},     {0x41, 0xd0b, "Cortex-A76", false},
    {0x41, 0xd0c, "Neoverse-N1", false},    {0x41, 0xd0d, "Cortex-A77", false},
    {0x41, 0xd0e, "Cortex-A76AE", false},   {0x41, 0xd40, "Neoverse-V1", false},
    {0x41, 0xd41, "Cortex-A78", false},     {0x41, 0xd42, "Cortex-A78AE", false},
    {0x41, 0xd43, "Cortex-A65AE", true},    {0x41, 0xd44, "Cortex-X1", false},
    {0x41, 0xd46, "Cortex-A510", true},     {0x41, 0xd47, "Cortex-A710", false},
    {0x41, 0xd48, "Cortex-X2", false},      {0x41, 0xd49, "Neoverse-N2", false},
    {0x41, 0xd4a, "Neoverse-E1", true},     {0x41, 0xd4b, "Cortex-A78C", false},
    {0x41, 0xd4c, "Cortex-X1C", false},     {0x41, 0xd4d, "Cortex-A715", false},
    {0x41, 0xd4e, "Cortex-X3", false},      {0x41, 0xd4f, "Neoverse-V2", false},
    {0x41, 0xd80, "Cortex-A520", true},     {0x41, 0xd81, "Cortex-A720", false},
    {0x41, 0xd82, "Cortex-X4", false},      {0x42, 0x516, "ThunderX2", false},
    {0x43, 0x0af, "ThunderX2", false},      {0x46, 0x001, "A64FX", false},
    {0x48, 0xd01, "TaiShan-v110", false},   {0x4e, 0x000, "Denver", false},
    {0x4e, 0x003, "Denver 2", false},       {0x4e, 0x004, "Carmel", false},
    {0x51, 0x800, "Kryo 2xx Gold", false},  {0x51, 0x801, "Kryo 2xx Silver", true},
    {0x51, 0x802, "Kryo 3xx Gold", false},  {0x51, 0x803, "Kryo 3xx Silver", true},
    {0x51, 0x804, "Kryo 4xx Gold", false},  {0x51, 0x805, "Kryo 4xx Silver", true},
    {0x51, 0xc00, "Falkor", false},         {0x61, 0x022, "Icestorm (M1)", true},
    {0x61, 0x023, "Firestorm (M1)", false}, {0xc0, 0xac3, "Ampere-1", false},
};

constexpr std::pair<unsigned, const char*> kImplementers[] = {
    {0x41, "ARM"},    {0x42, "Broadcom"}, {0x43, "Cavium"},  {0x46, "Fujitsu"}, {0x48, "HiSilicon"},
    {0x4e, "NVIDIA"}, {0x51, "Qualcomm"}, {0x53, "Samsung"}, {0x61, "Apple"},   {0xc0, "Ampere"},
};

const KnownCore* Find(unsigned implementer, unsigned part) {
  const auto* it = std::find_if(
      std::begin(kKnownCores), std::end(kKnownCores),
      [&](const KnownCore& core) { return core.implementer == implementer && core.part == part; });
  return it == std::end(kKnownCores) ? nullptr : it;
}

}  // namespace

std::optional<std::string> ArmCoreName(unsigned implementer, unsigned part) {
  if (const KnownCore* core = Find(implementer, part)) return std::string(core->name);
  return std::nullopt;
}

std::optional<std::string> ArmImplementerName(unsigned implementer) {
  for (const auto& [code, name] : kImplementers) {
    if (code == implementer) return std::string(name);
  }
  return std::nullopt;
}

bool IsArmEfficiencyCore(unsigned implementer, unsigned part) {
  const KnownCore* core = Find(implementer, part);
  return core != nullptr && core->efficiency;
}

}  // namespace edgebench::harness
