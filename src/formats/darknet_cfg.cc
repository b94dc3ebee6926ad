#include "formats/darknet_cfg.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "formats/onnx.h"

namespace edgebench::formats {
namespace {

std::string WithoutWhitespace(std::string_view line) {
  std::string out;
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v' && c != '\f') {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

const DarknetOption* DarknetSection::Find(const std::string& key) const {
  for (const DarknetOption& option : options_) {
    if (option.key == key) return &option;
  }
  return nullptr;
}

std::string DarknetSection::Where() const {
  return fmt::format("{}:{}: [{}]", file_, line_, type_);
}

std::string DarknetSection::Where(const std::string& key) const {
  const DarknetOption* option = Find(key);
  return fmt::format("{}:{}: [{}]", file_, option ? option->line : line_, type_);
}

int64_t DarknetSection::Int(const std::string& key, int64_t fallback) const {
  const DarknetOption* option = Find(key);
  if (!option) return fallback;
  const std::string& text = option->value;
  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || value < -(int64_t{1} << 40) ||
      value > (int64_t{1} << 40)) {
    throw FormatError(fmt::format("{}: '{}' must be an integer, got '{}'", Where(key), key, text));
  }
  return value;
}

int64_t DarknetSection::RequiredInt(const std::string& key) const {
  if (!Has(key)) throw FormatError(fmt::format("{}: missing required key '{}'", Where(), key));
  return Int(key, 0);
}

float DarknetSection::Float(const std::string& key, float fallback) const {
  const DarknetOption* option = Find(key);
  if (!option) return fallback;
  const std::string& text = option->value;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value) || std::fabs(value) > 1e30) {
    throw FormatError(fmt::format("{}: '{}' must be a number, got '{}'", Where(key), key, text));
  }
  return static_cast<float>(value);
}

std::string DarknetSection::String(const std::string& key, const std::string& fallback) const {
  const DarknetOption* option = Find(key);
  return option ? option->value : fallback;
}

std::vector<int64_t> DarknetSection::IntList(const std::string& key) const {
  const DarknetOption* option = Find(key);
  std::vector<int64_t> values;
  if (!option) return values;
  size_t start = 0;
  const std::string& text = option->value;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    DarknetSection item(file_, type_, option->line);
    item.Add({key, text.substr(start, comma - start), option->line});
    values.push_back(item.Int(key, 0));
    if (values.size() > 100000) {
      throw FormatError(fmt::format("{}: '{}' lists too many values", Where(key), key));
    }
    start = comma + 1;
  }
  return values;
}

std::vector<DarknetSection> ParseDarknetCfg(const std::string& text, const std::string& file,
                                            int64_t max_bytes, int64_t max_sections) {
  if (static_cast<int64_t>(text.size()) > max_bytes) {
    throw FormatError(fmt::format("{}: cfg is {} bytes, more than the limit of {}", file,
                                  text.size(), max_bytes));
  }
  if (text.find('\0') != std::string::npos) {
    throw FormatError(fmt::format("{}: not a Darknet cfg (text with a NUL byte)", file));
  }
  std::vector<DarknetSection> sections;
  size_t start = 0;
  int line_number = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_number;
    const std::string line = WithoutWhitespace(std::string_view(text).substr(start, end - start));
    start = end + 1;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      if (line.size() < 3 || line.back() != ']') {
        throw FormatError(
            fmt::format("{}:{}: malformed section header '{}'", file, line_number, line));
      }
      if (static_cast<int64_t>(sections.size()) >= max_sections) {
        throw FormatError(
            fmt::format("{}:{}: more than {} sections", file, line_number, max_sections));
      }
      sections.emplace_back(file, line.substr(1, line.size() - 2), line_number);
      continue;
    }
    const size_t equals = line.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw FormatError(
          fmt::format("{}:{}: expected key=value or [section], got '{}'", file, line_number, line));
    }
    if (sections.empty()) {
      throw FormatError(
          fmt::format("{}:{}: option '{}' before the first section", file, line_number, line));
    }
    sections.back().Add({line.substr(0, equals), line.substr(equals + 1), line_number});
  }
  return sections;
}

}  // namespace edgebench::formats
