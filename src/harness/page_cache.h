#pragma once

#include <optional>
#include <string>

namespace edgebench::harness {

/// Asks the kernel to drop `path`'s pages from the page cache (posix_fadvise
/// POSIX_FADV_DONTNEED; no root needed), so the next load reads it from storage as after a
/// reboot. Pages that some process has mapped stay resident: the kernel keeps them.
/// Returns false with `error` set when the file cannot be opened.
bool EvictFromPageCache(const std::string& path, std::string& error);

/// Fraction of `path`'s pages resident in the page cache (mincore on a private read-only
/// mapping), or nullopt when the file cannot be mapped (missing, empty).
std::optional<double> ResidentFraction(const std::string& path);

}  // namespace edgebench::harness
