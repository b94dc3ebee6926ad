// Successive halving on scripted timings: the search must find the configuration the
// script makes fastest while measuring less than the exhaustive grid would.
#include "harness/tune_search.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

namespace edgebench::harness {
namespace {

// The scripted latency of a configuration in seconds: every dimension multiplies it, so
// the fastest configuration is known without measuring anything.
double ScriptedSeconds(const JobConfig& c) {
  double seconds = c.backend == "fast-backend" ? 1e-3 : 1.6e-3;
  seconds /= c.threads == 4 ? 2.5 : c.threads == 2 ? 1.7 : 1.0;
  if (c.precision == "fp16") seconds *= 0.7;
  if (c.precision == "int8") seconds *= 0.9;
  if (c.toggles.find("no-fusion") != std::string::npos) seconds *= 1.3;
  if (!c.cpu_affinity.empty()) seconds *= 0.97;
  return seconds;
}

// Measures like the harness would: `runs_each` samples per config with +-8 % uniform
// noise (from the standard-fixed mt19937_64), enough that the 3 % pinning gain needs more
// than one round to resolve.
class ScriptedMeasurer {
 public:
  std::vector<TrialMeasurement> operator()(const std::vector<JobConfig>& configs, int round,
                                           int64_t runs_each) {
    std::vector<TrialMeasurement> out;
    for (const JobConfig& c : configs) {
      ++measured_[ConfigKey(c)];
      rounds_seen_ = std::max(rounds_seen_, round);
      if (c.precision == "int8" && c.backend == "slow-backend") {
        out.push_back({.status = JobStatus::kCrashed, .error = "scripted crash"});
        continue;
      }
      std::vector<double> samples;
      for (int64_t i = 0; i < runs_each; ++i) {
        const double unit = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
        samples.push_back(ScriptedSeconds(c) * (0.92 + 0.16 * unit));
      }
      total_runs_ += runs_each;
      out.push_back({.processes = {samples}});
    }
    return out;
  }
  std::map<std::string, int> measured_;
  int64_t total_runs_ = 0;
  int rounds_seen_ = 0;

