#pragma once

#include <string>
#include <vector>

namespace edgebench::harness {

/// Parses a CPU list like "0-3,6" into CPU numbers; false on malformed text.
bool ParseCpuList(const std::string& text, std::vector<int>& cpus);

/// A compact CPU list ("0-3,6") for sorted, distinct CPU numbers: ParseCpuList's syntax.
std::string FormatCpuList(const std::vector<int>& cpus);

/// Pins the calling process to the CPUs of `cpu_list`; false with `error` set when the
/// list is malformed or names CPUs this process may not use.
bool PinCurrentProcess(const std::string& cpu_list, std::string& error);

}  // namespace edgebench::harness
