#include "report/paper_reference.h"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace edgebench::report {
namespace {

// Rows of a simple CSV (no quoting in the study's files), header and comments skipped.
std::vector<std::vector<std::string>> Rows(std::string_view text, size_t columns,
                                           std::string_view name) {
  std::vector<std::vector<std::string>> rows;
  bool header = true;
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> fields;
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      fields.emplace_back(line.substr(start, comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (fields.size() < columns) {
      throw std::runtime_error(fmt::format("{} line {}: {} fields, {} expected", name, line_number,
                                           fields.size(), columns));
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

}  // namespace

const std::vector<PaperResult>& PaperResults() {
  static const std::vector<PaperResult> results = [] {
    std::vector<PaperResult> parsed;
    for (std::vector<std::string>& row : Rows(PaperResultsCsv(), 7, "paper-results.csv")) {
      PaperResult r{row[0], row[1], row[2], row[3], row[4], 0, row[6]};
      const auto [end, error] =
          std::from_chars(row[5].data(), row[5].data() + row[5].size(), r.value);
      if (error != std::errc() || end != row[5].data() + row[5].size()) {
        throw std::runtime_error(fmt::format("paper-results.csv: value '{}' of {} {} {} {}", row[5],
                                             r.figure, r.device, r.framework, r.model));
      }
      parsed.push_back(std::move(r));
    }
    return parsed;
  }();
  return results;
}

const std::vector<PaperDevice>& PaperDevices() {
  static const std::vector<PaperDevice> devices = [] {
    std::vector<PaperDevice> parsed;
    for (std::vector<std::string>& row : Rows(PaperDevicesCsv(), 4, "paper-devices.csv")) {
      parsed.push_back({row[0], row[1], row[2], row[3]});
    }
    return parsed;
  }();
  return devices;
}

}  // namespace edgebench::report