 private:
  std::mt19937_64 rng_{42};
};

TuneSpace Space() {
  return {.backends = {"slow-backend", "fast-backend"},
          .threads = {1, 2, 4},
          .precisions = {"", "fp16", "int8"},
          .fusion = {true, false},
          .affinities = {"none", "compact"},
          .cpus = {0, 1, 2, 3}};
}

TEST(TuneGridTest, CoversEveryDimensionOnce) {
  const std::vector<JobConfig> grid = TuneGrid(Space(), {.model = "m", .weight_seed = 3});
  EXPECT_EQ(grid.size(), 2u * 3 * 3 * 2 * 2);
  for (const JobConfig& c : grid) {
    EXPECT_EQ(c.model, "m");
    EXPECT_EQ(c.weight_seed, 3u);
  }
  // Compact pinning takes the first `threads` CPUs.
  TuneSpace two_cpus = Space();
  two_cpus.cpus = {5, 7};
  int pinned_four = 0;
  for (const JobConfig& c : TuneGrid(two_cpus, {.model = "m"})) {
    if (c.threads == 2 && !c.cpu_affinity.empty()) {
      EXPECT_EQ(c.cpu_affinity, "5,7");
    }
    if (c.threads == 4 && !c.cpu_affinity.empty()) ++pinned_four;
  }
  EXPECT_EQ(pinned_four, 0) << "4 threads cannot be pinned compactly to 2 CPUs";
}

TEST(TuneGridTest, DefaultIsFp32OneThreadFusedUnpinned) {
  const JobConfig d = DefaultConfigOf({.model = "m",
                                       .backend = "b",
                                       .threads = 4,
                                       .cpu_affinity = "0-3",
                                       .precision = "fp16",
                                       .toggles = "no-fusion"});
  EXPECT_EQ(d.backend, "b");
  EXPECT_EQ(d.threads, 1);
  EXPECT_EQ(d.cpu_affinity, "");
  EXPECT_EQ(d.precision, "fp32");
  EXPECT_EQ(d.toggles, "");
  EXPECT_EQ(DescribeConfig({.backend = "b",
                            .threads = 2,
                            .cpu_affinity = "0,1",
                            .precision = "fp16",
                            .toggles = "no-fusion"}),
            "b fp16, 2 threads, no fusion, pinned 0,1");
}

TEST(SuccessiveHalvingTest, FindsTheScriptedBestWithFewerMeasurementsThanTheGrid) {
  const std::vector<JobConfig> grid = TuneGrid(Space(), {.model = "m"});
  std::vector<TuneTrial> trials = TuneTrials(grid);
  // One configuration refused up front, as a backend without a toggle would.
  size_t refused = 0;
  for (size_t i = 0; i < trials.size(); ++i) {
    if (trials[i].config.backend == "slow-backend" && trials[i].config.precision == "fp16" &&
        trials[i].config.toggles.empty()) {
      trials[i].status = JobStatus::kUnsupported;
      trials[i].error = "no fp16";
      ++refused;
    }
  }
  ScriptedMeasurer measurer;
  const TuneSettings settings{.budget_runs = 3000, .keep_fraction = 0.5, .min_runs = 10};
  const TuneOutcome outcome = SuccessiveHalving(
      trials, settings, [&](const std::vector<JobConfig>& c, int round, int64_t runs) {
        return measurer(c, round, runs);
      });

  // Known best, from the script: fast backend, 4 threads, fp16, fused, pinned.
  ASSERT_TRUE(outcome.best);
  const JobConfig& best = outcome.trials[*outcome.best].config;
  EXPECT_EQ(best.backend, "fast-backend");
  EXPECT_EQ(best.threads, 4);
  EXPECT_EQ(best.precision, "fp16");
  EXPECT_EQ(best.toggles, "");
  EXPECT_EQ(best.cpu_affinity, "0,1,2,3");

  // Fewer measurements than measuring every supported configuration as often as the
  // winner was, and than the grid at the winner's count computed here independently.
  int64_t winner_runs = 0;
  for (const TuneRound& r : outcome.rounds) winner_runs += r.runs_each;
  const int64_t supported = static_cast<int64_t>(grid.size() - refused);
  EXPECT_EQ(outcome.exhaustive_measurements, supported * winner_runs);
  EXPECT_EQ(outcome.measurements, measurer.total_runs_);
  EXPECT_LT(outcome.measurements, outcome.exhaustive_measurements / 2);
  ASSERT_GE(outcome.rounds.size(), 3u) << "the noise should take more than one round";
  EXPECT_GT(outcome.rounds[1].runs_each, outcome.rounds[0].runs_each) << "survivors get more runs";

  // Refused configurations are never measured; crashed ones are dropped with the reason.
  for (const TuneTrial& t : outcome.trials) {
    if (t.status == JobStatus::kUnsupported) {
      EXPECT_EQ(measurer.measured_.count(ConfigKey(t.config)), 0u);
      EXPECT_EQ(t.rounds, 0);
    }
    if (t.status == JobStatus::kCrashed) {
      EXPECT_EQ(t.eliminated_in, 1);
      EXPECT_EQ(t.why_dropped, "scripted crash");
    }
  }

  // The speed-up over the fast backend's default (1 thread, fp32, fused, unpinned):
  // 2.5 / 0.7 / 0.97 = 3.68 by the script, inside the reported interval.
  ASSERT_TRUE(outcome.baseline);
  EXPECT_EQ(outcome.trials[*outcome.baseline].config.threads, 1);
  EXPECT_EQ(outcome.trials[*outcome.baseline].config.toggles, "");
  EXPECT_EQ(outcome.trials[*outcome.baseline].config.backend, "fast-backend");
  const double expected = 2.5 / 0.7 / 0.97;
  EXPECT_NEAR(outcome.speedup.ratio, expected, expected * 0.05);
  EXPECT_LE(outcome.speedup.low, expected);
  EXPECT_GE(outcome.speedup.high, expected);
  EXPECT_TRUE(outcome.speedup.significant);
  EXPECT_TRUE(outcome.rounds.back().confirmation);
  EXPECT_NE(outcome.rationale.find("fast-backend fp16, 4 threads"), std::string::npos)
      << outcome.rationale;
}

TEST(SuccessiveHalvingTest, ClearlySlowerConfigurationsGoEvenWithinTheQuota) {
  // Two configurations, one 3x slower: keep 0.9 would keep both by quota, the CI rule not.
  std::vector<TuneTrial> trials =
      TuneTrials({{.model = "m", .backend = "fast-backend", .threads = 4},
                  {.model = "m", .backend = "slow-backend", .threads = 1},
                  {.model = "m", .backend = "fast-backend", .threads = 1}});
  ScriptedMeasurer measurer;
  const TuneOutcome outcome =
      SuccessiveHalving(trials, {.budget_runs = 60, .keep_fraction = 0.9, .min_runs = 20},
                        [&](const std::vector<JobConfig>& c, int round, int64_t runs) {
                          return measurer(c, round, runs);
                        });
  ASSERT_TRUE(outcome.best);
  EXPECT_EQ(*outcome.best, 0u);
  EXPECT_EQ(outcome.trials[1].eliminated_in, 1);
  EXPECT_NE(outcome.trials[1].why_dropped.find("clearly slower"), std::string::npos);
}

TEST(SuccessiveHalvingTest, NothingSupportedMeansNoWinnerAndNoMeasuring) {
  std::vector<TuneTrial> trials = TuneTrials({{.model = "m", .backend = "x"}});
  trials[0].status = JobStatus::kUnsupported;
  int calls = 0;
  const TuneOutcome outcome =
      SuccessiveHalving(trials, {}, [&](const std::vector<JobConfig>&, int, int64_t) {
        ++calls;
        return std::vector<TrialMeasurement>{};
      });
  EXPECT_FALSE(outcome.best);
  EXPECT_EQ(outcome.measurements, 0);
  EXPECT_EQ(outcome.rationale, "no configuration of the space is supported");
  EXPECT_LE(calls, 1);
}

}  // namespace
}  // namespace edgebench::harness
