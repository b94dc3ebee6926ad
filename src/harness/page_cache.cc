#include "harness/page_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace edgebench::harness {

bool EvictFromPageCache(const std::string& path, std::string& error) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  // Dirty pages cannot be dropped; a library is never dirty, but sync to be exact.
  fdatasync(fd);
  const int rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
  if (rc != 0) {
    error = path + ": " + std::strerror(rc);
    return false;
  }
  return true;
}

std::optional<double> ResidentFraction(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat info {};
  if (fstat(fd, &info) != 0 || info.st_size <= 0) {
    close(fd);
    return std::nullopt;
  }
  const auto size = static_cast<size_t>(info.st_size);
  void* mapping = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (mapping == MAP_FAILED) return std::nullopt;
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((size + page - 1) / page);
  const int rc = mincore(mapping, size, resident.data());
  munmap(mapping, size);
  if (rc != 0) return std::nullopt;
  size_t count = 0;
  for (unsigned char flag : resident) count += flag & 1;
  return static_cast<double>(count) / static_cast<double>(resident.size());
}

}  // namespace edgebench::harness
