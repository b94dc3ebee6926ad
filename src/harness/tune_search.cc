#include "harness/tune_search.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace edgebench::harness {
namespace {

constexpr const char* kNoFusionToggle = "no-fusion";

std::vector<std::string> SplitToggles(const std::string& text) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) names.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return names;
}

std::string CpuListText(const std::vector<int>& cpus, size_t count) {
  std::vector<int> chosen(cpus.begin(), cpus.begin() + static_cast<std::ptrdiff_t>(count));
  return fmt::format("{}", fmt::join(chosen, ","));
}

std::string MillisText(double seconds) { return fmt::format("{:.3f} ms", seconds * 1e3); }

std::string SummaryText(const SampleSummary& s) {
  return fmt::format("{} [{:.3f}, {:.3f}]", MillisText(s.p50), s.median_ci_low * 1e3,
                     s.median_ci_high * 1e3);
}

int64_t SampleCount(const std::vector<std::vector<double>>& processes) {
  int64_t n = 0;
  for (const std::vector<double>& p : processes) n += static_cast<int64_t>(p.size());
  return n;
}

// Measures `indices` in one round and pools what came back into their trials; returns the
// timed inferences measured.
int64_t MeasureInto(std::vector<TuneTrial>& trials, const std::vector<size_t>& indices, int round,
                    int64_t runs_each, const TuneSettings& settings, const MeasureRound& measure) {
  std::vector<JobConfig> configs;
  for (size_t i : indices) configs.push_back(trials[i].config);
  const std::vector<TrialMeasurement> results = measure(configs, round, runs_each);
  int64_t measured = 0;
  for (size_t k = 0; k < indices.size(); ++k) {
    TuneTrial& trial = trials[indices[k]];
    ++trial.rounds;
    if (k >= results.size()) {
      trial.status = JobStatus::kFailed;
      trial.error = "the round returned no measurement";
      continue;
    }
    const TrialMeasurement& result = results[k];
    measured += SampleCount(result.processes);
    if (result.status != JobStatus::kOk || SampleCount(result.processes) == 0) {
      trial.status = result.status == JobStatus::kOk ? JobStatus::kFailed : result.status;
      trial.error = result.error.empty() ? "no samples" : result.error;
      continue;
    }
    for (const std::vector<double>& p : result.processes) {
      if (!p.empty()) trial.processes.push_back(p);
    }
    trial.pooled = PoolProcesses(trial.processes, settings.rules);
  }
  return measured;
}

bool FasterMedian(const std::vector<TuneTrial>& trials, size_t a, size_t b) {
  return trials[a].pooled.summary.p50 < trials[b].pooled.summary.p50;
}

}  // namespace

std::vector<JobConfig> TuneGrid(const TuneSpace& space, const JobConfig& base) {
  std::vector<JobConfig> grid;
  for (const std::string& backend : space.backends) {
    for (int threads : space.threads) {
      for (const std::string& precision : space.precisions) {
        for (bool fusion : space.fusion) {
          for (const std::string& affinity : space.affinities) {
            JobConfig config = base;
            config.backend = backend;
            config.threads = threads;
            config.cpu_affinity.clear();
            if (affinity == "compact") {
              if (static_cast<size_t>(threads) > space.cpus.size()) continue;
              config.cpu_affinity = CpuListText(space.cpus, static_cast<size_t>(threads));
            }
            // A precision is the job's, not a toggle (precision_toggles.h), so a tuned
            // configuration has the key a `run --opt PRECISION` of it would have.
            config.precision = precision.empty() ? "fp32" : precision;
            std::vector<std::string> toggles;
            if (!fusion) toggles.push_back(kNoFusionToggle);
            config.toggles = FormatToggles(std::move(toggles));
            const bool duplicate = std::any_of(grid.begin(), grid.end(), [&](const JobConfig& c) {
              return ConfigKey(c) == ConfigKey(config);
            });
            if (!duplicate) grid.push_back(std::move(config));
          }
        }
      }
    }
  }
  return grid;
}

JobConfig DefaultConfigOf(const JobConfig& config) {
  JobConfig fallback = config;
  fallback.threads = 1;
  fallback.cpu_affinity.clear();
  fallback.precision = "fp32";
  fallback.toggles.clear();
  return fallback;
}

std::vector<TuneTrial> TuneTrials(const std::vector<JobConfig>& grid) {
  std::vector<TuneTrial> trials;
  for (const JobConfig& config : grid) trials.push_back({.config = config});
  return trials;
}

