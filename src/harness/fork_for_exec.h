#pragma once

// Starting a child process that will exec at once (a job's worker).

#include <sys/types.h>

namespace edgebench::harness {

/// fork() for a child that only calls async-signal-safe functions before it execs or
/// _exits. Under user-mode CPU emulation (DetectEmulation) it is a bare clone(SIGCHLD)
/// system call instead: glibc's fork wrapper, whose child-side bookkeeping runs inside the
/// emulator, never returns in the child under Debian 12's qemu-aarch64 7.2 on current
/// kernels (it spins), while the bare system call works. The bare child skips glibc's
/// at-fork handlers and keeps the parent's cached thread id, which a child that goes
/// straight to exec never reads. Returns what fork() returns (-1 with errno on failure).
pid_t ForkForExec();

}  // namespace edgebench::harness
