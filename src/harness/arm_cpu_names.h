#pragma once

#include <optional>
#include <string>

namespace edgebench::harness {

/// Marketing name of an ARM core from the MIDR fields that /proc/cpuinfo prints as "CPU
/// implementer" and "CPU part" (e.g. 0x41, 0xd08 -> "Cortex-A72"); nullopt for a pair this
/// table does not know.
std::optional<std::string> ArmCoreName(unsigned implementer, unsigned part);

/// The vendor that an implementer code stands for (0x41 -> "ARM"); nullopt when unknown.
std::optional<std::string> ArmImplementerName(unsigned implementer);

/// True for the in-order, efficiency-first designs (Cortex-A53, A55, A510, ...) that are
/// the LITTLE side of any big.LITTLE pairing whatever their clock.
bool IsArmEfficiencyCore(unsigned implementer, unsigned part);

}  // namespace edgebench::harness
