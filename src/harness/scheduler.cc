#include "harness/scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>

namespace edgebench::harness {
namespace {

void RecordRules(const ValidityRules& rules, JobResult& result) {
  result.rule_min_samples = rules.min_samples;
  result.rule_target_ci = rules.max_ci_half_width;
  result.rule_max_drift = rules.max_drift;
  result.rule_max_process_spread = rules.max_process_spread;
}

std::string Outcome(const JobResult& result) {
  if (result.status == JobStatus::kOk && !result.samples.empty()) {
    return fmt::format("p50 {:.3f} ms over {} runs", result.summary.p50 * 1e3,
                       result.summary.count);
  }
  if (result.status == JobStatus::kOk && result.verification) {
    return fmt::format("ok, rel L2 {:.2e}{}", result.verification->rel_l2_error,
                       result.verification->informative ? "" : " (uninformative)");
  }
  if (result.status == JobStatus::kOk) return "ok";
  std::string detail = result.error.substr(0, result.error.find('\n'));
  if (detail.size() > 100) detail = detail.substr(0, 97) + "...";
  return fmt::format("{}: {}", JobStatusName(result.status), detail);
}

}  // namespace

std::vector<ScheduledRun> InterleavedOrder(size_t job_count, int repetitions, uint64_t seed) {
  std::vector<ScheduledRun> order;
  order.reserve(job_count * static_cast<size_t>(std::max(repetitions, 0)));
  for (int round = 1; round <= repetitions; ++round) {
    std::vector<size_t> jobs(job_count);
    for (size_t i = 0; i < job_count; ++i) jobs[i] = i;
    // One engine per round, so a round's order does not depend on how many draws the
    // rounds before it took.
    std::mt19937_64 engine(seed ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(round)));
    for (size_t i = job_count; i > 1; --i) {
      // Modulo bias is below 2^-40 for any realistic job count.
      std::swap(jobs[i - 1], jobs[engine() % i]);
    }
    for (size_t job : jobs) order.push_back({job, round});
  }
  return order;
}

std::vector<ScheduledRun> ScheduleOrder(size_t job_count, const ScheduleOptions& options) {
  const size_t variants = std::max<size_t>(options.variants, 1);
  if (variants == 1) return InterleavedOrder(job_count, options.repetitions, options.order_seed);
  std::vector<ScheduledRun> order;
  for (const ScheduledRun& group :
       InterleavedOrder(job_count / variants, options.repetitions, options.order_seed)) {
    const size_t first = static_cast<size_t>(group.repetition - 1) % variants;
    for (size_t i = 0; i < variants; ++i) {
      order.push_back({group.job * variants + (first + i) % variants, group.repetition});
    }
  }
  return order;
}

ScheduleOutcome RunSchedule(const std::vector<JobConfig>& jobs, const ScheduleOptions& options,
                            const SchedulerHooks& hooks) {
  ScheduleOutcome outcome;
  const std::vector<ScheduledRun> order = ScheduleOrder(jobs.size(), options);
  std::set<size_t> given_up;
  bool first = true;
  for (size_t slot = 0; slot < order.size(); ++slot) {
    const ScheduledRun& scheduled = order[slot];
    const JobConfig& config = jobs[scheduled.job];
    const std::optional<JobStatus> stored =
        hooks.already_done ? hooks.already_done(config, scheduled.repetition) : std::nullopt;
    if (stored) {
      ++outcome.skipped;
      // unsupported or verify_failed would repeat: the job's other repetitions are moot.
      if (*stored != JobStatus::kOk) given_up.insert(scheduled.job);
      if (hooks.progress) {
        hooks.progress(slot, order.size(), config, scheduled.repetition,
                       "already complete, skipped (--resume)");
      }
      continue;
    }
    if (given_up.contains(scheduled.job)) {
      ++outcome.abandoned;
      continue;
    }
    if (hooks.prepare) hooks.prepare(config);
    if (!first && options.cooldown_seconds > 0 && hooks.sleep) {
      hooks.sleep(options.cooldown_seconds);
    }
    first = false;
    if (hooks.progress) hooks.progress(slot, order.size(), config, scheduled.repetition, "");
    JobResult result = hooks.run(config, scheduled.repetition);
    ++outcome.ran;
    result.config = config;
    result.repetition = scheduled.repetition;
    result.order_index = static_cast<int64_t>(slot);
    RecordRules(options.rules, result);
    if (!result.samples.empty()) result.summary = Summarize(result.samples, options.rules);
    if (result.status != JobStatus::kOk) {
      given_up.insert(scheduled.job);
      if (result.status != JobStatus::kUnsupported) ++outcome.failures;
    }
    if (hooks.record) hooks.record(result);
    if (hooks.progress) {
      hooks.progress(slot, order.size(), config, scheduled.repetition, Outcome(result));
    }
  }
  return outcome;
}

ValidityRules RecordedRules(const JobResult& result) {
  // A bound of "none" is +infinity, which JSON and the store keep as null, read back as
  // NaN: NaN means no bound, not the default one.
  const auto bound = [](double recorded, double fallback) {
    if (std::isnan(recorded)) return std::numeric_limits<double>::infinity();
    return recorded > 0 ? recorded : fallback;
  };
  ValidityRules rules;
  if (result.rule_min_samples > 0) rules.min_samples = result.rule_min_samples;
  rules.max_ci_half_width = bound(result.rule_target_ci, rules.max_ci_half_width);
  rules.max_drift = bound(result.rule_max_drift, rules.max_drift);
  rules.max_process_spread = bound(result.rule_max_process_spread, rules.max_process_spread);
  return rules;
}

std::vector<PooledJob> PoolJobs(const std::vector<JobResult>& repetitions) {
  std::vector<PooledJob> jobs;
  std::map<std::string, size_t> index;
  for (const JobResult& result : repetitions) {
    const std::string key = ConfigKey(result.config);
    auto [it, inserted] = index.emplace(key, jobs.size());
    if (inserted) jobs.push_back({.config = result.config});
    std::vector<JobResult>& reps = jobs[it->second].repetitions;
    auto same = std::find_if(reps.begin(), reps.end(),
                             [&](const JobResult& r) { return r.repetition == result.repetition; });
    if (same != reps.end()) {
      *same = result;  // a re-run after --resume supersedes the failed attempt
    } else {
      reps.push_back(result);
    }
  }
  for (PooledJob& job : jobs) {
    std::stable_sort(
        job.repetitions.begin(), job.repetitions.end(),
        [](const JobResult& a, const JobResult& b) { return a.repetition < b.repetition; });
    std::vector<std::vector<double>> samples;
    for (const JobResult& r : job.repetitions) {
      if (job.status == JobStatus::kOk && r.status != JobStatus::kOk) job.status = r.status;
      if (r.status == JobStatus::kOk) samples.push_back(r.samples);
    }
    job.pooled = PoolProcesses(samples, RecordedRules(job.repetitions.front()));
  }
  return jobs;
}

}  // namespace edgebench::harness
