// Wrapped workers without starting any: the launcher's command-line words, the built-in
// bubblewrap container's arguments, namespace comparison, the paired statistics of the
// overhead (expected values from the t table by hand), the pairing of bare and wrapped
// jobs, and the back-to-back order of variants.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "harness/job_plan.h"
#include "harness/paired_statistics.h"
#include "harness/scheduler.h"
#include "harness/worker_wrapper.h"
#include "harness/wrap_overhead.h"

namespace edgebench::harness {
namespace {

// Two-sided 95 % Student t quantiles from the printed table.
constexpr double kT95OneDof = 12.7062047362;
constexpr double kT95TwoDof = 4.3026527297;

TEST(SplitCommandLineTest, QuotesAndEscapesAsAShellWould) {
  std::string error;
  const auto words =
      SplitCommandLine("  podman run --rm -v '/a b:/c' \"x\\\"y\" z\\ w ''  \"$HOME\"", error);
  ASSERT_TRUE(words) << error;
  EXPECT_EQ(*words, (std::vector<std::string>{"podman", "run", "--rm", "-v", "/a b:/c", "x\"y",
                                              "z w", "", "$HOME"}));
}

TEST(SplitCommandLineTest, RefusesUnbalancedQuotesAndEmptyCommands) {
  std::string error;
  EXPECT_FALSE(SplitCommandLine("bwrap 'x", error));
  EXPECT_NE(error.find("single quote"), std::string::npos);
  EXPECT_FALSE(SplitCommandLine("bwrap \"x", error));
  EXPECT_NE(error.find("double quote"), std::string::npos);
  EXPECT_FALSE(SplitCommandLine("bwrap x\\", error));
  EXPECT_FALSE(SplitCommandLine(" \t ", error));
  EXPECT_NE(error.find("empty"), std::string::npos);
  EXPECT_EQ(CheckWrapper(""), "");
  EXPECT_EQ(CheckWrapper(kBwrapContainer), "");
  EXPECT_NE(CheckWrapper("container:docker").find("unknown built-in container"), std::string::npos);
}

TEST(WrapperRecordTest, KeyAndLabelCarryTheWrapperOnlyWhenSet) {
  JobConfig config{.model = "cifarnet", .backend = "reference", .weight_seed = 7};
  const std::string bare =
      "model=cifarnet;backend=reference;threads=1;affinity=;precision=fp32;seed=7";
  EXPECT_EQ(ConfigKey(config), bare);  // keys of results stored before wrapping existed
  EXPECT_EQ(BackendLabel(config), "reference");
  config.wrapper = "/usr/bin/podman run --rm x=y";
  EXPECT_EQ(ConfigKey(config), bare + ";wrapper=/usr/bin/podman run --rm x\\=y");
  EXPECT_EQ(BackendLabel(config), "reference via podman");
  config.wrapper = kBwrapContainer;
  EXPECT_EQ(BackendLabel(config), "reference via container:bwrap");
  EXPECT_EQ(WrapperLabel("'qemu-aarch64-static' -L /usr/aarch64-linux-gnu"), "qemu-aarch64-static");
}

TEST(WrapJobsTest, CompareGivesEachJobBareThenWrapped) {
  const std::vector<JobConfig> jobs = {{.model = "a", .backend = "x"},
                                       {.model = "b", .backend = "x"}};
  const std::vector<JobConfig> compared = WrapJobs(jobs, "env", /*compare=*/true);
  ASSERT_EQ(compared.size(), 4u);
  EXPECT_EQ(compared[0].model, "a");
  EXPECT_EQ(compared[0].wrapper, "");
  EXPECT_EQ(compared[1].model, "a");
  EXPECT_EQ(compared[1].wrapper, "env");
  EXPECT_EQ(compared[3].model, "b");
  EXPECT_EQ(compared[3].wrapper, "env");
  const std::vector<JobConfig> wrapped = WrapJobs(jobs, "env", /*compare=*/false);
  ASSERT_EQ(wrapped.size(), 2u);
  EXPECT_EQ(wrapped[1].wrapper, "env");
  EXPECT_EQ(WrapJobs(jobs, "", true).size(), 2u);
}

TEST(ScheduleOrderTest, VariantsRunBackToBackAndTakeTurnsGoingFirst) {
  const ScheduleOptions options{.repetitions = 4, .order_seed = 99, .variants = 2};
  const std::vector<ScheduledRun> order = ScheduleOrder(6, options);  // 3 pairs
  ASSERT_EQ(order.size(), 24u);
  std::set<std::pair<size_t, int>> seen;
  for (size_t i = 0; i < order.size(); i += 2) {
    const ScheduledRun& first = order[i];
    const ScheduledRun& second = order[i + 1];
    EXPECT_EQ(first.job / 2, second.job / 2) << "slot " << i << ": a pair was split";
    EXPECT_EQ(first.repetition, second.repetition);
    // Round 1: bare (even index) first; round 2: wrapped first; and so on.
    EXPECT_EQ(first.job % 2, static_cast<size_t>((first.repetition - 1) % 2)) << "slot " << i;
    seen.insert({first.job, first.repetition});
    seen.insert({second.job, second.repetition});
  }
  EXPECT_EQ(seen.size(), 24u);  // every job's every repetition exactly once
  // One variant: the plain interleaved order, so stored orders replay unchanged.
  const ScheduleOptions single{.repetitions = 3, .order_seed = 5};
  const std::vector<ScheduledRun> a = ScheduleOrder(4, single);
  const std::vector<ScheduledRun> b = InterleavedOrder(4, 3, 5);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].job, b[i].job);
}

