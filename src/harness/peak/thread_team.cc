#include "harness/peak/thread_team.h"

#include <fmt/format.h>

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cmath>
#include <exception>
#include <thread>

namespace edgebench::harness::peak {
namespace {

using Clock = std::chrono::steady_clock;

// Calibration stops doubling the rep count once a round takes this fraction of a trial;
// the rate measured is then scaled to a trial, which is accurate for loops this regular.
constexpr double kCalibrationFraction = 0.1;
// Guard against a clock that does not advance (or a kernel that does nothing).
constexpr int64_t kMaxReps = int64_t{1} << 40;

// What every thread reads after each barrier; written only by the barrier's completion
// step, which runs while all threads wait, so no further synchronisation is needed.
struct RoundState {
  size_t kernel = 0;
  int64_t reps = 1;
  bool calibrating = true;
  double best_rate = 0;  // reps per second, the fastest calibration round's
  bool stop = false;
  std::vector<Clock::time_point> starts, ends;
  std::vector<std::exception_ptr> failures;
  std::vector<TeamTiming> timings;
};

// Decides the next round after one finished: grow the calibration, switch to timed
// trials, move to the next kernel, or stop.
void PlanNextRound(RoundState& state, const TrialPlan& plan, size_t kernel_count) {
  const auto first_start = *std::min_element(state.starts.begin(), state.starts.end());
  const auto last_end = *std::max_element(state.ends.begin(), state.ends.end());
  const double seconds = std::chrono::duration<double>(last_end - first_start).count();
  if (state.calibrating) {
    // The fastest round sets the rate: a round another process interrupted would make
    // every trial too short.
    state.best_rate = std::max(state.best_rate, state.reps / std::max(seconds, 1e-9));
    if (seconds < plan.trial_seconds * kCalibrationFraction && state.reps < kMaxReps) {
      state.reps *= 2;
      return;
    }
    const double reps = std::min(state.best_rate * plan.trial_seconds, double(kMaxReps));
    state.reps = std::max<int64_t>(std::llround(reps), 1);
    state.best_rate = 0;
    state.calibrating = false;
    state.timings[state.kernel].reps = state.reps;
    return;
  }
  TeamTiming& timing = state.timings[state.kernel];
  timing.trial_seconds.push_back(seconds);
  if (static_cast<int>(timing.trial_seconds.size()) < plan.trials) return;
  ++state.kernel;
  state.reps = 1;
  state.calibrating = true;
  state.stop = state.kernel >= kernel_count;
}

}  // namespace

std::string DescribeTrials(const TeamTiming& timing, int threads) {
  std::vector<double> seconds = timing.trial_seconds;
  double median = 0;
  if (!seconds.empty()) {
    std::nth_element(seconds.begin(), seconds.begin() + seconds.size() / 2, seconds.end());
    median = seconds[seconds.size() / 2];
  }
  std::string text = fmt::format("best of {} trials of {:.2g} s", seconds.size(), median);
  if (threads > 1) {
    text += fmt::format("; {} threads started together, timed to the slowest", threads);
  }
  return text;
}

double TeamTiming::BestSeconds() const {
  return trial_seconds.empty() ? 0 : *std::min_element(trial_seconds.begin(), trial_seconds.end());
}

std::vector<TeamTiming> TimeOnTeam(int threads, const TrialPlan& plan,
                                   const std::function<void(int thread)>& prepare,
                                   const std::vector<TeamKernel>& kernels) {
  threads = std::max(threads, 1);
  RoundState state;
  state.starts.resize(threads);
  state.ends.resize(threads);
  state.failures.resize(threads);
  state.timings.resize(kernels.size());
  for (TeamTiming& timing : state.timings) timing.trial_seconds.reserve(plan.trials);
  state.stop = kernels.empty();

  bool prepared = false;
  auto completion = [&]() noexcept {
    if (!prepared) {
      prepared = true;
      for (const std::exception_ptr& failure : state.failures) state.stop |= failure != nullptr;
      return;
    }
    PlanNextRound(state, plan, kernels.size());
  };
  std::barrier barrier(threads, completion);

  auto body = [&](int thread) {
    try {
      prepare(thread);
    } catch (...) {
      state.failures[thread] = std::current_exception();
    }
    barrier.arrive_and_wait();
    while (!state.stop) {
      state.starts[thread] = Clock::now();
      kernels[state.kernel](thread, state.reps);
      state.ends[thread] = Clock::now();
      barrier.arrive_and_wait();
    }
  };

  std::vector<std::thread> team;
  team.reserve(threads - 1);
  for (int thread = 1; thread < threads; ++thread) {
    try {
      team.emplace_back(body, thread);
    } catch (...) {
      // A thread the system would not start still has a place at the barrier: give it up
      // with the failure recorded, so the others stop after preparing instead of waiting.
      state.failures[thread] = std::current_exception();
      barrier.arrive_and_drop();
    }
  }
  body(0);
  for (std::thread& member : team) member.join();

  for (const std::exception_ptr& failure : state.failures) {
    if (failure) std::rethrow_exception(failure);
  }
  return state.timings;
}

}  // namespace edgebench::harness::peak
