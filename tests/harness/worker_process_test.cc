// Proves the harness survives hostile backends: each misbehaviour becomes one recorded
// failed job and the next job still runs. The hostile backends exist only in this test
// binary, which the harness re-executes as its worker.
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
#include "formats/npy.h"
#include "formats/onnx.h"
#include "formats/onnx_test_models.h"
#include "harness/infer_worker.h"
#include "harness/job_launcher.h"
#include "harness/job_runner.h"
#include "harness/page_cache.h"
#include "harness/reference_cache.h"
#include "harness/worker.h"
#include "zoo/graph_builder.h"
#include "zoo/seeded_weights.h"

namespace edgebench::harness {
namespace {

enum class Misbehaviour {
  kSegfault,
  kExit3,
  kAbort,
  kHang,
  kUnboundedAlloc,
  kPerturb,
  kLinger,
  kNone,             // the reference engine under another name: a faithful backend
  kPerturbSmallest,  // only the output with the fewest elements is wrong
};

// Delegates to the reference engine, then misbehaves when asked to run.
// Allocates and touches memory until allocation fails.
void Hoard() {
  std::vector<std::unique_ptr<char[]>> hoard;
  while (true) {
    hoard.emplace_back(new char[64 << 20]);
    std::memset(hoard.back().get(), 1, 64 << 20);
  }
}

class HostileSession final : public backends::Session {
 public:
  HostileSession(std::unique_ptr<backends::Session> inner, Misbehaviour how)
      : inner_(std::move(inner)), how_(how) {}
  backends::Status SetInputs(const std::vector<backends::HostTensor>& inputs) noexcept override {
    return inner_->SetInputs(inputs);
  }
  backends::Status Run() noexcept override {
    switch (how_) {
      case Misbehaviour::kSegfault:
        raise(SIGSEGV);
        break;
      case Misbehaviour::kExit3:
        std::exit(3);
      case Misbehaviour::kAbort:
        std::abort();
      case Misbehaviour::kHang:
        while (true) pause();
      case Misbehaviour::kUnboundedAlloc:
        Hoard();  // its std::bad_alloc ends the worker through std::terminate
        break;
      case Misbehaviour::kPerturb:
      case Misbehaviour::kNone:
      case Misbehaviour::kPerturbSmallest:
        break;
      case Misbehaviour::kLinger:
        // A helper process that outlives the worker, holding every inherited descriptor
        // (stderr at least) open for a while.
        if (!spawned_) {
          spawned_ = true;
          if (fork() == 0) {
            sleep(20);
            _exit(0);
          }
        }
        break;
    }
    return inner_->Run();
  }
  backends::Status GetOutputs(std::vector<backends::HostTensor>& outputs) noexcept override {
    backends::Status status = inner_->GetOutputs(outputs);
    if (how_ == Misbehaviour::kPerturb) {
      for (auto& tensor : outputs) {
        for (float& value : tensor.data) value += 1e-2f * (value == 0 ? 1 : value);
      }
    }
    if (how_ == Misbehaviour::kPerturbSmallest && !outputs.empty()) {
      auto smallest = std::min_element(outputs.begin(), outputs.end(), [](auto& a, auto& b) {
        return a.data.size() < b.data.size();
      });
      for (float& value : smallest->data) value += 1e-2f * (value == 0 ? 1 : value);
    }
    return status;
  }

 private:
  std::unique_ptr<backends::Session> inner_;
  Misbehaviour how_;
  bool spawned_ = false;
};

class HostileBackend final : public backends::Backend {
 public:
  explicit HostileBackend(Misbehaviour how) : how_(how) {}
  std::string Id() const override { return "hostile"; }
  std::string Version() const override { return "test"; }
  backends::Support Supports(const ir::Graph&, const ir::Node&) const noexcept override {
    return {};
  }
  backends::Status Prepare(const ir::Graph& graph, const backends::BackendOptions& options,
                           std::unique_ptr<backends::Session>& session) noexcept override {
    std::unique_ptr<backends::Session> inner;
    backends::Status status = reference_.Prepare(graph, options, inner);
    if (status.ok) session = std::make_unique<HostileSession>(std::move(inner), how_);
    return status;
  }

