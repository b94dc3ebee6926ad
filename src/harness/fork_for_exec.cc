#include "harness/fork_for_exec.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>

#include "harness/emulation.h"

namespace edgebench::harness {

pid_t ForkForExec() {
  static const bool emulated = DetectEmulation("/", std::getenv("EDGEBENCH_EMULATED")).has_value();
  if (!emulated) return fork();
  // The argument order of clone differs between architectures, but with no stack, no
  // parent/child tid pointers and no TLS every one of them is zero.
  return static_cast<pid_t>(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0));
}

}  // namespace edgebench::harness
