#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace edgebench::harness::peak {

/// The last-level cache of the machine, for sizing arrays that must not fit in it.
struct LastLevelCache {
  int level = 0;           // 3 on most desktop/server CPUs, 2 on many ARM boards
  int64_t bytes_each = 0;  // one instance, as cpu0 sees it
  int instances = 0;       // distinct instances (CCXs, sockets) over all CPUs
  int64_t TotalBytes() const { return bytes_each * instances; }
};

/// Reads the highest-level data/unified cache from
/// root/sys/devices/system/cpu/cpu*/cache/index*/{level,type,size,shared_cpu_list},
/// counting instances by distinct shared_cpu_list. Falls back to sysconf's
/// _SC_LEVEL3_CACHE_SIZE (one instance) when sysfs says nothing, which under a
/// hypervisor can report the host's cache rather than the guest's. Nullopt when neither
/// knows.
std::optional<LastLevelCache> DetectLastLevelCache(const std::filesystem::path& root = "/");

}  // namespace edgebench::harness::peak
