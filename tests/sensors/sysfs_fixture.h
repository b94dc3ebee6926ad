#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace edgebench::sensors::testing {

/// A fake sysfs tree in a fresh temporary directory, removed at the end of the test.
class SysfsFixture {
 public:
  SysfsFixture() {
    std::string pattern = (std::filesystem::temp_directory_path() / "edgebench_sysfs_XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  ~SysfsFixture() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  SysfsFixture(const SysfsFixture&) = delete;
  SysfsFixture& operator=(const SysfsFixture&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path Path(const std::string& relative) const { return root_ / relative; }

  /// Writes `text` and a newline to root/relative, creating directories. The new content
  /// appears atomically (written aside, then renamed), as a sysfs read never sees half a
  /// value.
  void Write(const std::string& relative, const std::string& text) const {
    const std::filesystem::path path = Path(relative);
    std::filesystem::create_directories(path.parent_path());
    const std::filesystem::path aside = path.string() + ".new";
    {
      std::ofstream out(aside, std::ios::trunc);
      out << text << "\n";
    }
    std::filesystem::rename(aside, path);
  }
  void Write(const std::string& relative, long long value) const {
    Write(relative, std::to_string(value));
  }

 private:
  std::filesystem::path root_;
};

}  // namespace edgebench::sensors::testing
