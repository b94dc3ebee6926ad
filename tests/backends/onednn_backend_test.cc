// The onednn plugin's own contract: loading and version, its no-fusion toggle, threads,
// precisions, and fusion (conv + BatchNorm + ReLU + residual Add as one primitive) giving
// what the unfused primitives and the reference engine give. Its numerics on every op
// construct and zoo model are in backend_consistency_test.cc, shared by all backends.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "harness/verification.h"
#include "harness/worker.h"
#include "reduced_precision_checks.h"
#include "zoo/graph_builder.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::backends {
namespace {

const std::string kPluginDir = EDGEBENCH_PLUGIN_DIR;

// fp32 kernels in another summation order (and BatchNorm folded into weights) stay far
// inside this on a few-layer graph; a wrong post-op or a stale residual would not.
constexpr double kTolerance = 1e-5;

BackendHandle CreateOneDnn() {
  BackendRegistry registry(kPluginDir);
  registry.DeclarePlugin("onednn", "oneDNN (CPU)", "libedgebench_onednn.so");
  std::string error;
  BackendHandle backend = registry.Create("onednn", error);
  EXPECT_NE(backend, nullptr) << error;
  return backend;
}

// Two residual blocks: one whose skip operand is the graph input (read again by nobody,
// but restaged by SetInputs, so a fused sum must not accumulate into it) and one whose
// skip operand is a 1x1 projection only the Add reads (the in-place sum case).
ir::Graph ResidualGraph() {
  zoo::GraphBuilder b("residual", {1, 8, 9, 11});
  const ir::ValueId x = b.input();
  ir::ValueId y = b.BatchNorm("bn1", b.Conv2d("conv1", x, 8, 3, 1, 1));
  y = b.Relu("relu1", b.Add("add1", y, x));
  const ir::ValueId projection = b.Conv2d("proj", y, 16, 1, 1, 0, false);
  ir::ValueId z = b.Relu("relu2", b.BatchNorm("bn2", b.Conv2d("conv2", y, 16, 3, 1, 1, false)));
  z = b.BatchNorm("bn3", b.Conv2d("conv3", z, 16, 3, 1, 1));
  z = b.Relu("relu3", b.Add("add2", projection, z));
  return b.Finish({z});
}

std::vector<HostTensor> Inputs(const ir::Graph& graph, uint64_t seed) {
  std::vector<HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    inputs.emplace_back(graph.value(id).shape, zoo::SeededInput(graph.value(id).shape, seed));
  }
  return inputs;
}

// Prepares once and runs the session on each input set in turn.
std::vector<std::vector<HostTensor>> RunAll(Backend& backend, const ir::Graph& graph,
                                            const BackendOptions& options,
                                            const std::vector<std::vector<HostTensor>>& inputs) {
  std::unique_ptr<Session> session;
  const Status prepared = backend.Prepare(graph, options, session);
  EXPECT_TRUE(prepared.ok) << prepared.message;
  std::vector<std::vector<HostTensor>> results;
  if (!prepared.ok) return results;
  for (const std::vector<HostTensor>& input : inputs) {
    std::vector<HostTensor> outputs;
    Status status = session->SetInputs(input);
    if (status.ok) status = session->Run();
    if (status.ok) status = session->GetOutputs(outputs);
    EXPECT_TRUE(status.ok) << status.message;
    results.push_back(std::move(outputs));
  }
  return results;
}

double RelativeError(const std::vector<HostTensor>& expected,
                     const std::vector<HostTensor>& actual) {
  std::string error;
  const harness::Verification v = harness::CompareOutputs(expected, actual, kTolerance, error);
  EXPECT_TRUE(error.empty()) << error;
  return v.rel_l2_error;
}

TEST(OneDnnBackendTest, LoadsThroughTheRegistryWithItsVersionAndToggle) {
  BackendHandle backend = CreateOneDnn();
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->Id(), "onednn");
  EXPECT_EQ(backend->Version().rfind("oneDNN 2.", 0), 0u) << backend->Version();
  EXPECT_NE(backend->Version().find("OpenMP"), std::string::npos) << backend->Version();
  const std::vector<OptimizationToggle> toggles = backend->Toggles();
  ASSERT_EQ(toggles.size(), 1u);
  EXPECT_EQ(toggles[0].name, "no-fusion");
  EXPECT_FALSE(toggles[0].effect.empty());

  BackendRegistry registry(kPluginDir);
  registry.DeclarePlugin("onednn-gpu", "test", "libedgebench_onednn.so");
  std::string error;
  EXPECT_EQ(registry.Create("onednn-gpu", error), nullptr);
  EXPECT_NE(error.find("onednn-gpu"), std::string::npos) << error;
}

