#include "harness/emulation.h"

#include <fmt/format.h>

#include "harness/proc_files.h"

namespace edgebench::harness {
namespace {

// A 32-bit build runs natively on the 64-bit kernel of its family.
bool NativeOn(std::string_view compiled, std::string_view kernel) {
  if (compiled == kernel) return true;
  if (compiled == "i686" && kernel == "x86_64") return true;
  if (compiled == "arm" && (kernel == "aarch64" || kernel.starts_with("armv"))) return true;
  return false;
}

// The architecture family that /proc/cpuinfo text describes, or empty when it cannot tell.
std::string_view CpuInfoArchitecture(std::string_view cpuinfo) {
  if (cpuinfo.find("\nvendor_id") != std::string_view::npos || cpuinfo.starts_with("vendor_id")) {
    return "x86_64";
  }
  if (cpuinfo.find("CPU implementer") != std::string_view::npos) return "aarch64";
  return {};
}

bool SameFamily(std::string_view compiled, std::string_view cpuinfo_arch) {
  if (cpuinfo_arch == "x86_64") return compiled == "x86_64" || compiled == "i686";
  return compiled == "aarch64" || compiled == "arm";
}

}  // namespace

std::string_view CompiledArchitecture() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__i386__)
  return "i686";
#elif defined(__aarch64__)
  return "aarch64";
#elif defined(__arm__)
  return "arm";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#else
  return "unknown";
#endif
}

std::optional<std::string> DetectEmulation(const std::filesystem::path& root,
                                           const char* declared) {
  const std::string_view compiled = CompiledArchitecture();
  if (declared != nullptr && *declared != '\0' && std::string_view(declared) != "0") {
    return fmt::format("declared by the runner (EDGEBENCH_EMULATED={})", declared);
  }
  if (auto kernel = proc_files::ReadValue(root / "proc/sys/kernel/arch")) {
    if (compiled == "unknown" || NativeOn(compiled, *kernel)) return std::nullopt;
    return fmt::format("{} binary on an {} kernel", compiled, *kernel);
  }
  if (auto cpuinfo = proc_files::ReadFile(root / "proc/cpuinfo")) {
    const std::string_view described = CpuInfoArchitecture(*cpuinfo);
    if (!described.empty() && compiled != "unknown" && !SameFamily(compiled, described)) {
      return fmt::format("{} binary, /proc/cpuinfo of an {} CPU", compiled, described);
    }
  }
  return std::nullopt;
}

}  // namespace edgebench::harness