TuneOutcome SuccessiveHalving(std::vector<TuneTrial> trials, const TuneSettings& settings,
                              const MeasureRound& measure) {
  TuneOutcome outcome;
  std::vector<size_t> alive;
  for (size_t i = 0; i < trials.size(); ++i) {
    if (trials[i].status == JobStatus::kOk) alive.push_back(i);
  }
  const size_t supported = alive.size();
  const double keep = std::clamp(settings.keep_fraction, 0.01, 0.99);
  const int planned_rounds =
      supported <= 1
          ? 1
          : std::max(1, static_cast<int>(std::ceil(
                            std::log(static_cast<double>(supported)) / std::log(1 / keep) - 1e-9)));
  const int64_t round_budget = settings.budget_runs / planned_rounds;
  int64_t winner_runs = 0;
  int round = 0;
  while (!alive.empty()) {
    ++round;
    const int64_t runs_each =
        std::max(settings.min_runs, round_budget / static_cast<int64_t>(alive.size()));
    outcome.measurements += MeasureInto(trials, alive, round, runs_each, settings, measure);
    TuneRound record{.round = round, .runs_each = runs_each, .measured = alive};
    std::vector<size_t> ok;
    for (size_t i : alive) {
      if (trials[i].status == JobStatus::kOk) {
        ok.push_back(i);
      } else {
        trials[i].eliminated_in = round;
        trials[i].why_dropped = trials[i].error;
      }
    }
    std::sort(ok.begin(), ok.end(), [&](size_t a, size_t b) { return FasterMedian(trials, a, b); });
    if (ok.size() <= 1 || round >= planned_rounds + 2) {
      // One left (or the rounds ran out): it is the winner.
      for (size_t k = 1; k < ok.size(); ++k) {
        trials[ok[k]].eliminated_in = round;
        trials[ok[k]].why_dropped = "slower median after the last round";
      }
      if (!ok.empty()) {
        outcome.best = ok.front();
        record.kept = {ok.front()};
      }
      outcome.rounds.push_back(record);
      winner_runs += runs_each;
      break;
    }
    const SampleSummary& leader = trials[ok.front()].pooled.summary;
    const size_t quota = std::max<size_t>(
        1, static_cast<size_t>(std::ceil(keep * static_cast<double>(alive.size()) - 1e-9)));
    std::vector<size_t> next;
    for (size_t i : ok) {
      const SampleSummary& s = trials[i].pooled.summary;
      TuneTrial& trial = trials[i];
      if (i != ok.front() && s.median_ci_low > leader.median_ci_high) {
        trial.eliminated_in = round;
        trial.why_dropped = fmt::format("clearly slower: median CI {} lies above the leader's {}",
                                        SummaryText(s), SummaryText(leader));
      } else if (next.size() >= quota) {
        trial.eliminated_in = round;
        trial.why_dropped = fmt::format("not among the fastest {} of {} (median {})", quota,
                                        alive.size(), MillisText(s.p50));
      } else {
        next.push_back(i);
      }
    }
    record.kept = next;
    outcome.rounds.push_back(record);
    winner_runs += runs_each;
    alive = std::move(next);
    if (alive.size() == 1) {
      outcome.best = alive.front();
      break;
    }
  }
  if (!outcome.best) {
    outcome.rationale = supported == 0 ? "no configuration of the space is supported"
                                       : "every configuration failed";
    outcome.trials = std::move(trials);
    return outcome;
  }
  const size_t best = *outcome.best;

  const std::string default_key = ConfigKey(DefaultConfigOf(trials[best].config));
  for (size_t i = 0; i < trials.size(); ++i) {
    if (ConfigKey(trials[i].config) == default_key) outcome.baseline = i;
  }
  // The confirmation: winner and default side by side, so the speed-up compares two
  // configurations measured as often and under the same conditions.
  // It gets one round's budget (at least the last round's runs each): the interval
  // printed is the speed-up's, so it deserves the most precise figures of the search.
  const int64_t confirm_runs = std::max(outcome.rounds.back().runs_each, round_budget / 2);
  if (outcome.baseline && *outcome.baseline != best &&
      trials[*outcome.baseline].status == JobStatus::kOk) {
    const std::vector<size_t> pair = {best, *outcome.baseline};
    ++round;
    outcome.measurements += MeasureInto(trials, pair, round, confirm_runs, settings, measure);
    outcome.rounds.push_back(
        {.round = round, .runs_each = confirm_runs, .measured = pair, .confirmation = true});
    winner_runs += confirm_runs;
  }
  outcome.exhaustive_measurements = static_cast<int64_t>(supported) * winner_runs;
  if (outcome.baseline && trials[*outcome.baseline].status == JobStatus::kOk &&
      trials[best].status == JobStatus::kOk) {
    outcome.speedup =
        SpeedupOf(trials[*outcome.baseline].pooled.summary, trials[best].pooled.summary);
  } else {
    outcome.speedup = SpeedupOf({}, {});
  }

  // Why it won: its median against the runner-up's, the last configuration it beat.
  const SampleSummary& winner = trials[best].pooled.summary;
  std::optional<size_t> runner_up;
  for (size_t i = 0; i < trials.size(); ++i) {
    if (i == best || trials[i].status != JobStatus::kOk || trials[i].pooled.summary.count == 0) {
      continue;
    }
    if (!runner_up || trials[i].eliminated_in > trials[*runner_up].eliminated_in ||
        (trials[i].eliminated_in == trials[*runner_up].eliminated_in &&
         FasterMedian(trials, i, *runner_up))) {
      runner_up = i;
    }
  }
  outcome.rationale = fmt::format("{} has the lowest median, {}",
                                  DescribeConfig(trials[best].config), SummaryText(winner));
  if (runner_up) {
    const SampleSummary& other = trials[*runner_up].pooled.summary;
    const bool apart = winner.median_ci_high < other.median_ci_low;
    outcome.rationale += fmt::format(
        "; the runner-up {} has {}: {}", DescribeConfig(trials[*runner_up].config),
        SummaryText(other),
        apart ? "the 95% intervals do not overlap"
              : "the intervals overlap, so the two are not distinguishable at this budget");
  }
  outcome.trials = std::move(trials);
  return outcome;
}

std::string DescribeConfig(const JobConfig& config) {
  const std::string& precision = config.precision;
  std::string others;
  for (const std::string& toggle : SplitToggles(config.toggles)) {
    others += fmt::format(", {}", toggle == kNoFusionToggle ? "no fusion" : toggle);
  }
  return fmt::format(
      "{} {}, {} thread{}{}, {}", config.backend, precision, config.threads,
      config.threads == 1 ? "" : "s", others,
      config.cpu_affinity.empty() ? "unpinned" : fmt::format("pinned {}", config.cpu_affinity));
}

}  // namespace edgebench::harness
