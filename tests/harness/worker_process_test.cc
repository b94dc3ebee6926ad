// Proves the harness survives hostile backends: each misbehaviour becomes one recorded
// failed job and the next job still runs. The hostile backends (worker_test_support.h)
// exist only in this test binary, which the harness re-executes as its worker.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "formats/model_source.h"
#include "formats/onnx.h"
#include "harness/job_launcher.h"
#include "harness/job_runner.h"
#include "harness/monotonic_clock.h"
#include "harness/page_cache.h"
#include "harness/reference_cache.h"
#include "harness/worker.h"
#include "ir/cost.h"
#include "worker_test_support.h"
#include "zoo/graph_builder.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::harness {
namespace {

using testing_support::WorkerProcessTest;

TEST_F(WorkerProcessTest, HealthyBackendIsMeasured) {
  const double before = MonotonicSeconds();
  JobResult result = Run("reference");
  const double after = MonotonicSeconds();
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  // The measured window comes back on the parent's clock (CLOCK_MONOTONIC is system-wide),
  // inside the parent's own span and at least as long as the latencies it holds.
  EXPECT_LT(before, result.measure_start_s);
  EXPECT_LT(result.measure_end_s, after);
  double measured = 0;
  for (double latency : result.samples) measured += latency;
  EXPECT_GE(result.measure_end_s - result.measure_start_s, measured);
  EXPECT_GE(result.samples.size(), 3u);
  EXPECT_LE(result.samples.size(), 5u);
  EXPECT_GT(result.phases.process_start, 0);
  EXPECT_GT(result.phases.first_run, 0);
  EXPECT_GT(result.peak_rss_bytes, 1 << 20);
  // The model's cost travels with the result, for the roofline columns of reports.
  const ir::GraphCost cost = ir::CountGraph(zoo::BuildModel("cifarnet"));
  EXPECT_EQ(result.model_macs, cost.macs);
  EXPECT_EQ(result.model_flops, cost.flops);
  EXPECT_EQ(result.model_bytes, cost.weight_bytes + cost.activation_bytes);
}

TEST_F(WorkerProcessTest, SegfaultBecomesACrashedJobAndTheNextJobRuns) {
  JobResult crashed = Run("segfault");
  EXPECT_EQ(crashed.status, JobStatus::kCrashed) << crashed.error;
  EXPECT_EQ(crashed.signal, SIGSEGV);
  EXPECT_EQ(Run("reference").status, JobStatus::kOk);
}

TEST_F(WorkerProcessTest, ExitBecomesAnExitedJob) {
  JobResult exited = Run("exit3");
  EXPECT_EQ(exited.status, JobStatus::kExited) << exited.error;
  EXPECT_EQ(exited.exit_code, 3);
  EXPECT_EQ(Run("reference").status, JobStatus::kOk);
}

TEST_F(WorkerProcessTest, AbortBecomesACrashedJob) {
  JobResult aborted = Run("abort");
  EXPECT_EQ(aborted.status, JobStatus::kCrashed) << aborted.error;
  EXPECT_EQ(aborted.signal, SIGABRT);
}

TEST_F(WorkerProcessTest, HangBecomesATimeout) {
  JobResult hung = Run("hang", /*timeout=*/3);
  EXPECT_EQ(hung.status, JobStatus::kTimeout) << hung.error;
  EXPECT_EQ(Run("reference").status, JobStatus::kOk);
}

TEST_F(WorkerProcessTest, UnboundedAllocationUnderACapBecomesOutOfMemory) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space; RLIMIT_AS cannot apply";
#endif
  JobResult hoarder = Run("hoard", 60, int64_t{512} << 20);
  EXPECT_EQ(hoarder.status, JobStatus::kOutOfMemory) << hoarder.error;
  EXPECT_EQ(Run("reference").status, JobStatus::kOk);
}

TEST_F(WorkerProcessTest, ALingeringChildProcessDoesNotTurnAFinishedJobIntoATimeout) {
  // Below the helper's 20 s: waiting for its end of file would time the job out.
  JobResult result = Run("linger", /*timeout=*/18);
  EXPECT_EQ(result.status, JobStatus::kOk) << result.error;
  EXPECT_FALSE(result.samples.empty());
}

