#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace edgebench::harness::peak {

/// How long each timed trial should take and how many there are.
struct TrialPlan {
  int trials = 5;
  double trial_seconds = 0.1;
};

/// One kernel to time on a team: `run(thread, reps)` does `reps` units of work on thread
/// `thread` (0-based) and must not throw.
using TeamKernel = std::function<void(int thread, int64_t reps)>;

/// Timing of one kernel on the team.
struct TeamTiming {
  int64_t reps = 0;  // units of work per thread in each timed trial
  /// Each trial's wall time: from the first thread's start to the last thread's end, so
  /// the slowest thread sets the time, as the work of all of them is what is counted.
  std::vector<double> trial_seconds;
  double BestSeconds() const;
};

/// How a figure was timed, for its method string: "best of 20 trials of 0.021 s[; 2 threads
/// started together, timed to the slowest]", with the trials' median duration (a STREAM
/// pass can take longer than the plan's trial).
std::string DescribeTrials(const TeamTiming& timing, int threads);

/// Runs `prepare(thread)` once on each of `threads` threads (the calling thread is thread
/// 0), e.g. to allocate and first-touch that thread's memory; then, for each kernel in
/// turn, calibrates a rep count by doubling it until a round takes a tenth of
/// plan.trial_seconds, scales the fastest round's rate to plan.trial_seconds, and times
/// plan.trials rounds.
/// Every round starts all threads together (a barrier) and waits for all of them. Threads
/// are not pinned: the scheduler spreads them as it would an application's. An exception
/// from any `prepare` stops the team and is rethrown here after every thread is joined.
std::vector<TeamTiming> TimeOnTeam(int threads, const TrialPlan& plan,
                                   const std::function<void(int thread)>& prepare,
                                   const std::vector<TeamKernel>& kernels);

}  // namespace edgebench::harness::peak
