#include "harness/cpu_affinity.h"

#include <fmt/format.h>
#include <sched.h>

#include <charconv>
#include <cstring>

namespace edgebench::harness {
namespace {

bool ParseInt(std::string_view text, int& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && value >= 0 &&
         value < CPU_SETSIZE;
}

}  // namespace

bool ParseCpuList(const std::string& text, std::vector<int>& cpus) {
  cpus.clear();
  std::string_view rest(text);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t dash = item.find('-');
    int first = 0;
    int last = 0;
    if (dash == std::string_view::npos) {
      if (!ParseInt(item, first)) return false;
      last = first;
    } else if (!ParseInt(item.substr(0, dash), first) || !ParseInt(item.substr(dash + 1), last) ||
               last < first) {
      return false;
    }
    for (int cpu = first; cpu <= last; ++cpu) cpus.push_back(cpu);
    if (comma != std::string_view::npos && rest.empty()) return false;
  }
  return !cpus.empty();
}

std::string FormatCpuList(const std::vector<int>& cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? std::to_string(cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]);
    i = j + 1;
  }
  return out;
}

bool PinCurrentProcess(const std::string& cpu_list, std::string& error) {
  std::vector<int> cpus;
  if (!ParseCpuList(cpu_list, cpus)) {
    error = fmt::format("bad CPU list '{}' (expected e.g. 0-3,6)", cpu_list);
    return false;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu : cpus) CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) {
    error = fmt::format("cannot pin to CPUs {}: {}", cpu_list, std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace edgebench::harness