TEST_F(WorkerProcessTest, PerturbedOutputFailsVerificationAndIsNotTimed) {
  JobResult verified = Run("perturb", 60, std::nullopt, WorkerRequest::Mode::kVerify);
  EXPECT_EQ(verified.status, JobStatus::kVerifyFailed) << verified.error;
  ASSERT_TRUE(verified.verification.has_value());
  EXPECT_GT(verified.verification->rel_l2_error, 1e-3);
  JobResult timed = Run("perturb");
  EXPECT_EQ(timed.status, JobStatus::kVerifyFailed);
  EXPECT_TRUE(timed.samples.empty()) << "a backend failing verification must not be timed";
}

TEST_F(WorkerProcessTest, VerificationCanBeWaived) {
  WorkerRequest request{.config = {.model = "cifarnet", .backend = "perturb", .weight_seed = 1},
                        .measure = {.warmup_runs = 0,
                                    .warmup_time = 0,
                                    .min_runs = 2,
                                    .min_time = 0,
                                    .max_runs = 2,
                                    .max_time = 5},
                        .verify = false,
                        .cache_dir = cache_dir_};
  JobResult result = RunJobInWorker(request, {.timeout_seconds = 60});
  EXPECT_EQ(result.status, JobStatus::kOk) << result.error;
  EXPECT_FALSE(result.verification.has_value());
}

TEST_F(WorkerProcessTest, UnknownModelOrBackendIsAFailedJob) {
  EXPECT_EQ(Run("no-such-backend").status, JobStatus::kFailed);
  EXPECT_EQ(Run("opencv").status, JobStatus::kUnavailable);
}

TEST_F(WorkerProcessTest, ToggleTheBackendLacksIsUnsupportedNotIgnored) {
  const WorkerRequest request{
      .mode = WorkerRequest::Mode::kVerify,
      .config = {
          .model = "cifarnet", .backend = "reference", .weight_seed = 1, .toggles = "no-fusion"}};
  const JobResult result = RunJobInWorker(request, {.timeout_seconds = 60});
  EXPECT_EQ(result.status, JobStatus::kUnsupported);
  EXPECT_NE(result.error.find("no optimization toggle 'no-fusion'"), std::string::npos)
      << result.error;
  EXPECT_EQ(result.config.toggles, "no-fusion");
}

TEST_F(WorkerProcessTest, WrongSmallOutputBesideCorrectLargeOneFailsAndIsNamed) {
  // tiny-yolo has two detection heads; the smaller one is wrong.
  JobResult result =
      Run("perturb-smallest", 120, std::nullopt, WorkerRequest::Mode::kVerify, "tiny-yolo@64");
  ASSERT_EQ(result.status, JobStatus::kVerifyFailed) << result.error;
  ASSERT_TRUE(result.verification.has_value());
  const Verification& v = *result.verification;
  ASSERT_EQ(v.outputs.size(), 2u);
  const int wrong = v.worst_output;
  EXPECT_GT(v.outputs[static_cast<size_t>(wrong)].rel_l2_error, 1e-3);
  EXPECT_EQ(v.outputs[static_cast<size_t>(1 - wrong)].rel_l2_error, 0.0);
  EXPECT_NE(result.error.find("output " + std::to_string(wrong) + " of 2"), std::string::npos)
      << result.error;
}

