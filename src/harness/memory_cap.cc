#include "harness/memory_cap.h"

#include <fmt/format.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

namespace edgebench::harness {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";

std::optional<std::string> ReadFirstLine(const fs::path& path) {
  std::ifstream file(path);
  std::string line;
  if (!file || !std::getline(file, line)) return std::nullopt;
  return line;
}

bool WriteText(const fs::path& path, const std::string& text) {
  std::ofstream file(path);
  file << text;
  file.flush();
  return static_cast<bool>(file);
}

// This process's cgroup v2 path ("0::/a/b" in /proc/self/cgroup).
std::optional<std::string> OwnCgroup() {
  std::ifstream file("/proc/self/cgroup");
  std::string line;
  while (std::getline(file, line)) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return std::nullopt;
}

}  // namespace

std::optional<JobCgroup> JobCgroup::Create(int64_t limit_bytes, std::string& why_not) {
  struct statfs info {};
  if (statfs(kCgroupRoot, &info) != 0 || info.f_type != CGROUP2_SUPER_MAGIC) {
    why_not = "cgroup v2 is not mounted at /sys/fs/cgroup";
    return std::nullopt;
  }
  const std::optional<std::string> own = OwnCgroup();
  if (!own) {
    why_not = "this process is in no cgroup v2 group";
    return std::nullopt;
  }
  const fs::path parent = fs::path(kCgroupRoot) / own->substr(own->empty() ? 0 : 1);
  const std::string controllers = ReadFirstLine(parent / "cgroup.subtree_control").value_or("");
  if (controllers.find("memory") == std::string::npos) {
    why_not =
        fmt::format("the memory controller is not enabled for children of {}", parent.string());
    return std::nullopt;
  }
  static std::atomic<int> counter{0};
  const fs::path dir = parent / fmt::format("edgebench-{}-{}", getpid(), counter++);
  std::error_code error;
  if (!fs::create_directory(dir, error)) {
    why_not = fmt::format("cannot create {}: {}", dir.string(), error.message());
    return std::nullopt;
  }
  JobCgroup cgroup(dir.string());
  if (!WriteText(dir / "memory.max", std::to_string(limit_bytes))) {
    why_not = fmt::format("cannot write {}/memory.max", dir.string());
    return std::nullopt;
  }
  // Without swap off, a capped worker would page instead of failing: slower, not smaller.
  WriteText(dir / "memory.swap.max", "0");
  return cgroup;
}

JobCgroup::JobCgroup(std::string dir) : dir_(std::move(dir)), procs_path_(dir_ + "/cgroup.procs") {}

JobCgroup::JobCgroup(JobCgroup&& other) noexcept
    : dir_(std::move(other.dir_)), procs_path_(std::move(other.procs_path_)) {
  other.dir_.clear();
}

JobCgroup::~JobCgroup() {
  // rmdir succeeds once the cgroup has no process left; the worker has been reaped.
  if (!dir_.empty()) rmdir(dir_.c_str());
}

std::optional<int64_t> JobCgroup::PeakBytes() const {
  const std::optional<std::string> text = ReadFirstLine(fs::path(dir_) / "memory.peak");
  if (!text) return std::nullopt;
  try {
    return std::stoll(*text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool JobCgroup::OomKilled() const {
  std::ifstream file(fs::path(dir_) / "memory.events");
  std::string key;
  int64_t value = 0;
  while (file >> key >> value) {
    if (key == "oom_kill" && value > 0) return true;
  }
  return false;
}

}  // namespace edgebench::harness