TEST(OneDnnBackendTest, FusedAndUnfusedMatchTheReferenceOnEveryRun) {
  BackendHandle backend = CreateOneDnn();
  ASSERT_NE(backend, nullptr);
  ir::Graph graph = ResidualGraph();
  ASSERT_TRUE(CheckGraphSupport(*backend, graph).supported);
  zoo::MaterializeWeights(graph);
  // Two different inputs, then the first again: a sum that accumulated into a buffer a
  // later run still reads would make the third result differ from the first.
  const std::vector<std::vector<HostTensor>> inputs = {Inputs(graph, 1), Inputs(graph, 2),
                                                       Inputs(graph, 1)};
  for (const BackendOptions& options :
       {BackendOptions{.threads = 1}, BackendOptions{.threads = 1, .toggles = {"no-fusion"}},
        BackendOptions{.threads = 2}}) {
    const auto results = RunAll(*backend, graph, options, inputs);
    ASSERT_EQ(results.size(), inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::vector<HostTensor> expected;
      ASSERT_TRUE(reference::RunReference(graph, inputs[i], expected).ok);
      EXPECT_LE(RelativeError(expected, results[i]), kTolerance)
          << "run " << i << (options.Has("no-fusion") ? " without fusion" : " fused")
          << ", threads " << options.threads;
    }
    EXPECT_EQ(results[0][0].data, results[2][0].data) << "the same input gave another result";
  }
}

TEST(OneDnnBackendTest, FusionChangesNothingButTheRoundingOnAModel) {
  BackendHandle backend = CreateOneDnn();
  ASSERT_NE(backend, nullptr);
  ir::Graph graph = ResidualGraph();
  zoo::MaterializeWeights(graph);
  const std::vector<std::vector<HostTensor>> inputs = {Inputs(graph, 3)};
  const auto fused = RunAll(*backend, graph, {.threads = 2}, inputs);
  const auto unfused = RunAll(*backend, graph, {.threads = 2, .toggles = {"no-fusion"}}, inputs);
  ASSERT_EQ(fused.size(), 1u);
  ASSERT_EQ(unfused.size(), 1u);
  EXPECT_LE(RelativeError(unfused[0], fused[0]), kTolerance);
}

// Real models exercise what the small graph does not: depthwise convolutions with ReLU6
// (clip post-ops), bottleneck residuals, leaky ReLU, concat and upsampling between fused
// convolutions.
TEST(OneDnnBackendTest, FusedAndUnfusedZooModelsMatchTheReference) {
  BackendHandle backend = CreateOneDnn();
  ASSERT_NE(backend, nullptr);
  for (const char* request : {"resnet-18@32", "mobilenet-v2@32", "tiny-yolo@64"}) {
    ir::Graph graph = zoo::BuildModel(request);
    ASSERT_TRUE(CheckGraphSupport(*backend, graph).supported) << request;
    zoo::MaterializeWeights(graph);
    const std::vector<std::vector<HostTensor>> inputs = {Inputs(graph, 4)};
    std::vector<HostTensor> expected;
    ASSERT_TRUE(reference::RunReference(graph, inputs[0], expected).ok);
    const auto fused = RunAll(*backend, graph, {.threads = 2}, inputs);
    const auto unfused = RunAll(*backend, graph, {.threads = 2, .toggles = {"no-fusion"}}, inputs);
    ASSERT_EQ(fused.size(), 1u);
    ASSERT_EQ(unfused.size(), 1u);
    EXPECT_LE(RelativeError(expected, fused[0]), 1e-4) << request;
    EXPECT_LE(RelativeError(expected, unfused[0]), 1e-4) << request;
  }
}

TEST(OneDnnBackendTest, RefusesWhatItCannotComputeExactlyAndBadOptions) {
  BackendHandle backend = CreateOneDnn();
  ASSERT_NE(backend, nullptr);
  zoo::GraphBuilder b("erf", {1, 3, 4, 4});
  const ir::ValueId y = b.Op("erf", ir::OpKind::kErf, std::monostate{}, {b.input()});
  ir::Graph graph = b.Finish({y});
  const Support support = CheckGraphSupport(*backend, graph);
  EXPECT_FALSE(support.supported);
  EXPECT_NE(support.reason.find("erf"), std::string::npos) << support.reason;

  ir::Graph model = ResidualGraph();
  zoo::MaterializeWeights(model);
  std::unique_ptr<Session> session;
  for (const char* precision : {"fp16", "int4"}) {
    const Status status = backend->Prepare(model, {.threads = 1, .precision = precision}, session);
    EXPECT_FALSE(status.ok) << precision;
    EXPECT_NE(status.message.find(precision), std::string::npos) << status.message;
  }
  // int8 quantizes with the IR's calibration: an uncalibrated graph has none to use.
  const Status uncalibrated = backend->Prepare(model, {.threads = 1, .precision = "int8"}, session);
  EXPECT_FALSE(uncalibrated.ok);
  EXPECT_NE(uncalibrated.message.find("CalibrateInt8"), std::string::npos) << uncalibrated.message;
  EXPECT_FALSE(backend->Prepare(model, {.threads = 0}, session).ok);
  ASSERT_TRUE(backend->Prepare(model, {.threads = 1}, session).ok);
  EXPECT_FALSE(session->SetInputs({HostTensor({1, 8, 9, 10})}).ok);
}

