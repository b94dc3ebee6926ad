#include "harness/peak/cpu_features.h"

#include <algorithm>
#include <utility>

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace edgebench::harness::peak {

std::string_view FmaIsaName(FmaIsa isa) {
  switch (isa) {
    case FmaIsa::kScalar:
      return "scalar";
    case FmaIsa::kSse2:
      return "sse2";
    case FmaIsa::kAvx2Fma:
      return "avx2+fma";
    case FmaIsa::kAvx512:
      return "avx512f";
    case FmaIsa::kNeon:
      return "neon";
  }
  return "unknown";
}

std::optional<FmaIsa> ParseFmaIsa(std::string_view name) {
  if (name == "avx2") return FmaIsa::kAvx2Fma;
  for (FmaIsa isa :
       {FmaIsa::kScalar, FmaIsa::kSse2, FmaIsa::kAvx2Fma, FmaIsa::kAvx512, FmaIsa::kNeon}) {
    if (name == FmaIsaName(isa)) return isa;
  }
  return std::nullopt;
}

bool CpuFeatures::Has(std::string_view flag) const {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

bool CpuFeatures::CanRun(FmaIsa isa) const {
  return std::find(runnable_isas.begin(), runnable_isas.end(), isa) != runnable_isas.end();
}

CpuFeatures DetectCpuFeatures() {
  CpuFeatures features;
  features.runnable_isas.push_back(FmaIsa::kScalar);
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  // __builtin_cpu_supports takes only string literals, hence one line per feature.
  const std::pair<const char*, bool> detected[] = {
      {"sse2", __builtin_cpu_supports("sse2")},
      {"avx", __builtin_cpu_supports("avx")},
      {"avx2", __builtin_cpu_supports("avx2")},
      {"fma", __builtin_cpu_supports("fma")},
      {"avx512f", __builtin_cpu_supports("avx512f")},
      {"avx512_bf16", __builtin_cpu_supports("avx512bf16")},
      {"avx512_vnni", __builtin_cpu_supports("avx512vnni")},
  };
  for (const auto& [name, present] : detected) {
    if (present) features.flags.emplace_back(name);
  }
  if (features.Has("sse2")) features.runnable_isas.push_back(FmaIsa::kSse2);
  if (features.Has("avx2") && features.Has("fma")) {
    features.runnable_isas.push_back(FmaIsa::kAvx2Fma);
  }
  if (features.Has("avx512f")) features.runnable_isas.push_back(FmaIsa::kAvx512);
#elif defined(__aarch64__)
  // Advanced SIMD is part of the AArch64 base architecture; the kernel reports the
  // optional extensions (those the ML libraries dispatch on) in the auxiliary vector.
  features.flags.emplace_back("neon");
  const unsigned long hwcap = getauxval(AT_HWCAP);
  const unsigned long hwcap2 = getauxval(AT_HWCAP2);
  const std::pair<const char*, bool> detected[] = {
      {"fp16", (hwcap & HWCAP_ASIMDHP) != 0}, {"dotprod", (hwcap & HWCAP_ASIMDDP) != 0},
      {"sve", (hwcap & HWCAP_SVE) != 0},      {"i8mm", (hwcap2 & HWCAP2_I8MM) != 0},
      {"bf16", (hwcap2 & HWCAP2_BF16) != 0},
  };
  for (const auto& [name, present] : detected) {
    if (present) features.flags.emplace_back(name);
  }
  features.runnable_isas.push_back(FmaIsa::kNeon);
#endif
  return features;
}

}  // namespace edgebench::harness::peak
