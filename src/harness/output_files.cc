#include "harness/output_files.h"

#include <fmt/format.h>

#include <cctype>

namespace edgebench::harness {

namespace {

constexpr size_t kMaxStem = 100;

}  // namespace

std::string SafeFileStem(std::string_view name) {
  std::string stem;
  for (char c : name.substr(0, kMaxStem)) {
    const auto byte = static_cast<unsigned char>(c);
    stem += std::isalnum(byte) || c == '-' || c == '_' || c == '.' ? c : '_';
  }
  if (stem.empty()) return "unnamed";
  if (stem.front() == '.') stem.front() = '_';
  return stem;
}

std::string UniqueFileNames::Claim(std::string_view name, std::string_view extension) {
  const std::string stem = SafeFileStem(name);
  std::string file = fmt::format("{}.{}", stem, extension);
  for (int n = 2; !taken_.insert(file).second; ++n)
    file = fmt::format("{}_{}.{}", stem, n, extension);
  return file;
}

}  // namespace edgebench::harness