 private:
  Misbehaviour how_;
  backends::reference::ReferenceBackend reference_;
};

// The default registry for `plugin_dir` (the worker builds it from the request), plus
// the hostile backends and the real test plugin.
backends::BackendRegistry TestRegistry(const std::string& plugin_dir = "/nonexistent-plugin-dir") {
  backends::BackendRegistry registry = backends::DefaultRegistry(plugin_dir);
  const std::pair<const char*, Misbehaviour> hostile[] = {
      {"segfault", Misbehaviour::kSegfault},
      {"exit3", Misbehaviour::kExit3},
      {"abort", Misbehaviour::kAbort},
      {"hang", Misbehaviour::kHang},
      {"hoard", Misbehaviour::kUnboundedAlloc},
      {"perturb", Misbehaviour::kPerturb},
      {"linger", Misbehaviour::kLinger},
      {"faithful", Misbehaviour::kNone},
      {"perturb-smallest", Misbehaviour::kPerturbSmallest}};
  for (const auto& [id, how] : hostile) {
    registry.RegisterBuiltin(id, "test-only hostile backend",
                             [how] { return std::make_unique<HostileBackend>(how); });
  }
  registry.DeclarePlugin("test-plugin", "test plugin", "libedgebench_test_plugin.so");
  return registry;
}

class WorkerProcessTest : public testing::Test {
 protected:
  void SetUp() override {
    // Sanitizer runtimes would turn signals into their own reports and exit codes; the
    // harness must see the raw signal, as it would in a release build.
    setenv("ASAN_OPTIONS", "handle_segv=0:handle_abort=0:detect_leaks=0", 1);
    cache_dir_ = testing::TempDir() + "/edgebench-worker-test-cache";
  }

  JobResult Run(const std::string& backend, double timeout = 60,
                std::optional<int64_t> memory_limit = std::nullopt,
                WorkerRequest::Mode mode = WorkerRequest::Mode::kRun,
                const std::string& model = "cifarnet") {
    WorkerRequest request{.mode = mode,
                          .config = {.model = model, .backend = backend, .weight_seed = 1},
                          .measure = {.warmup_runs = 1,
                                      .warmup_time = 0,
                                      .min_runs = 3,
                                      .min_time = 0,
                                      .max_runs = 5,
                                      .max_time = 5,
                                      .target_ci = 0.5},
                          .cache_dir = cache_dir_};
    return RunJobInWorker(request,
                          {.timeout_seconds = timeout, .memory_limit_bytes = memory_limit});
  }

  LaunchOptions Launch(const std::string& cache_dir) const {
    return {.mode = WorkerRequest::Mode::kRun,
            .measure = {.warmup_runs = 1,
                        .warmup_time = 0,
                        .min_runs = 3,
                        .min_time = 0,
                        .max_runs = 5,
                        .max_time = 5,
                        .target_ci = 0.5},
            .plugin_dir = EDGEBENCH_TEST_PLUGIN_DIR,
            .cache_dir = cache_dir,
            .runner = {.timeout_seconds = 120}};
  }