TEST(PairedStatisticsTest, RatioIsTheGeometricMeanWithATIntervalOfTheLogs) {
  // log ratios 0.1 and 0.3: mean 0.2, sample sd 0.1414, standard error 0.1.
  const PairedEstimate r = PairedRatio({{1.0, std::exp(0.1)}, {2.0, 2 * std::exp(0.3)}});
  EXPECT_EQ(r.pairs, 2);
  EXPECT_NEAR(r.estimate, std::exp(0.2), 1e-12);
  EXPECT_NEAR(r.low, std::exp(0.2 - kT95OneDof * 0.1), 1e-8);
  EXPECT_NEAR(r.high, std::exp(0.2 + kT95OneDof * 0.1), 1e-8);
  // Unusable pairs are dropped; one pair has no interval.
  const PairedEstimate one = PairedRatio({{1.0, 2.0}, {0.0, 1.0}, {1.0, NAN}});
  EXPECT_EQ(one.pairs, 1);
  EXPECT_DOUBLE_EQ(one.estimate, 2.0);
  EXPECT_TRUE(std::isnan(one.low) && std::isnan(one.high));
}

TEST(PairedStatisticsTest, DifferenceHasAStudentTInterval) {
  // Differences 1, 3, 2: mean 2, sd 1, standard error 1/sqrt(3).
  const PairedEstimate d = PairedDifference({{0, 1}, {5, 8}, {1, 3}});
  EXPECT_EQ(d.pairs, 3);
  EXPECT_NEAR(d.estimate, 2.0, 1e-12);
  EXPECT_NEAR(d.low, 2.0 - kT95TwoDof / std::sqrt(3.0), 1e-8);
  EXPECT_NEAR(d.high, 2.0 + kT95TwoDof / std::sqrt(3.0), 1e-8);
  const PairedEstimate ratio = RatioOfIntervals(10, 9, 11, 12, 11, 14);
  EXPECT_DOUBLE_EQ(ratio.estimate, 1.2);
  EXPECT_DOUBLE_EQ(ratio.low, 1.0);
  EXPECT_DOUBLE_EQ(ratio.high, 14.0 / 9.0);
}

JobResult Measured(const JobConfig& config, int repetition, double median, double start) {
  JobResult r;
  r.config = config;
  r.repetition = repetition;
  r.status = JobStatus::kOk;
  r.samples.assign(10, median);
  r.summary = Summarize(r.samples);
  r.phases.process_start = start;
  return r;
}

TEST(CompareWrappedTest, PairsEachRoundsBareAndWrappedProcesses) {
  const JobConfig bare{.model = "cifarnet", .backend = "reference"};
  JobConfig wrapped = bare;
  wrapped.wrapper = kBwrapContainer;
  const JobConfig other{.model = "vgg-s-32", .backend = "reference"};  // never wrapped
  std::vector<JobResult> results;
  const double medians[] = {0.010, 0.020, 0.030};
  for (int rep = 1; rep <= 3; ++rep) {
    results.push_back(Measured(bare, rep, medians[rep - 1], 0.001));
    results.push_back(Measured(wrapped, rep, medians[rep - 1] * 1.1, 0.011 + 0.001 * rep));
    results.push_back(Measured(other, rep, 0.5, 0.001));
  }
  const std::vector<WrapOverhead> overheads = CompareWrapped(PoolJobs(results));
  ASSERT_EQ(overheads.size(), 1u);
  const WrapOverhead& o = overheads[0];
  EXPECT_EQ(o.problem, "");
  EXPECT_EQ(o.wrapped.wrapper, kBwrapContainer);
  EXPECT_EQ(o.ratio.pairs, 3);
  EXPECT_NEAR(o.ratio.estimate, 1.1, 1e-9);  // every pair 10 % slower: no spread at all
  EXPECT_NEAR(o.ratio.low, 1.1, 1e-9);
  EXPECT_FALSE(o.within_noise);
  // Start-up differences 0.011, 0.012, 0.013 s: mean 0.012, sd 0.001.
  EXPECT_NEAR(o.phases[0].estimate, 0.012, 1e-12);
  EXPECT_NEAR(o.phases[0].high, 0.012 + kT95TwoDof * 0.001 / std::sqrt(3.0), 1e-9);
}