TEST_F(WorkerProcessTest, ModelThatIgnoresItsInputIsUninformativeNotPassed) {
  // A convolution with zero weights and bias: everything after it is the same for every
  // input, so every engine computing those constants would "pass".
  zoo::GraphBuilder builder("dead", {1, 3, 8, 8});
  ir::ValueId x = builder.Conv2d("conv", builder.input(), 4, 3, 1, 1);
  x = builder.Relu("relu", x);
  x = builder.GlobalAvgPool("pool", x);
  x = builder.Flatten("flatten", x);
  x = builder.FullyConnected("fc", x, 10);
  ir::Graph graph = builder.Finish({x});
  zoo::MaterializeWeights(graph, 1);
  for (size_t v = 0; v < graph.values().size(); ++v) {
    ir::Value& value = graph.mutable_value(static_cast<ir::ValueId>(v));
    if (value.name.rfind("conv", 0) == 0) std::fill(value.data.begin(), value.data.end(), 0.0f);
  }
  const std::string path = testing::TempDir() + "/edgebench-dead-model.onnx";
  formats::ExportOnnxFile(graph, path);
  JobResult result = Run("faithful", 60, std::nullopt, WorkerRequest::Mode::kVerify, path);
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  ASSERT_TRUE(result.verification.has_value());
  EXPECT_FALSE(result.verification->informative);
  EXPECT_FALSE(result.verification->passed) << "a check that cannot fail is no pass";
  EXPECT_NE(result.verification->note.find("does not depend on the input"), std::string::npos)
      << result.verification->note;
  // The same architecture with live weights is an informative pass.
  zoo::MaterializeWeights(graph, 1);
  formats::ExportOnnxFile(graph, path);
  JobResult live = Run("faithful", 60, std::nullopt, WorkerRequest::Mode::kVerify, path);
  ASSERT_EQ(live.status, JobStatus::kOk) << live.error;
  EXPECT_TRUE(live.verification->informative) << live.verification->note;
  EXPECT_TRUE(live.verification->passed);
}

TEST_F(WorkerProcessTest, StaleReferenceFromAnotherEngineRevisionIsNotUsed) {
  const std::string cache = testing::TempDir() + "/edgebench-stale-cache";
  std::filesystem::remove_all(cache);
  ir::Graph graph = formats::LoadModel("cifarnet", 1);
  std::vector<backends::HostTensor> outputs;
  ASSERT_TRUE(backends::reference::RunReference(
                  graph,
                  {{graph.value(graph.inputs()[0]).shape,
                    zoo::SeededInput(graph.value(graph.inputs()[0]).shape, 1)}},
                  outputs)
                  .ok);
  for (auto& tensor : outputs) {
    for (float& value : tensor.data) value = -value;  // what a buggy old engine computed
  }
  const uint64_t digest = zoo::WeightsDigest(graph);
  for (const char* variant : {"", "alt"}) {
    ASSERT_TRUE(SaveReferenceOutputs(
        ReferenceCachePath(cache, "cifarnet", 1, digest, "an-older-revision", variant), outputs));
  }
  WorkerRequest request{.mode = WorkerRequest::Mode::kVerify,
                        .config = {.model = "cifarnet", .backend = "faithful", .weight_seed = 1},
                        .cache_dir = cache};
  JobResult fresh = RunJobInWorker(request, {.timeout_seconds = 60});
  EXPECT_EQ(fresh.status, JobStatus::kOk) << fresh.error;
  // The entry under this engine's revision is what the worker reads: poisoned, it fails.
  const std::string revision = backends::reference::ReferenceEngineRevision();
  ASSERT_TRUE(
      SaveReferenceOutputs(ReferenceCachePath(cache, "cifarnet", 1, digest, revision), outputs));
  EXPECT_EQ(RunJobInWorker(request, {.timeout_seconds = 60}).status, JobStatus::kVerifyFailed);
  std::filesystem::remove_all(cache);
}

TEST_F(WorkerProcessTest, TimedWorkerMemoryExcludesTheReferenceEngine) {
  // The launcher computes the reference in a worker of its own, so a cache miss and a
  // cache hit leave the timed worker with the same memory; a worker that computes the
  // reference itself (no cache) peaks visibly higher.
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory and quarantine swamp the RSS compared";
#endif
  const std::string cache = testing::TempDir() + "/edgebench-footprint-cache";
  std::filesystem::remove_all(cache);
  JobLauncher launcher(Launch(cache));
  const JobConfig config{.model = "vgg-s-32", .backend = "faithful", .weight_seed = 1};
  const JobResult miss = launcher.Run(config, 1);
  ASSERT_EQ(miss.status, JobStatus::kOk) << miss.error;
  JobLauncher again(Launch(cache));
  const JobResult hit = again.Run(config, 1);
  ASSERT_EQ(hit.status, JobStatus::kOk) << hit.error;
  EXPECT_NEAR(static_cast<double>(miss.peak_rss_bytes), static_cast<double>(hit.peak_rss_bytes),
              0.05 * static_cast<double>(hit.peak_rss_bytes));
  EXPECT_NEAR(static_cast<double>(miss.footprint_bytes), static_cast<double>(hit.footprint_bytes),
              0.05 * static_cast<double>(hit.peak_rss_bytes));
  EXPECT_GT(hit.footprint_bytes, 0);
  LaunchOptions no_cache = Launch("");
  const JobResult in_worker = JobLauncher(no_cache).Run(config, 1);
  ASSERT_EQ(in_worker.status, JobStatus::kOk) << in_worker.error;
  EXPECT_GT(in_worker.peak_rss_bytes, hit.peak_rss_bytes + (hit.peak_rss_bytes / 20))
      << "the test would not notice the reference engine in the timed worker";
  std::filesystem::remove_all(cache);
}

