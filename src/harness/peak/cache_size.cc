#include "harness/peak/cache_size.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <string>
#include <system_error>

namespace edgebench::harness::peak {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadLine(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

// sysfs writes cache sizes as "32768K" (or "1M" on some kernels).
std::optional<int64_t> ParseCacheSize(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data() || value <= 0) return std::nullopt;
  const std::string_view suffix(end, text.data() + text.size() - end);
  if (suffix.empty()) return value;
  if (suffix == "K") return value << 10;
  if (suffix == "M") return value << 20;
  if (suffix == "G") return value << 30;
  return std::nullopt;
}

struct CacheEntry {
  int level = 0;
  int64_t bytes = 0;
  std::string shared_cpus;
};

// The highest-level data or unified cache listed under one cpuN/cache directory.
std::optional<CacheEntry> HighestCache(const fs::path& cache_dir) {
  std::optional<CacheEntry> best;
  std::error_code error;
  for (const fs::directory_entry& index : fs::directory_iterator(cache_dir, error)) {
    if (index.path().filename().string().rfind("index", 0) != 0) continue;
    const auto type = ReadLine(index.path() / "type");
    if (!type || *type == "Instruction") continue;
    const auto level_text = ReadLine(index.path() / "level");
    const auto size_text = ReadLine(index.path() / "size");
    if (!level_text || !size_text) continue;
    const auto level = ParseInteger(*level_text);
    const auto bytes = ParseCacheSize(*size_text);
    if (!level || !bytes) continue;
    if (!best || *level > best->level) {
      best = CacheEntry{static_cast<int>(*level), *bytes,
                        ReadLine(index.path() / "shared_cpu_list").value_or(index.path().string())};
    }
  }
  return best;
}

}  // namespace

std::optional<LastLevelCache> DetectLastLevelCache(const fs::path& root) {
  const fs::path cpus = root / "sys/devices/system/cpu";
  const auto cpu0 = HighestCache(cpus / "cpu0/cache");
  if (cpu0) {
    std::set<std::string> instances;
    std::error_code error;
    for (const fs::directory_entry& cpu : fs::directory_iterator(cpus, error)) {
      const std::string name = cpu.path().filename().string();
      if (name.size() < 4 || name.rfind("cpu", 0) != 0 ||
          name.find_first_not_of("0123456789", 3) != std::string::npos) {
        continue;
      }
      const auto cache = HighestCache(cpu.path() / "cache");
      if (cache && cache->level == cpu0->level) instances.insert(cache->shared_cpus);
    }
    return LastLevelCache{cpu0->level, cpu0->bytes,
                          std::max<int>(1, static_cast<int>(instances.size()))};
  }
#ifdef _SC_LEVEL3_CACHE_SIZE
  if (root == "/") {
    const long bytes = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (bytes > 0) return LastLevelCache{3, bytes, 1};
  }
#endif
  return std::nullopt;
}

}  // namespace edgebench::harness::peak
