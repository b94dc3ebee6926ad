#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/job_result.h"
#include "harness/statistics.h"

namespace edgebench::harness {

/// How a run's jobs are repeated and ordered.
struct ScheduleOptions {
  int repetitions = 3;          // worker processes per job
  uint64_t order_seed = 1;      // seeds the shuffle of every round
  double cooldown_seconds = 0;  // sleep between two worker processes
  ValidityRules rules;          // what each summary is judged by
  /// Jobs come in groups of this many consecutive variants of one configuration (e.g. a
  /// job bare, then wrapped: --compare-wrap) that run back to back in every round; see
  /// ScheduleOrder. 1 = every job on its own.
  size_t variants = 1;
};

/// One slot of the schedule: which job, which of its repetitions (1-based).
struct ScheduledRun {
  size_t job = 0;
  int repetition = 1;
};

/// The interleaved order of `job_count` jobs x `repetitions`: round r holds every job's
/// repetition r, in an order shuffled from (seed, r), so drift and thermal state hit
/// every job alike and no job always runs first. The shuffle is our own Fisher-Yates over
/// std::mt19937_64 (whose output the standard fixes), so a seed gives the same order on
/// every platform and the order can be replayed from the stored seed.
std::vector<ScheduledRun> InterleavedOrder(size_t job_count, int repetitions, uint64_t seed);

/// The order RunSchedule runs `job_count` jobs in: InterleavedOrder when
/// `options.variants` is 1. Otherwise the groups of `variants` consecutive jobs are
/// shuffled as InterleavedOrder shuffles jobs, and a group's variants run back to back, the
/// first variant of round r being variant (r - 1) mod `variants` (A B, B A, A B, ... for
/// two): each variant is measured next to the other in every round, so drift between
/// rounds hits both alike, and neither always runs first (a warm page cache would favour
/// the second). `job_count` must be a multiple of `variants`.
std::vector<ScheduledRun> ScheduleOrder(size_t job_count, const ScheduleOptions& options);

/// What the scheduler asks of its caller; every hook but `run` may be empty.
struct SchedulerHooks {
  /// The stored outcome when this repetition is already complete (--resume): it is
  /// skipped, and a stored outcome other than ok also ends the job's further repetitions.
  std::function<std::optional<JobStatus>(const JobConfig&, int repetition)> already_done;
  /// Work that must precede a job's worker but is not part of it (reference outputs, a
  /// backend probe); called before the cool-down so it does not heat the measurement.
  std::function<void(const JobConfig&)> prepare;
  /// Runs one repetition of a job in its own worker process.
  std::function<JobResult(const JobConfig&, int repetition)> run;
  /// Records a finished repetition (the store); called once per run repetition, in order.
  std::function<void(const JobResult&)> record;
  /// Progress: a repetition starts (`outcome` empty) or ends (`outcome` says how); `slot`
  /// counts from 0 to `total` - 1.
  std::function<void(size_t slot, size_t total, const JobConfig&, int repetition,
                     const std::string& outcome)>
      progress;
  /// Sleeps for the cool-down (tests replace it).
  std::function<void(double seconds)> sleep;
};

/// Counts of what a schedule did.
struct ScheduleOutcome {
  int64_t ran = 0;        // worker processes started
  int64_t skipped = 0;    // repetitions already complete (--resume)
  int64_t abandoned = 0;  // repetitions not run because the job had already failed
  int64_t failures = 0;   // repetitions that ended crashed, failed, timed out...
};

/// Runs `jobs` in the interleaved order. Each finished repetition gets its repetition
/// number, its position in the order and its own summary under `options.rules` (rules
/// recorded with it) before `record`. A job whose repetition ends other than ok is not
/// repeated further in this schedule: unsupported, unavailable and verify_failed would
/// repeat, and a crash or time-out costs its full time again.
ScheduleOutcome RunSchedule(const std::vector<JobConfig>& jobs, const ScheduleOptions& options,
                            const SchedulerHooks& hooks);

/// One job's repetitions pooled: the configuration, every repetition's result (samples
/// included), and the pooled summary under the rules the repetitions were judged by.
struct PooledJob {
  JobConfig config;
  std::vector<JobResult> repetitions;  // in repetition order
  PooledSummary pooled;
  /// The job's outcome: the first non-ok repetition's status, else ok.
  JobStatus status = JobStatus::kOk;
};

/// Groups repetitions by configuration (first appearance order) and pools each group's
/// samples with the rules stored in its first repetition. When a repetition appears more
/// than once (a failed one re-run by --resume), the last one counts.
std::vector<PooledJob> PoolJobs(const std::vector<JobResult>& repetitions);

/// The validity rules a result was judged by, as recorded in it.
ValidityRules RecordedRules(const JobResult& result);

}  // namespace edgebench::harness