TEST_F(WorkerProcessTest, ColdStartEvictsThePluginBeforeItLoads) {
  // A private copy: pages another process has mapped (a test running beside this one that
  // loads the shared test plugin) cannot be evicted, and would make this test flaky.
  const std::string plugin_dir = testing::TempDir() + "/edgebench-cold-plugin";
  std::filesystem::remove_all(plugin_dir);
  std::filesystem::create_directories(plugin_dir);
  const std::string plugin = plugin_dir + "/libedgebench_test_plugin.so";
  std::filesystem::copy_file(
      std::string(EDGEBENCH_TEST_PLUGIN_DIR) + "/libedgebench_test_plugin.so", plugin);
  {
    std::ifstream warm(plugin, std::ios::binary);  // read it: now resident
    std::string bytes((std::istreambuf_iterator<char>(warm)), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(ResidentFraction(plugin).value_or(0), 0.5);
  LaunchOptions options = Launch("");
  options.plugin_dir = plugin_dir;
  JobLauncher launcher(options);
  const std::vector<std::string> evicted =
      launcher.EvictBackendLibraries({.model = "cifarnet", .backend = "test-plugin"});
  EXPECT_NE(std::find(evicted.begin(), evicted.end(), plugin), evicted.end());
  EXPECT_LT(ResidentFraction(plugin).value_or(1), 0.1);
  std::filesystem::remove_all(plugin_dir);
}

TEST_F(WorkerProcessTest, WorkerLoadsExactlyThePluginDirectoryRequested) {
  WorkerRequest request{
      .mode = WorkerRequest::Mode::kVerify,
      // The test plugin refuses LRN, which cifarnet has.
      .config = {.model = "mobilenet-v2@32", .backend = "test-plugin", .weight_seed = 1},
      .verify = false,
      .plugin_dir = EDGEBENCH_TEST_PLUGIN_DIR};
  JobResult found = RunJobInWorker(request, {.timeout_seconds = 60});
  EXPECT_EQ(found.status, JobStatus::kOk) << found.error;
  EXPECT_EQ(found.backend_version, "test-plugin 1.0");
  request.plugin_dir = "/nonexistent";
  JobResult missing = RunJobInWorker(request, {.timeout_seconds = 60});
  EXPECT_EQ(missing.status, JobStatus::kUnavailable) << missing.error;
}

TEST_F(WorkerProcessTest, CapTooSmallToStartIsOutOfMemoryWithTheReason) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space; RLIMIT_AS cannot apply";
#endif
  for (int64_t cap : {int64_t{1} << 10, int64_t{1} << 20, int64_t{8} << 20}) {
    JobResult result = Run("reference", 60, cap);
    EXPECT_EQ(result.status, JobStatus::kOutOfMemory) << cap << ": " << result.error;
    EXPECT_NE(result.error.find("too small"), std::string::npos) << result.error;
    EXPECT_EQ(result.memory_limit_bytes, cap);
    EXPECT_FALSE(result.memory_limit_mode.empty());
  }
}

}  // namespace
}  // namespace edgebench::harness

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], edgebench::harness::kWorkerArgument) == 0) {
    return edgebench::harness::WorkerMain(argc, argv, [](const std::string& plugin_dir) {
      return edgebench::harness::testing_support::TestRegistry(plugin_dir);
    });
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