TEST(OneDnnBackendTest, Int8RunsInt8KernelsWithinTheInt8Bound) {
  BackendHandle backend = CreateOneDnn();
  ASSERT_NE(backend, nullptr);
  const ir::Graph graph = testing::SmallQuantizableModel(/*calibrate=*/true);
  for (const std::vector<std::string>& toggles : {std::vector<std::string>{}, {"no-fusion"}}) {
    const testing::PrecisionRun run = testing::RunAtPrecision(
        *backend, graph, {.threads = 1, .precision = "int8", .toggles = toggles});
    ASSERT_TRUE(run.prepared.ok) << run.prepared.message;
    EXPECT_LE(run.rel_l2, harness::ToleranceFor("int8")) << toggles.size();
    // Quantization changes the result: an fp32 run would be far closer than this.
    EXPECT_GT(run.rel_l2, 1e-5) << toggles.size();
    testing::ExpectKernelsAt(run, "int8", 4);
  }
  const testing::PrecisionRun fp32 = testing::RunAtPrecision(*backend, graph, {.threads = 1});
  ASSERT_TRUE(fp32.prepared.ok) << fp32.prepared.message;
  EXPECT_LE(fp32.rel_l2, kTolerance);
  testing::ExpectKernelsAt(fp32, "fp32", 4);
}

// oneDNN 2.x has bf16 kernels on AVX-512 CPUs only: the expectation comes from the CPU's
// own flags, so the test holds on either kind of machine.
TEST(OneDnnBackendTest, Bf16RunsWhereTheCpuHasAvx512AndIsRefusedWithTheReasonElsewhere) {
  BackendHandle backend = CreateOneDnn();
  ASSERT_NE(backend, nullptr);
  const bool avx512_core = __builtin_cpu_supports("avx512f") &&
                           __builtin_cpu_supports("avx512bw") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  const ir::Graph graph = testing::SmallQuantizableModel(/*calibrate=*/false);
  const testing::PrecisionRun run =
      testing::RunAtPrecision(*backend, graph, {.threads = 1, .precision = "bf16"});
  if (avx512_core) {
    ASSERT_TRUE(run.prepared.ok) << run.prepared.message;
    EXPECT_LE(run.rel_l2, harness::ToleranceFor("bf16"));
    testing::ExpectKernelsAt(run, "bf16", 4);
  } else {
    ASSERT_FALSE(run.prepared.ok);
    EXPECT_NE(run.prepared.message.find("bf16 unsupported on this CPU"), std::string::npos)
        << run.prepared.message;
    EXPECT_NE(run.prepared.message.find("AVX-512"), std::string::npos) << run.prepared.message;
  }
}

// The whole job path: `--opt int8` calibrates in the worker, the job is verified at the
// int8 bound and records the int8 kernels oneDNN reports.
TEST(OneDnnBackendTest, AnInt8JobCalibratesVerifiesAndRecordsItsKernels) {
  harness::WorkerRequest request;
  request.mode = harness::WorkerRequest::Mode::kVerify;
  request.config.model = "cifarnet";
  request.config.backend = "onednn";
  request.config.toggles = "int8";
  request.plugin_dir = kPluginDir;
  const harness::JobResult result = harness::ExecuteJob(request, DefaultRegistry(kPluginDir));
  ASSERT_EQ(result.status, harness::JobStatus::kOk) << result.error;
  ASSERT_TRUE(result.verification.has_value());
  EXPECT_LE(result.verification->rel_l2_error, harness::ToleranceFor("int8"));
  EXPECT_GT(result.verification->rel_l2_error, 1e-5);
  EXPECT_NE(result.kernels.find("(int8)"), std::string::npos) << result.kernels;
  EXPECT_EQ(result.kernels.find("(fp32)"), std::string::npos) << result.kernels;
}

// A precision the CPU lacks is an unsupported job (with oneDNN's reason), not a failure.
TEST(OneDnnBackendTest, ABf16JobIsUnsupportedWhereTheCpuLacksIt) {
  if (__builtin_cpu_supports("avx512f")) GTEST_SKIP() << "this CPU has AVX-512: bf16 runs";
  harness::WorkerRequest request;
  request.mode = harness::WorkerRequest::Mode::kVerify;
  request.config = {.model = "cifarnet", .backend = "onednn", .toggles = "bf16"};
  request.plugin_dir = kPluginDir;
  const harness::JobResult result = harness::ExecuteJob(request, DefaultRegistry(kPluginDir));
  EXPECT_EQ(result.status, harness::JobStatus::kUnsupported) << result.error;
  EXPECT_NE(result.error.find("bf16 unsupported on this CPU"), std::string::npos) << result.error;
}

}  // namespace
}  // namespace edgebench::backends
