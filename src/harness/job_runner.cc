#include "harness/job_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <vector>

#include "common/json_text.h"
#include "harness/fork_for_exec.h"
#include "harness/memory_cap.h"
#include "harness/monotonic_clock.h"
#include "harness/worker.h"
#include "harness/worker_wrapper.h"

namespace edgebench::harness {
namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  bool Open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    read_end = fds[0];
    write_end = fds[1];
    return true;
  }
  void CloseRead() {
    if (read_end >= 0) close(read_end);
    read_end = -1;
  }
  void CloseWrite() {
    if (write_end >= 0) close(write_end);
    write_end = -1;
  }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
};

// The descriptor the worker writes its result to: fixed, so that a launcher passing on a
// range of descriptors (podman run --preserve-fds=1 passes 3) passes this one.
constexpr int kResultDescriptor = 3;

// Runs in the forked child before exec: only async-signal-safe calls. `argv` is the whole
// command line (a launcher's words, then the worker's), ready before the fork.
[[noreturn]] void ExecWorker(const std::vector<char*>& argv, Pipe& result, Pipe& errors,
                             Pipe& exec_status, std::optional<int64_t> rlimit_bytes,
                             const char* cgroup_procs, pid_t parent) {
  // A worker must not outlive a parent that was killed (e.g. kill -9 of the run); a
  // parent that died before the request took effect has made us an orphan already.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  if (cgroup_procs != nullptr) {
    // Joining the job's cgroup: "0" means the writing process.
    const int fd = open(cgroup_procs, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0", 1) != 1) _exit(kWorkerCgroupJoinFailedExit);
    close(fd);
  }
  if (rlimit_bytes) {
    rlimit limit{static_cast<rlim_t>(*rlimit_bytes), static_cast<rlim_t>(*rlimit_bytes)};
    setrlimit(RLIMIT_AS, &limit);
  }
  dup2(errors.write_end, STDERR_FILENO);
  // The result pipe must survive exec: at its fixed number, without O_CLOEXEC (dup2 clears
  // it, but does nothing when the pipe already has that number).
  if (result.write_end == kResultDescriptor) {
    fcntl(kResultDescriptor, F_SETFD, 0);
  } else if (exec_status.write_end == kResultDescriptor) {
    // Moved aside first, or dup2 would close the channel that reports a failed exec.
    exec_status.write_end = fcntl(kResultDescriptor, F_DUPFD_CLOEXEC, kResultDescriptor + 1);
    dup2(result.write_end, kResultDescriptor);
  } else {
    dup2(result.write_end, kResultDescriptor);
  }
  execv(argv[0], argv.data());
  // Only reached when exec failed: the parent reads errno from this pipe, which a
  // successful exec closes (O_CLOEXEC).
  const int error = errno;
  (void)!write(exec_status.write_end, &error, sizeof error);
  _exit(127);
}

