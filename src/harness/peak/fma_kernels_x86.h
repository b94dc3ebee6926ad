#pragma once

#include <optional>

#include "harness/peak/fma_kernel.h"

namespace edgebench::harness::peak {

/// The x86 SIMD kernel for `isa` (sse2, avx2+fma, avx512f); nullopt for other ISAs and on
/// non-x86 builds.
std::optional<FmaKernel> X86FmaKernel(FmaIsa isa);

}  // namespace edgebench::harness::peak
