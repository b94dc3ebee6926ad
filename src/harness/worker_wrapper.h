#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/job_json.h"

namespace edgebench::harness {

/// JobConfig::wrapper of the built-in bubblewrap container (`--container bwrap`).
inline constexpr const char* kBwrapContainer = "container:bwrap";

/// Splits a launcher command line into words as a POSIX shell would for a simple command
/// without expansions: blanks separate words, '...' keeps everything literally, "..."
/// keeps everything but \" and \\, and a backslash outside quotes escapes the next
/// character. nullopt (and `error` set) for an unbalanced quote, a trailing backslash or
/// no word at all.
std::optional<std::vector<std::string>> SplitCommandLine(const std::string& text,
                                                         std::string& error);

/// Whether `wrapper` (JobConfig::wrapper) is usable: empty, a built-in container name, or
/// a command line SplitCommandLine accepts. Empty result = usable; else why not.
std::string CheckWrapper(const std::string& wrapper);

/// The full command line that starts `worker` (argv of the worker itself: executable,
/// "__worker", request, result descriptor) as `request.config.wrapper` asks: the worker
/// argv unchanged when bare; the launcher's words before it for a `--wrap` command; the
/// bwrap invocation of the built-in container (BwrapContainerArgv). The program (element 0)
/// is resolved to a path through PATH here, in the parent, so a missing launcher is an
/// error message rather than a child's failed exec. nullopt (and `error` set) when the
/// wrapper is malformed or its program cannot be found.
std::optional<std::vector<std::string>> WorkerCommandLine(const WorkerRequest& request,
                                                          const std::vector<std::string>& worker,
                                                          std::string& error);

/// The bubblewrap arguments (without the worker's own argv) of the built-in container:
/// new user, PID, IPC, UTS and network namespaces; the system (/usr, /etc, /sys, and the
/// merged-/usr links) read-only; fresh /proc, /dev and a private /tmp; and only the paths
/// this worker needs: `executable` and the plugin directory read-only, the model file's
/// directory and input files read-only, the reference cache and any output directory
/// writable (created first, so there is something to bind). The worker dies with its
/// launcher (--die-with-parent).
std::vector<std::string> BwrapContainerArgv(const WorkerRequest& request,
                                            const std::string& executable);

/// Resolves `program` as execvp would: as is when it contains a '/', else the first
/// executable file of that name in $PATH. nullopt when there is none.
std::optional<std::string> FindProgram(const std::string& program);

/// This process's namespaces as /proc/self/ns shows them, kinds sorted:
/// "cgroup:[4026531835] ipc:[...] mnt:[...] net:[...] pid:[...] user:[...] uts:[...]";
/// kinds that cannot be read are left out.
std::string OwnNamespaces();

/// The kinds (comma-separated, sorted) whose ids differ between two OwnNamespaces() texts,
/// counting only kinds both name.
std::string DifferingNamespaces(const std::string& ours, const std::string& theirs);

}  // namespace edgebench::harness