// Appends everything readable now on the non-blocking `fd` to `text`; returns false at
// end of file (or on a read error).
bool Drain(int fd, std::string& text) {
  std::array<char, 65536> buffer;
  while (true) {
    const ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n > 0) {
      text.append(buffer.data(), static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

std::string Tail(const std::string& text, size_t bytes) {
  return text.size() <= bytes ? text : "..." + text.substr(text.size() - bytes);
}

bool LooksLikeOutOfMemory(const std::string& stderr_text) {
  for (const char* marker : {"bad_alloc", "out of memory", "Out of memory", "Cannot allocate"}) {
    if (stderr_text.find(marker) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::optional<int64_t> ParseByteSize(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t consumed = 0;
  double value = 0;
  try {
    value = std::stod(text, &consumed);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::string suffix = text.substr(consumed);
  double scale = 1;
  if (suffix == "K" || suffix == "k" || suffix == "KiB") {
    scale = 1024.0;
  } else if (suffix == "M" || suffix == "MiB") {
    scale = 1024.0 * 1024;
  } else if (suffix == "G" || suffix == "GiB") {
    scale = 1024.0 * 1024 * 1024;
  } else if (!suffix.empty() && suffix != "B") {
    return std::nullopt;
  }
  const double bytes = value * scale;
  if (!std::isfinite(bytes) || bytes < 1 || bytes > 9.0e18) return std::nullopt;
  return static_cast<int64_t>(bytes);
}

JobResult RunJobInWorker(const WorkerRequest& request_in, const RunnerOptions& options) {
  JobResult result;
  result.config = request_in.config;
  result.memory_limit_bytes = options.memory_limit_bytes;
  // Resident memory through a cgroup where we may make one; else the address-space cap.
  std::string why_not;
  std::optional<JobCgroup> cgroup = options.memory_limit_bytes && options.prefer_cgroup
                                        ? JobCgroup::Create(*options.memory_limit_bytes, why_not)
                                        : std::nullopt;
  if (options.memory_limit_bytes) {
    result.memory_limit_mode = cgroup ? "cgroup" : "rlimit";
  }
  const bool wrapped = !request_in.config.wrapper.empty();
  std::string executable =
      options.worker_executable.empty() ? "/proc/self/exe" : options.worker_executable;
  // Through a launcher, /proc/self/exe would name the launcher.
  if (wrapped && executable == "/proc/self/exe") {
    std::error_code error;
    executable = std::filesystem::read_symlink("/proc/self/exe", error).string();
  }
  Pipe result_pipe;
  Pipe error_pipe;
  Pipe exec_status;
  if (!result_pipe.Open() || !error_pipe.Open() || !exec_status.Open()) {
    result.error = fmt::format("cannot create pipes: {}", std::strerror(errno));
    return result;
  }
  WorkerRequest request = request_in;
  request.spawn_time = MonotonicSeconds();
  request.memory_limit_bytes = options.memory_limit_bytes;
  const std::string request_text = JsonText(ToJson(request));
  std::string launch_error;
  const std::optional<std::vector<std::string>> command_line = WorkerCommandLine(
      request, {executable, kWorkerArgument, request_text, std::to_string(kResultDescriptor)},
      launch_error);
  if (!command_line) {
    result.error = launch_error;
    return result;
  }
  std::vector<char*> argv;
  for (const std::string& word : *command_line) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = ForkForExec();
  if (pid < 0) {
    result.error = fmt::format("cannot fork a worker: {}", std::strerror(errno));
    return result;
  }
  if (pid == 0) {
    ExecWorker(argv, result_pipe, error_pipe, exec_status,
               cgroup ? std::nullopt : options.memory_limit_bytes,
               cgroup ? cgroup->procs_path().c_str() : nullptr, parent);
  }
  result_pipe.CloseWrite();
  error_pipe.CloseWrite();
  exec_status.CloseWrite();

  // Non-blocking reads: a process the backend spawned may inherit the pipes and keep
  // them open after the worker is gone, so end of file cannot be what ends the wait.
  fcntl(result_pipe.read_end, F_SETFL, O_NONBLOCK);
  fcntl(error_pipe.read_end, F_SETFL, O_NONBLOCK);
  std::string report;
  std::string errors;
  bool result_open = true;
  bool errors_open = true;
  bool timed_out = false;
  bool reaped = false;
  int wait_status = 0;
  rusage usage{};
  const double deadline = request.spawn_time + options.timeout_seconds;
  auto drain = [&] {
    if (result_open) result_open = Drain(result_pipe.read_end, report);
    if (errors_open) errors_open = Drain(error_pipe.read_end, errors);
    if (errors.size() > 4 * options.stderr_tail_bytes) {
      errors = errors.substr(errors.size() - options.stderr_tail_bytes);
    }
  };
  while (!reaped) {
    const double remaining = deadline - MonotonicSeconds();
    if (remaining <= 0) {
      kill(pid, SIGKILL);
      timed_out = true;
      break;
    }
    pollfd fds[2] = {{result_open ? result_pipe.read_end : -1, POLLIN, 0},
                     {errors_open ? error_pipe.read_end : -1, POLLIN, 0}};
    const bool pipes_open = result_open || errors_open;
    // With both pipes closed only the worker's exit is awaited: poll sleeps briefly.
    const int timeout_ms =
        static_cast<int>(std::min(remaining * 1000.0, pipes_open ? 100.0 : 10.0)) + 1;
    if (poll(fds, 2, timeout_ms) < 0 && errno != EINTR) break;
    drain();
    const pid_t done = wait4(pid, &wait_status, WNOHANG, &usage);
    if (done == pid) {
      reaped = true;
      drain();  // what the worker wrote just before exiting
    }
  }
  while (!reaped) {
    const pid_t done = wait4(pid, &wait_status, 0, &usage);
    reaped = done == pid || (done < 0 && errno != EINTR);
  }
  result.peak_rss_bytes = static_cast<int64_t>(usage.ru_maxrss) * 1024;
  if (cgroup) result.peak_rss_bytes = cgroup->PeakBytes().value_or(result.peak_rss_bytes);
  const std::string stderr_tail = Tail(errors, options.stderr_tail_bytes);
  // The worker writes one byte when its main() starts; the rest is the result.
  const bool started = !report.empty();
  if (started) report.erase(0, 1);
  // Fields the parent knows better than the worker.
  auto finish = [&](JobResult r) {
    r.peak_rss_bytes = result.peak_rss_bytes;
    r.memory_limit_bytes = result.memory_limit_bytes;
    r.memory_limit_mode = result.memory_limit_mode;
    r.new_namespaces = DifferingNamespaces(r.worker_namespaces, OwnNamespaces());
    return r;
  };
  int exec_errno = 0;
  fcntl(exec_status.read_end, F_SETFL, O_NONBLOCK);
  if (read(exec_status.read_end, &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    result.status = JobStatus::kFailed;
    result.exit_code = 127;
    result.error =
        fmt::format("cannot execute {} '{}': {}", wrapped ? "the launcher" : "the worker",
                    argv.front(), std::strerror(exec_errno));
    return result;
  }

  if (timed_out) {
    result.status = JobStatus::kTimeout;
    result.signal = SIGKILL;
    result.error =
        fmt::format("timed out after {:.0f} s; stderr: {}", options.timeout_seconds, stderr_tail);
    return result;
  }
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0 && !report.empty()) {
    try {
      JobResult reported = finish(JobResultFromJson(nlohmann::json::parse(report)));
      reported.exit_code = 0;
      return reported;
    } catch (const std::exception& error) {
      result.error = fmt::format("worker sent an unreadable result ({}); stderr: {}", error.what(),
                                 stderr_tail);
      return result;
    }
  }
  const bool memory_capped = options.memory_limit_bytes.has_value();
  if (WIFSIGNALED(wait_status)) result.signal = WTERMSIG(wait_status);
  if (WIFEXITED(wait_status)) result.exit_code = WEXITSTATUS(wait_status);
  const std::string how = result.signal ? fmt::format("killed by signal {} ({})", *result.signal,
                                                      strsignal(*result.signal))
                                        : fmt::format("exited with code {}", *result.exit_code);
  if (result.exit_code == kWorkerCgroupJoinFailedExit && !started) {
    result.status = JobStatus::kFailed;
    result.error = "the worker could not join its memory cgroup; stderr: " + stderr_tail;
    return result;
  }
  const bool oom_killed = cgroup && cgroup->OomKilled();
  if (wrapped && !started && !oom_killed) {
    // The worker never ran: whatever failed is the launcher's (or what it started).
    result.status = JobStatus::kFailed;
    result.error = fmt::format("the launcher '{}' {} before the worker started; stderr: {}",
                               request.config.wrapper, how, stderr_tail);
    return result;
  }
  if (memory_capped && !started) {
    // Died before main(): the loader could not map the binary or its libraries, or the
    // stack could not grow, under the cap.
    result.status = JobStatus::kOutOfMemory;
    result.error = fmt::format(
        "the memory cap of {} bytes ({}) is too small to start a worker: it {} before "
        "starting; stderr: {}",
        *options.memory_limit_bytes, result.memory_limit_mode, how, stderr_tail);
    return result;
  }
  const bool oom = oom_killed ||
                   (result.exit_code && *result.exit_code == kWorkerOutOfMemoryExit) ||
                   (memory_capped && LooksLikeOutOfMemory(errors));
  if (oom) {
    result.status = JobStatus::kOutOfMemory;
    result.error = fmt::format(
        "worker ran out of memory{} ({}); stderr: {}",
        memory_capped ? fmt::format(" under a cap of {} bytes ({})", *options.memory_limit_bytes,
                                    result.memory_limit_mode)
                      : "",
        how, stderr_tail);
  } else if (result.signal) {
    result.status = JobStatus::kCrashed;
    result.error = fmt::format("worker {}; stderr: {}", how, stderr_tail);
  } else {
    result.status = JobStatus::kExited;
    result.error = fmt::format("worker {} without a result; stderr: {}", how, stderr_tail);
  }
  return result;
}

}  // namespace edgebench::harness
