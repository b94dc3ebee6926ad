#include "harness/precision_toggles.h"

#include <fmt/format.h>

#include <stdexcept>

namespace edgebench::harness {
namespace {

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

}  // namespace

bool IsPrecisionToggle(std::string_view toggle) {
  return toggle == "fp32" || toggle == "fp16" || toggle == "bf16" || toggle == "int8";
}

std::string PrecisionOfToggles(const std::vector<std::string>& toggles,
                               std::vector<std::string>& others, std::string& error) {
  std::string precision;
  others.clear();
  for (const std::string& toggle : toggles) {
    if (!IsPrecisionToggle(toggle)) {
      others.push_back(toggle);
    } else if (precision.empty() || precision == toggle) {
      precision = toggle;
    } else {
      error = fmt::format(
          "'{}' and '{}' are two precisions in one toggle set; a job runs at one precision "
          "(give each its own --opt to compare them)",
          precision, toggle);
      return "";
    }
  }
  return precision.empty() ? "fp32" : precision;
}

JobConfig WithPrecisionFromToggles(JobConfig config) {
  std::vector<std::string> others;
  std::string error;
  const std::string precision = PrecisionOfToggles(SplitComma(config.toggles), others, error);
  if (precision.empty()) throw std::invalid_argument(error);
  const bool named = others.size() != SplitComma(config.toggles).size();
  if (!named) return config;
  if (config.precision != "fp32" && config.precision != precision) {
    throw std::invalid_argument(fmt::format("the job's precision is {} but its toggles ask for {}",
                                            config.precision, precision));
  }
  config.precision = precision;
  config.toggles = FormatToggles(std::move(others));
  return config;
}

}  // namespace edgebench::harness
