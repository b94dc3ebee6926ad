#include "sensors/sysfs_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <tuple>

namespace edgebench::sensors {
namespace {

// Sysfs attributes are one value each; anything larger is not the file we expect.
constexpr size_t kMaxAttributeBytes = 4096;

std::string ErrnoText(int error) { return std::generic_category().message(error); }

// Splits "hwmon12" into ("hwmon", 12) so numbered entries sort as numbers.
std::tuple<std::string, long long, std::string> NaturalKey(const std::string& name) {
  size_t digits_start = name.size();
  while (digits_start > 0 && name[digits_start - 1] >= '0' && name[digits_start - 1] <= '9') {
    --digits_start;
  }
  long long number = -1;
  if (digits_start < name.size() && name.size() - digits_start < 18) {
    number = std::atoll(name.c_str() + digits_start);
  }
  return {name.substr(0, digits_start), number, name};
}

}  // namespace

std::filesystem::path DefaultSysfsRoot() {
  const char* root = std::getenv("EDGEBENCH_SYSFS_ROOT");
  if (root != nullptr && root[0] != '\0') return root;
  return "/";
}

FileText ReadSysfsText(const std::filesystem::path& path) noexcept {
  try {
    // O_NONBLOCK: a FIFO planted where an attribute should be must not hang the reader.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return {std::nullopt, "cannot open " + path.string() + ": " + ErrnoText(errno)};
    std::string text(kMaxAttributeBytes + 1, '\0');
    size_t filled = 0;
    int read_error = 0;
    while (filled < text.size()) {
      const ssize_t got = ::read(fd, text.data() + filled, text.size() - filled);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) read_error = errno;
      if (got <= 0) break;
      filled += static_cast<size_t>(got);
    }
    ::close(fd);
    if (read_error != 0) {
      return {std::nullopt, "cannot read " + path.string() + ": " + ErrnoText(read_error)};
    }
    if (filled > kMaxAttributeBytes) {
      return {std::nullopt, path.string() + " is larger than a sysfs attribute"};
    }
    text.resize(filled);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\0')) {
      text.pop_back();
    }
    return {std::move(text), {}};
  } catch (const std::exception& error) {  // allocation only
    return {std::nullopt, "cannot read " + path.string() + ": " + error.what()};
  }
}

FileInteger ReadSysfsInteger(const std::filesystem::path& path) noexcept {
  FileText file = ReadSysfsText(path);
  if (!file.text) return {std::nullopt, std::move(file.problem)};
  const std::string& text = *file.text;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return {std::nullopt, path.string() + " holds '" + text.substr(0, 40) + "', not an integer"};
  }
  return {value, {}};
}

std::vector<std::filesystem::path> ListEntries(const std::filesystem::path& directory,
                                               const std::string& prefix) noexcept {
  std::vector<std::filesystem::path> entries;
  try {
    std::error_code error;
    std::filesystem::directory_iterator it(directory, error);
    for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
      const std::string name = it->path().filename().string();
      if (name.starts_with(prefix)) entries.push_back(it->path());
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return NaturalKey(a.filename().string()) < NaturalKey(b.filename().string());
    });
  } catch (const std::exception&) {
    // Allocation failure while listing: report what was found so far.
  }
  return entries;
}

std::string ReadTextOr(const std::filesystem::path& path, const std::string& fallback) noexcept {
  FileText file = ReadSysfsText(path);
  if (!file.text || file.text->empty()) return fallback;
  return std::move(*file.text);
}

}  // namespace edgebench::sensors
