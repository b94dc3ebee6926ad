#include "sensors/throttle_flags.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

#include "sensors/nvml_source.h"

namespace edgebench::sensors {
namespace {

std::string JoinSetBits(uint64_t flags,
                        const std::vector<std::pair<uint64_t, const char*>>& names) {
  std::vector<std::string> set;
  uint64_t named = 0;
  for (const auto& [bit, name] : names) {
    named |= bit;
    if (flags & bit) set.emplace_back(name);
  }
  if (flags & ~named) set.push_back(fmt::format("other bits 0x{:x}", flags & ~named));
  return set.empty() ? "none" : fmt::format("{}", fmt::join(set, ", "));
}

}  // namespace

std::optional<uint64_t> ParseGetThrottled(std::string_view output) {
  const size_t equals = output.find("throttled=");
  if (equals == std::string_view::npos) return std::nullopt;
  const std::string text(output.substr(equals + 10));
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 0);
  if (end == text.c_str()) return std::nullopt;
  return static_cast<uint64_t>(value);
}

std::string DescribeVcgencmdFlags(uint64_t flags) {
  const std::string now = JoinSetBits(flags & 0xFFFF, {{0x1, "under-voltage now"},
                                                       {0x2, "ARM frequency capped now"},
                                                       {0x4, "throttled now"},
                                                       {0x8, "soft temperature limit now"}});
  const uint64_t since_boot = flags >> 16;
  if (since_boot == 0) return now;
  return fmt::format("{}; since boot: {}", now,
                     JoinSetBits(since_boot, {{0x1, "under-voltage"},
                                              {0x2, "frequency capping"},
                                              {0x4, "throttling"},
                                              {0x8, "soft temperature limit"}}));
}

std::string DescribeNvmlReasons(uint64_t reasons) {
  return JoinSetBits(reasons, {{0x1, "GPU idle"},
                               {0x2, "application clocks"},
                               {0x4, "SW power cap"},
                               {0x8, "HW slowdown"},
                               {0x10, "sync boost"},
                               {0x20, "SW thermal slowdown"},
                               {0x40, "HW thermal slowdown"},
                               {0x80, "HW power brake"},
                               {0x100, "display clock"}});
}

std::string DescribeThrottleFlags(const SensorInfo& info, uint64_t flags) {
  if (info.id.rfind("nvml:", 0) == 0) return DescribeNvmlReasons(flags);
  return DescribeVcgencmdFlags(flags);
}

std::string VcgencmdCommand() {
  const char* command = std::getenv("EDGEBENCH_VCGENCMD");
  if (command != nullptr && command[0] != '\0') return command;
  return "vcgencmd";
}

namespace {

// Where `command` runs from: itself when it names a path, else the first executable of
// that name on PATH; "" when there is none.
std::string ResolveCommand(const std::string& command) {
  if (command.find('/') != std::string::npos) {
    return access(command.c_str(), X_OK) == 0 ? command : "";
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + command;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Single quotes around `text` for /bin/sh.
std::string ShellQuoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

class VcgencmdSource final : public SensorSource {
 public:
  VcgencmdSource(SensorInfo info, std::string executable)
      : SensorSource(std::move(info)), executable_(std::move(executable)) {}

  SensorReading Read() const noexcept override {
    try {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto now = std::chrono::steady_clock::now();
      if (!last_ || now - last_time_ >= kMinInterval) {
        last_ = Query();
        last_time_ = now;
      }
      return *last_;
    } catch (...) {
      return Absent("out of memory reading the throttle flags");
    }
  }

 private:
  static constexpr std::chrono::seconds kMinInterval{1};

  SensorReading Query() const {
    const std::string command = ShellQuoted(executable_) + " get_throttled 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return Absent(fmt::format("cannot run {}", executable_));
    std::string output;
    char buffer[256];
    size_t got = 0;
    while ((got = fread(buffer, 1, sizeof(buffer), pipe)) > 0 && output.size() < 4096) {
      output.append(buffer, got);
    }
    const int status = pclose(pipe);
    const std::optional<uint64_t> flags = ParseGetThrottled(output);
    if (!flags) {
      while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) {
        output.pop_back();
      }
      return Absent(fmt::format("{} get_throttled gave no mask (exit status {}): {}", executable_,
                                status, output.substr(0, 200)));
    }
    return Present(static_cast<double>(*flags), DescribeVcgencmdFlags(*flags));
  }

  std::string executable_;
  mutable std::mutex mutex_;
  mutable std::optional<SensorReading> last_;
  mutable std::chrono::steady_clock::time_point last_time_;
};

}  // namespace

SensorSources DiscoverVcgencmd(std::string* why_none) {
  SensorSources sources;
  try {
    const std::string command = VcgencmdCommand();
    const std::string executable = ResolveCommand(command);
    if (executable.empty()) {
      if (why_none)
        *why_none = fmt::format("no Raspberry Pi throttle flags ({} not found)", command);
      return sources;
    }
    auto source = std::make_shared<VcgencmdSource>(
        SensorInfo{.id = "vcgencmd:throttled",
                   .kind = SensorKind::kThrottleFlags,
                   .unit = std::string(KindUnit(SensorKind::kThrottleFlags)),
                   .boundary = "board",
                   .label = "get_throttled",
                   .path = executable,
                   .throttling_now_mask = kVcgencmdNowMask},
        executable);
    const SensorReading first = source->Read();
    if (!first.value) {
      if (why_none) *why_none = first.absent_reason;
      return sources;
    }
    sources.push_back(std::move(source));
  } catch (const std::exception&) {
    // Allocation failure: no source.
  }
  return sources;
}

SensorSources DiscoverDriverSensors(std::string* why_none) {
  std::string no_nvml;
  std::string no_vcgencmd;
  SensorSources sources = DiscoverNvml(&no_nvml);
  const SensorSources pi = DiscoverVcgencmd(&no_vcgencmd);
  sources.insert(sources.end(), pi.begin(), pi.end());
  if (why_none) {
    std::vector<std::string> missing;
    if (!no_nvml.empty()) missing.push_back(no_nvml);
    if (!no_vcgencmd.empty()) missing.push_back(no_vcgencmd);
    *why_none = fmt::format("{}", fmt::join(missing, "; "));
  }
  return sources;
}

}  // namespace edgebench::sensors
