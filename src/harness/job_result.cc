#include "harness/job_result.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

namespace edgebench::harness {
namespace {

// Every status, for the reverse lookup. The names are stored in results databases,
// so they may be added to but never renamed.
constexpr std::array kAllStatuses = {
    JobStatus::kOk,           JobStatus::kUnsupported, JobStatus::kUnavailable,
    JobStatus::kVerifyFailed, JobStatus::kFailed,      JobStatus::kCrashed,
    JobStatus::kExited,       JobStatus::kTimeout,     JobStatus::kOutOfMemory,
};

// Escapes the separators so that no value can forge another field.
std::string EscapeKeyValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == ';' || c == '=') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string ConfigKey(const JobConfig& config) {
  std::string key = fmt::format("model={};backend={};threads={};affinity={};precision={};seed={}",
                                EscapeKeyValue(config.model), EscapeKeyValue(config.backend),
                                config.threads, EscapeKeyValue(config.cpu_affinity),
                                EscapeKeyValue(config.precision), config.weight_seed);
  if (!config.input_shape.empty()) key += ";input_shape=" + EscapeKeyValue(config.input_shape);
  if (!config.toggles.empty()) key += ";toggles=" + EscapeKeyValue(config.toggles);
  if (!config.wrapper.empty()) key += ";wrapper=" + EscapeKeyValue(config.wrapper);
  return key;
}

std::string FormatToggles(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return fmt::format("{}", fmt::join(names, ","));
}

std::string BackendLabel(const JobConfig& config) {
  std::string options = config.precision == "fp32" ? "" : config.precision;
  if (!config.toggles.empty()) options += (options.empty() ? "" : ",") + config.toggles;
  std::string label =
      options.empty() ? config.backend : fmt::format("{} [{}]", config.backend, options);
  if (!config.wrapper.empty()) label += " via " + WrapperLabel(config.wrapper);
  return label;
}

std::string WrapperLabel(const std::string& wrapper) {
  if (wrapper.starts_with("container:")) return wrapper;
  // The launcher's program name: the whole command would not fit a table cell.
  const size_t start = wrapper.find_first_not_of(" \t");
  if (start == std::string::npos) return wrapper;
  std::string program = wrapper.substr(start, wrapper.find_first_of(" \t", start) - start);
  program.erase(std::remove(program.begin(), program.end(), '\''), program.end());
  program.erase(std::remove(program.begin(), program.end(), '"'), program.end());
  const size_t slash = program.rfind('/');
  return slash == std::string::npos ? program : program.substr(slash + 1);
}

std::string ModelLabel(const JobConfig& config) {
  return config.input_shape.empty() ? config.model
                                    : fmt::format("{} [{}]", config.model, config.input_shape);
}

const char* JobStatusName(JobStatus status) {
  // No default: -Wswitch (an error here) then flags a new status missing its name.
  switch (status) {
    case JobStatus::kOk:
      return "ok";
    case JobStatus::kUnsupported:
      return "unsupported";
    case JobStatus::kUnavailable:
      return "unavailable";
    case JobStatus::kVerifyFailed:
      return "verify_failed";
    case JobStatus::kFailed:
      return "failed";
    case JobStatus::kCrashed:
      return "crashed";
    case JobStatus::kExited:
      return "exited";
    case JobStatus::kTimeout:
      return "timeout";
    case JobStatus::kOutOfMemory:
      return "out_of_memory";
  }
  return "unknown";
}

std::optional<JobStatus> ParseJobStatus(const std::string& text) {
  for (JobStatus status : kAllStatuses) {
    if (text == JobStatusName(status)) return status;
  }
  return std::nullopt;
}

}  // namespace edgebench::harness
