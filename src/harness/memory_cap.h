#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace edgebench::harness {

/// A per-job memory cgroup (cgroup v2): `memory.max` caps the worker's resident memory,
/// which is what a user emulating a board with less RAM means (an address-space cap also
/// counts what frameworks merely reserve). Removed on destruction.
class JobCgroup {
 public:
  /// Creates a child cgroup of this process's own with memory.max = limit_bytes and
  /// swap disabled. Returns nullopt, with `why_not` set, where cgroup v2 is not mounted at
  /// /sys/fs/cgroup, its memory controller is not delegated to us, or we may not write it.
  static std::optional<JobCgroup> Create(int64_t limit_bytes, std::string& why_not);

  JobCgroup(JobCgroup&& other) noexcept;
  JobCgroup& operator=(JobCgroup&&) = delete;
  ~JobCgroup();

  /// The cgroup.procs file a forked child writes its pid into before exec.
  const std::string& procs_path() const { return procs_path_; }
  /// memory.peak in bytes (Linux 5.19+), or nullopt where the kernel lacks it.
  std::optional<int64_t> PeakBytes() const;
  /// Whether the kernel's OOM killer ended a process of this cgroup.
  bool OomKilled() const;

 private:
  explicit JobCgroup(std::string dir);
  std::string dir_;
  std::string procs_path_;
};

}  // namespace edgebench::harness