TEST(CompareWrappedTest, NoiseAndFailuresAreSaidSo) {
  const JobConfig bare{.model = "m", .backend = "b"};
  JobConfig wrapped = bare;
  wrapped.wrapper = "env";
  std::vector<JobResult> results = {Measured(bare, 1, 0.010, 0), Measured(wrapped, 1, 0.0105, 0),
                                    Measured(bare, 2, 0.010, 0), Measured(wrapped, 2, 0.0095, 0)};
  std::vector<WrapOverhead> overheads = CompareWrapped(PoolJobs(results));
  ASSERT_EQ(overheads.size(), 1u);
  EXPECT_TRUE(overheads[0].within_noise);  // +5 % and -5 %: the interval holds 1
  results[1].status = results[3].status = JobStatus::kFailed;
  overheads = CompareWrapped(PoolJobs(results));
  ASSERT_EQ(overheads.size(), 1u);
  EXPECT_NE(overheads[0].problem.find("failed"), std::string::npos);
}

TEST(BwrapContainerTest, NewNamespacesReadOnlySystemAndOnlyTheWorkersPaths) {
  namespace fs = std::filesystem;
  const fs::path cache = fs::temp_directory_path() / ("eb-wrap-cache-" + std::to_string(getpid()));
  fs::remove_all(cache);
  WorkerRequest request;
  request.config = {.model = "cifarnet", .backend = "reference", .wrapper = kBwrapContainer};
  request.cache_dir = cache.string();
  const std::string exe = fs::read_symlink("/proc/self/exe").string();
  const std::vector<std::string> argv = BwrapContainerArgv(request, exe);
  const auto has = [&](std::vector<std::string> run) {
    return std::search(argv.begin(), argv.end(), run.begin(), run.end()) != argv.end();
  };
  for (const char* flag : {"--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                           "--unshare-net", "--die-with-parent"}) {
    EXPECT_TRUE(has({flag})) << flag;
  }
  EXPECT_TRUE(has({"--ro-bind", "/usr", "/usr"}));
  EXPECT_TRUE(has({"--tmpfs", "/tmp"}));
  EXPECT_TRUE(has({"--proc", "/proc"}));
  EXPECT_TRUE(has({"--ro-bind", exe, exe}));
  EXPECT_TRUE(has({"--bind", cache.string(), cache.string()}));  // created to be bound
  EXPECT_TRUE(fs::is_directory(cache));
  EXPECT_FALSE(has({"--bind", "/", "/"}));
  EXPECT_FALSE(has({"--ro-bind", "/", "/"}));
  EXPECT_FALSE(has({"--ro-bind", "/home", "/home"}));
  fs::remove_all(cache);
}

TEST(WorkerCommandLineTest, LauncherWordsComeFirstAndAMissingOneIsAnError) {
  WorkerRequest request;
  request.config.wrapper = "env 'A=1 2'";
  std::string error;
  const auto argv = WorkerCommandLine(request, {"/bin/true", "__worker", "{}", "3"}, error);
  ASSERT_TRUE(argv) << error;
  EXPECT_EQ(argv->size(), 6u);
  EXPECT_EQ(std::filesystem::path((*argv)[0]).filename(), "env");  // resolved through PATH
  EXPECT_EQ((*argv)[1], "A=1 2");
  EXPECT_EQ((*argv)[2], "/bin/true");
  request.config.wrapper = "edgebench-no-such-launcher --flag";
  EXPECT_FALSE(WorkerCommandLine(request, {"/bin/true"}, error));
  EXPECT_NE(error.find("'edgebench-no-such-launcher' was not found"), std::string::npos);
}

TEST(NamespacesTest, OnlyKindsWhoseIdsDifferAreNamed) {
  EXPECT_EQ(DifferingNamespaces("ipc:[1] net:[2] user:[3] uts:[9]", "ipc:[1] net:[5] user:[4]"),
            "net,user");
  EXPECT_EQ(DifferingNamespaces(OwnNamespaces(), OwnNamespaces()), "");
  EXPECT_NE(OwnNamespaces().find("pid:["), std::string::npos);
}

}  // namespace
}  // namespace edgebench::harness
