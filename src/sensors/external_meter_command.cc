// --power-cmd: an external meter's reader command, run as a child whose output is read on
// a thread of its own so a slow or silent meter never delays the sampler.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>

#include "sensors/external_meter.h"
#include "sensors/sensor_sampler.h"

namespace edgebench::sensors {
namespace {

// A reading older than this is not the current power: the meter stalled.
constexpr double kStaleSeconds = 5.0;
// A line longer than this is not one number.
constexpr size_t kMaxLine = 256;
// Readings kept for TimedReadings(): days at 10 Hz; the oldest half goes when full.
constexpr size_t kMaxKept = size_t{1} << 22;

class PowerCommandSource final : public SensorSource {
 public:
  PowerCommandSource(SensorInfo info, pid_t child, int fd)
      : SensorSource(std::move(info)), child_(child), fd_(fd) {
    reader_ = std::thread([this] { ReadLines(); });
  }

  ~PowerCommandSource() override {
    stopping_ = true;
    // The whole process group: sh -c may have started the meter tool as its own child.
    kill(-child_, SIGTERM);
    reader_.join();
    close(fd_);
    int status = 0;
    for (int i = 0; i < 100 && waitpid(child_, &status, WNOHANG) == 0; ++i) usleep(10'000);
    if (waitpid(child_, &status, WNOHANG) == 0) {
      kill(-child_, SIGKILL);
      waitpid(child_, &status, 0);
    }
  }

  std::vector<TimedValue> TimedReadings() const override {
    std::lock_guard lock(mutex_);
    return kept_;
  }

  SensorReading Read() const noexcept override {
    try {
      std::lock_guard lock(mutex_);
      if (!problem_.empty()) return Absent(problem_);
      if (!latest_) return Absent("no reading from the power command yet");
      const double age = SteadySeconds() - latest_->seconds;
      if (age > kStaleSeconds) {
        return Absent(fmt::format("the power command's last reading is {:.1f} s old", age));
      }
      return Present(latest_->value);
    } catch (...) {
      return Absent({});
    }
  }

 private:
  void Line(std::string_view line, size_t number) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty()) return;
    double watts = 0;
    const auto [end, error] = std::from_chars(line.data(), line.data() + line.size(), watts);
    std::lock_guard lock(mutex_);
    if (error != std::errc() || end != line.data() + line.size() || !std::isfinite(watts) ||
        watts < 0 || watts > 1e6) {
      problem_ = fmt::format("power command line {}: '{}' is not a power in W", number,
                             std::string(line.substr(0, 40)));
      return;
    }
    problem_.clear();
    latest_ = TimedValue{SteadySeconds(), watts};
    if (kept_.size() >= kMaxKept) kept_.erase(kept_.begin(), kept_.begin() + kMaxKept / 2);
    kept_.push_back(*latest_);
  }

  void ReadLines() {
    std::string pending;
    size_t number = 0;
    char buffer[512];
    while (!stopping_) {
      pollfd ready{.fd = fd_, .events = POLLIN, .revents = 0};
      if (poll(&ready, 1, 100) <= 0) continue;
      const ssize_t got = read(fd_, buffer, sizeof(buffer));
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) break;
      for (ssize_t i = 0; i < got; ++i) {
        if (buffer[i] != '\n') {
          if (pending.size() <= kMaxLine) pending.push_back(buffer[i]);
          continue;
        }
        ++number;
        if (pending.size() > kMaxLine) {
          std::lock_guard lock(mutex_);
          problem_ = fmt::format("power command line {} is longer than {} bytes", number, kMaxLine);
        } else {
          Line(pending, number);
        }
        pending.clear();
      }
    }
    if (!stopping_) {
      std::lock_guard lock(mutex_);
      problem_ = "the power command ended";
    }
  }

  pid_t child_;
  int fd_;
  std::thread reader_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::optional<TimedValue> latest_;
  std::vector<TimedValue> kept_;
  std::string problem_;
};

}  // namespace

std::shared_ptr<SensorSource> StartPowerCommand(const std::string& command, std::string& error) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    error = fmt::format("cannot start --power-cmd: {}", std::strerror(errno));
    return nullptr;
  }
  const pid_t child = fork();
  if (child < 0) {
    error = fmt::format("cannot start --power-cmd: {}", std::strerror(errno));
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return nullptr;
  }
  if (child == 0) {
    setpgid(0, 0);
    dup2(pipe_fds[1], STDOUT_FILENO);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(child, child);  // also here: no race with the kill in the destructor
  close(pipe_fds[1]);
  try {
    return std::make_shared<PowerCommandSource>(
        SensorInfo{.id = "external-meter:cmd",
                   .kind = SensorKind::kPower,
                   .unit = std::string(KindUnit(SensorKind::kPower)),
                   .boundary = kExternalMeterBoundary,
                   .label = command.substr(0, 40),
                   .path = command},
        child, pipe_fds[0]);
  } catch (const std::exception& e) {
    kill(-child, SIGKILL);
    waitpid(child, nullptr, 0);
    close(pipe_fds[0]);
    error = fmt::format("cannot start --power-cmd: {}", e.what());
    return nullptr;
  }
}

}  // namespace edgebench::sensors
