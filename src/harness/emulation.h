#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace edgebench::harness {

/// The architecture this binary was compiled for: "x86_64", "aarch64", ... ("unknown").
std::string_view CompiledArchitecture();

/// Why this process is taken to run under CPU emulation (user-mode QEMU, as the ARM64
/// tests run), or nullopt when nothing says so. Timings taken so measure the emulator, not
/// the emulated CPU. Evidence, first match wins:
///  1. `declared` (the runner's $EDGEBENCH_EMULATED): empty or "0" says nothing, anything
///     else is the runner's word (e.g. "qemu-aarch64").
///  2. The kernel's architecture, root/proc/sys/kernel/arch, differs from the compiled one
///     (32-bit builds on their 64-bit kernels excepted). User-mode emulators fake uname's
///     machine field, but this file comes from the real kernel.
///  3. Without that file (kernels before 6.1), /proc/cpuinfo describes another
///     architecture: x86's vendor_id under an ARM binary, ARM's "CPU implementer" under an
///     x86 one. QEMU from 8.1 fakes ARM cpuinfo too, hence only as a fallback.
std::optional<std::string> DetectEmulation(const std::filesystem::path& root, const char* declared);

}  // namespace edgebench::harness
