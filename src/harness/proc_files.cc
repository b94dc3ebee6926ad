#include "harness/proc_files.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace edgebench::harness::proc_files {

namespace fs = std::filesystem;

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

std::optional<std::string> ReadValue(const fs::path& path) {
  auto text = ReadFile(path);
  if (!text) return std::nullopt;
  std::string_view view = *text;
  view = Trim(view.substr(0, view.find('\n')));
  if (view.empty()) return std::nullopt;
  return std::string(view);
}

std::optional<int64_t> ReadInteger(const fs::path& path) {
  auto value = ReadValue(path);
  if (!value) return std::nullopt;
  return ParseNumber<int64_t>(*value);
}

std::vector<std::pair<int, fs::path>> NumberedEntries(const fs::path& dir,
                                                      std::string_view prefix) {
  std::vector<std::pair<int, fs::path>> entries;
  // error_code overloads throughout: the iterator must never throw.
  std::error_code error;
  fs::directory_iterator it(dir, error);
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string_view digits = std::string_view(name).substr(prefix.size());
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;  // e.g. "cpufreq" and "cpuidle" beside "cpu0"
    if (auto number = ParseNumber<int>(digits)) entries.emplace_back(*number, it->path());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

}  // namespace edgebench::harness::proc_files
