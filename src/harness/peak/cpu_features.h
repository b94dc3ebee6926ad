#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgebench::harness::peak {

/// The instruction sets an FMA-throughput kernel can be built for, narrowest first. Each
/// kernel is compiled for its ISA with __attribute__((target(...))) while the rest of the
/// program stays baseline, so which one runs is decided at run time, on the CPU at hand.
enum class FmaIsa {
  kScalar,   // plain float multiply and add: any CPU
  kSse2,     // 128-bit xmm multiply then add (SSE2 has no FMA): x86-64 baseline
  kAvx2Fma,  // 256-bit ymm vfmadd: AVX2 + FMA3
  kAvx512,   // 512-bit zmm vfmadd: AVX-512F
  kNeon,     // 128-bit q-register fmla: AArch64 Advanced SIMD
};

/// Stable name of an ISA as printed and stored: "scalar", "sse2", "avx2+fma", "avx512f",
/// "neon".
std::string_view FmaIsaName(FmaIsa isa);

/// The ISA named `name` (as FmaIsaName writes it; "avx2" is accepted for "avx2+fma");
/// nullopt for an unknown name.
std::optional<FmaIsa> ParseFmaIsa(std::string_view name);

/// SIMD features of the running CPU, asked of the CPU (cpuid through
/// __builtin_cpu_supports, which also checks that the OS saves the wider registers) rather
/// than of the compiler's target, which is baseline x86-64.
struct CpuFeatures {
  /// Detected feature names in a fixed order, from: sse2 avx avx2 fma avx512f avx512_bf16
  /// avx512_vnni (x86); neon fp16 dotprod sve i8mm bf16 (AArch64, from the kernel's
  /// HWCAP bits).
  std::vector<std::string> flags;
  /// FMA kernels this CPU can run (and this build contains), narrowest first; never empty
  /// (kScalar runs anywhere).
  std::vector<FmaIsa> runnable_isas;

  bool Has(std::string_view flag) const;
  bool CanRun(FmaIsa isa) const;
  /// The widest runnable ISA: the one whose FMA figure is the machine's peak.
  FmaIsa Widest() const { return runnable_isas.back(); }
};

CpuFeatures DetectCpuFeatures();

}  // namespace edgebench::harness::peak