  std::string cache_dir_;
};

TEST_F(WorkerProcessTest, HealthyBackendIsMeasured) {
  JobResult result = Run("reference");
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  EXPECT_GE(result.samples.size(), 3u);
  EXPECT_LE(result.samples.size(), 5u);
  EXPECT_GT(result.phases.process_start, 0);
  EXPECT_GT(result.phases.first_run, 0);
  EXPECT_GT(result.peak_rss_bytes, 1 << 20);
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
  const std::string plugin =
      std::string(EDGEBENCH_TEST_PLUGIN_DIR) + "/libedgebench_test_plugin.so";
  {
    std::ifstream warm(plugin, std::ios::binary);  // read it: now resident
    std::string bytes((std::istreambuf_iterator<char>(warm)), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(ResidentFraction(plugin).value_or(0), 0.5);
  JobLauncher launcher(Launch(""));
  const std::vector<std::string> evicted =
      launcher.EvictBackendLibraries({.model = "cifarnet", .backend = "test-plugin"});
  EXPECT_NE(std::find(evicted.begin(), evicted.end(), plugin), evicted.end());
  EXPECT_LT(ResidentFraction(plugin).value_or(1), 0.1);
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

// A model of two inputs (image [1,3,8,8], mask [1,4,8,8]) and two outputs ("head:logits"
// [1,5], "features/map" [1,4,8,8]) as a file, for the multi-input tests.
std::string TwoInputModel() {
  const std::string path = testing::TempDir() + "/edgebench-two-inputs.onnx";
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      << formats::onnx_test::TwoInputs().Bytes();
  return path;
}

std::string DynamicModel() {
  const std::string path = testing::TempDir() + "/edgebench-dynamic.onnx";
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      << formats::onnx_test::DynamicClassifier().Bytes();
  return path;
}

nlohmann::json ReadSummary(const std::string& dir) {
  std::ifstream file(dir + "/" + kInferSummaryFile);
  return nlohmann::json::parse(file);
}

TEST_F(WorkerProcessTest, EveryInputOfAMultiInputModelIsSeededStagedAndVerified) {
  const std::string cache = testing::TempDir() + "/edgebench-multi-input-cache";
  std::filesystem::remove_all(cache);
  LaunchOptions options = Launch(cache);
  options.mode = WorkerRequest::Mode::kVerify;
  JobLauncher launcher(options);
  const JobConfig config{.model = TwoInputModel(), .backend = "faithful", .weight_seed = 1};
  const JobResult faithful = launcher.Run(config, 1);
  ASSERT_EQ(faithful.status, JobStatus::kOk) << faithful.error;
  ASSERT_TRUE(faithful.verification.has_value());
  EXPECT_EQ(faithful.verification->outputs.size(), 2u);
  // Each output depends on the inputs: two seeded input sets give different references.
  EXPECT_TRUE(faithful.verification->informative) << faithful.verification->note;
  EXPECT_TRUE(faithful.verification->passed);
  JobConfig perturbed = config;
  perturbed.backend = "perturb";
  EXPECT_EQ(launcher.Run(perturbed, 1).status, JobStatus::kVerifyFailed);
  std::filesystem::remove_all(cache);
}

TEST_F(WorkerProcessTest, InputShapesReachTheWorkersAndKeyTheReferenceCache) {
  const std::string cache = testing::TempDir() + "/edgebench-shape-cache";
  std::filesystem::remove_all(cache);
  LaunchOptions options = Launch(cache);
  options.mode = WorkerRequest::Mode::kVerify;
  JobLauncher launcher(options);
  JobConfig config{.model = DynamicModel(), .backend = "faithful", .weight_seed = 1};
  EXPECT_NE(launcher.CheckModelFile(config.model).find("'height' at position 2"),
            std::string::npos);
  EXPECT_EQ(launcher.CheckModelFile(config.model, "x:2x3x8x8"), "");
  for (const char* shape : {"x:2x3x8x8", "x:1x3x12x12"}) {
    config.input_shape = shape;
    const JobResult result = launcher.Run(config, 1);
    ASSERT_EQ(result.status, JobStatus::kOk) << shape << ": " << result.error;
    EXPECT_EQ(result.config.input_shape, shape);
  }
  // One entry pair per shape: outputs at one shape are never read for another.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cache + "/reference")) {
    entries += entry.path().filename().string().find("x_2x3x8x8") != std::string::npos ||
               entry.path().filename().string().find("x_1x3x12x12") != std::string::npos;
  }
  EXPECT_EQ(entries, 4);
  config.input_shape = "";  // the height and width stay unsettled
  EXPECT_EQ(launcher.Run(config, 1).status, JobStatus::kFailed);
  std::filesystem::remove_all(cache);
}

TEST_F(WorkerProcessTest, InferWritesEveryTensorAndMeasuresEachOutputAgainstTheReference) {
  const std::string cache = testing::TempDir() + "/edgebench-infer-cache";
  const std::string out = testing::TempDir() + "/edgebench-infer-out";
  std::filesystem::remove_all(cache);
  std::filesystem::remove_all(out);
  JobLauncher launcher(Launch(cache));
  const JobConfig faithful{.model = TwoInputModel(), .backend = "faithful", .weight_seed = 1};
  std::string reference_error;
  JobResult result = launcher.Infer(faithful, {}, out + "/faithful", reference_error);
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  EXPECT_EQ(reference_error, "");
  nlohmann::json summary = ReadSummary(out + "/faithful");
  ASSERT_EQ(summary["outputs"].size(), 2u);
  EXPECT_EQ(summary["outputs"][0]["file"], "head_logits.npy");
  EXPECT_EQ(summary["outputs"][1]["file"], "features_map.npy");
  EXPECT_EQ(summary["outputs"][0]["rel_l2"], 0.0);
  EXPECT_EQ(summary["outputs"][0]["within_tolerance"], true);
  const formats::NpyArray logits = formats::ReadNpyFile(out + "/faithful/head_logits.npy");
  ASSERT_EQ(logits.shape, (ir::Shape{1, 5}));
  // Top-5 of five scores is their order, highest first.
  std::vector<size_t> order = {0, 1, 2, 3, 4};
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return logits.data[a] > logits.data[b]; });
  EXPECT_EQ(summary["outputs"][0]["top5"]["indices"].get<std::vector<size_t>>(), order);
  EXPECT_FALSE(summary["outputs"][1].contains("top5"));  // a feature map is no score vector
  const formats::NpyArray image = formats::ReadNpyFile(out + "/faithful/input_image.npy");
  EXPECT_EQ(image.data, zoo::SeededInput({1, 3, 8, 8}, 1));

  // The perturbing backend adds 1 % of each value: its logits are off by exactly that,
  // and the summary's relative L2 error says 1e-2.
  const std::string mask = out + "/faithful/input_mask.npy";
  JobConfig perturb = faithful;
  perturb.backend = "perturb";
  result =
      launcher.Infer(perturb, {{.name = "mask", .path = mask}}, out + "/perturb", reference_error);
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  summary = ReadSummary(out + "/perturb");
  EXPECT_EQ(summary["inputs"][1]["source"], mask);
  EXPECT_NEAR(summary["outputs"][0]["rel_l2"].get<double>(), 1e-2, 1e-5);
  EXPECT_EQ(summary["outputs"][0]["within_tolerance"], false);
  const formats::NpyArray perturbed = formats::ReadNpyFile(out + "/perturb/head_logits.npy");
  for (size_t i = 0; i < logits.data.size(); ++i) {
    const float value = logits.data[i];
    EXPECT_EQ(perturbed.data[i], value + 1e-2f * (value == 0 ? 1 : value)) << i;
  }

  // An input file of the wrong shape fails the job and says why.
  result =
      launcher.Infer(perturb, {{.name = "image", .path = mask}}, out + "/bad", reference_error);
  EXPECT_EQ(result.status, JobStatus::kFailed);
  EXPECT_NE(result.error.find("holds a 1x4x8x8 array; the model takes 1x3x8x8"), std::string::npos)
      << result.error;
  std::filesystem::remove_all(cache);
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace edgebench::harness

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], edgebench::harness::kWorkerArgument) == 0) {
    return edgebench::harness::WorkerMain(argc, argv, [](const std::string& plugin_dir) {
      return edgebench::harness::TestRegistry(plugin_dir);
    });
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
