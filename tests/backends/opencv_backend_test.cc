// The opencv plugin's own contract (loading, version, threads, precisions, input checks,
// outputs surviving OpenCV's layer fusion). Its numerics against the reference -- every
// op construct and zoo model -- are in backend_consistency_test.cc, shared by all
// backends.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "harness/verification.h"
#include "reduced_precision_checks.h"
#include "zoo/graph_builder.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::backends {
namespace {

const std::string kPluginDir = EDGEBENCH_PLUGIN_DIR;

// Relative L2 bound for what OpenCV supports. Tighter than the harness's fp32 bound
// (1e-4): OpenCV's fp32 kernels stay well inside it on every supported zoo model, so a
// regression to a merely "close" result (a wrong padding rule on one border row, say)
// still fails here.
constexpr double kTolerance = 1e-5;

BackendHandle CreateOpenCv() {
  BackendRegistry registry(kPluginDir);
  registry.DeclarePlugin("opencv", "OpenCV DNN (CPU)", "libedgebench_opencv.so");
  std::string error;
  BackendHandle backend = registry.Create("opencv", error);
  EXPECT_NE(backend, nullptr) << error;
  return backend;
}

std::vector<HostTensor> SeededInputs(const ir::Graph& graph) {
  std::vector<HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    inputs.emplace_back(graph.value(id).shape,
                        zoo::SeededInput(graph.value(id).shape, zoo::kDefaultWeightSeed));
  }
  return inputs;
}

Status RunOnce(Backend& backend, const ir::Graph& graph, const BackendOptions& options,
               const std::vector<HostTensor>& inputs, std::vector<HostTensor>& outputs) {
  std::unique_ptr<Session> session;
  Status status = backend.Prepare(graph, options, session);
  if (status.ok) status = session->SetInputs(inputs);
  if (status.ok) status = session->Run();
  if (status.ok) status = session->GetOutputs(outputs);
  return status;
}

// Checks one graph: supported -> runs and matches the reference; unsupported -> a reason.
void CheckAgainstReference(Backend& backend, ir::Graph graph, const std::string& label) {
  const Support support = CheckGraphSupport(backend, graph);
  if (!support.supported) {
    EXPECT_FALSE(support.reason.empty()) << label;
  } else {
    zoo::MaterializeWeights(graph, zoo::kDefaultWeightSeed);
    const std::vector<HostTensor> inputs = SeededInputs(graph);
    std::vector<HostTensor> expected;
    const Status reference = reference::RunReference(graph, inputs, expected);
    ASSERT_TRUE(reference.ok) << reference.message;
    std::vector<HostTensor> actual;
    const Status status = RunOnce(backend, graph, {}, inputs, actual);
    EXPECT_TRUE(status.ok) << label << ": " << status.message;
    if (status.ok) {
      std::string error;
      const harness::Verification v = harness::CompareOutputs(expected, actual, kTolerance, error);
      EXPECT_TRUE(error.empty()) << label << ": " << error;
      EXPECT_LE(v.rel_l2_error, kTolerance) << label;
    }
  }
}

TEST(OpenCvBackendTest, LoadsThroughTheRegistryAndNamesItsVersion) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->Id(), "opencv");
  EXPECT_EQ(backend->Version().rfind("OpenCV 4.", 0), 0u) << backend->Version();
  EXPECT_NE(backend->Version().find("(DNN, CPU, "), std::string::npos) << backend->Version();

  // The plugin serves one id and says so for any other.
  BackendRegistry registry(kPluginDir);
  registry.DeclarePlugin("opencv-gpu", "test", "libedgebench_opencv.so");
  std::string error;
  EXPECT_EQ(registry.Create("opencv-gpu", error), nullptr);
  EXPECT_NE(error.find("opencv-gpu"), std::string::npos) << error;
}

TEST(OpenCvBackendTest, RecordsTheThreadCountAndRefusesOtherPrecisions) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  ir::Graph graph = zoo::BuildModel("cifarnet");
  zoo::MaterializeWeights(graph);
  std::unique_ptr<Session> session;
  Status status = backend->Prepare(graph, {.threads = 2}, session);
  ASSERT_TRUE(status.ok) << status.message;
  EXPECT_NE(backend->Version().find("2 threads"), std::string::npos) << backend->Version();
  status = backend->Prepare(graph, {.threads = 1}, session);
  ASSERT_TRUE(status.ok) << status.message;
  EXPECT_NE(backend->Version().find("1 thread)"), std::string::npos) << backend->Version();

  for (const char* precision : {"fp16", "int4", "bf16"}) {
    std::unique_ptr<Session> refused;
    status = backend->Prepare(graph, {.threads = 1, .precision = precision}, refused);
    EXPECT_FALSE(status.ok) << precision;
    EXPECT_NE(status.message.find(precision), std::string::npos) << status.message;
    EXPECT_EQ(refused, nullptr);
  }
  status = backend->Prepare(graph, {.threads = 0}, session);
  EXPECT_FALSE(status.ok);
}

// Staged once, run twice: both runs must agree bit for bit, so the staged input survives
// a run -- also when the first layer is one OpenCV could run in place on it (a ReLU).
void ExpectRepeatableRuns(Backend& backend, ir::Graph graph) {
  zoo::MaterializeWeights(graph);
  std::unique_ptr<Session> session;
  const Status status = backend.Prepare(graph, {}, session);
  ASSERT_TRUE(status.ok) << status.message;
  ASSERT_TRUE(session->SetInputs(SeededInputs(graph)).ok);
  std::vector<HostTensor> first;
  std::vector<HostTensor> second;
  ASSERT_TRUE(session->Run().ok);
  ASSERT_TRUE(session->GetOutputs(first).ok);
  ASSERT_TRUE(session->Run().ok);
  ASSERT_TRUE(session->GetOutputs(second).ok);
  ASSERT_EQ(first.size(), graph.outputs().size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].shape, graph.value(graph.outputs()[i]).shape);
    EXPECT_EQ(first[i].data, second[i].data) << graph.name() << " output " << i;
  }
}

TEST(OpenCvBackendTest, RepeatedRunsAreIdentical) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  ExpectRepeatableRuns(*backend, zoo::BuildModel("tiny-yolo@64"));  // two outputs
  zoo::GraphBuilder b("relu_first", {1, 3, 8, 8});
  ExpectRepeatableRuns(*backend,
                       b.Finish({b.Conv2d("conv", b.Relu("relu", b.input()), 4, 3, 1, 1)}));
}

TEST(OpenCvBackendTest, InputsAreChecked) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  ir::Graph graph = zoo::BuildModel("cifarnet");
  zoo::MaterializeWeights(graph);
  std::unique_ptr<Session> session;
  const Status status = backend->Prepare(graph, {}, session);
  ASSERT_TRUE(status.ok) << status.message;
  const Status wrong = session->SetInputs({HostTensor(ir::Shape{1, 3, 64, 64})});
  EXPECT_FALSE(wrong.ok);
  EXPECT_NE(wrong.message.find("1x3x64x64"), std::string::npos) << wrong.message;
  EXPECT_FALSE(session->SetInputs({}).ok);
}

TEST(OpenCvBackendTest, GraphsNeedMaterializedWeights) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  std::unique_ptr<Session> session;
  const Status status = backend->Prepare(zoo::BuildModel("cifarnet"), {}, session);
  EXPECT_FALSE(status.ok);
  EXPECT_FALSE(status.message.empty());
}

// Graph outputs that OpenCV would otherwise fuse away (batch norm and ReLU folded into the
// convolution) must still come back, in graph output order.
TEST(OpenCvBackendTest, IntermediateOutputsSurviveLayerFusion) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  zoo::GraphBuilder b("fused_outputs", {1, 3, 12, 12});
  const ir::ValueId conv = b.Conv2d("conv", b.input(), 8, 3, 1, 1);
  const ir::ValueId bn = b.BatchNorm("bn", conv);
  const ir::ValueId relu = b.Relu("relu", bn);
  const ir::ValueId pool = b.MaxPool("pool", relu, {2, 2}, {2, 2});
  CheckAgainstReference(*backend, b.Finish({pool, bn, conv}), "fused_outputs");
}

TEST(OpenCvBackendTest, FusionOffComputesTheSameOutputs) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  const std::vector<OptimizationToggle> toggles = backend->Toggles();
  ASSERT_EQ(toggles.size(), 1u);
  EXPECT_EQ(toggles[0].name, kNoFusion);
  // Conv + batch norm + ReLU + residual add: what OpenCV fuses.
  ir::Graph graph = zoo::BuildModel("resnet-18@64");
  zoo::MaterializeWeights(graph);
  const std::vector<HostTensor> inputs = SeededInputs(graph);
  std::vector<HostTensor> expected;
  ASSERT_TRUE(reference::RunReference(graph, inputs, expected).ok);
  for (const BackendOptions& options : {BackendOptions{}, BackendOptions{.toggles = {kNoFusion}}}) {
    std::vector<HostTensor> actual;
    const Status status = RunOnce(*backend, graph, options, inputs, actual);
    ASSERT_TRUE(status.ok) << status.message;
    std::string error;
    const harness::Verification v = harness::CompareOutputs(expected, actual, kTolerance, error);
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_LE(v.rel_l2_error, kTolerance) << "toggles: " << options.toggles.size();
  }
}

// Net::quantize builds int8 layers OpenCV names "...Int8"; the kernel report reads them.
TEST(OpenCvBackendTest, Int8QuantizesTheNetWithinTheInt8Bound) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  const ir::Graph graph = testing::SmallQuantizableModel(/*calibrate=*/true);
  const testing::PrecisionRun run =
      testing::RunAtPrecision(*backend, graph, {.threads = 1, .precision = "int8"});
  ASSERT_TRUE(run.prepared.ok) << run.prepared.message;
  EXPECT_LE(run.rel_l2, harness::ToleranceFor("int8"));
  EXPECT_GT(run.rel_l2, 1e-5);  // quantized: an fp32 run would be far closer
  testing::ExpectKernelsAt(run, "int8", 4);
  for (const KernelUse& kernel : run.kernels) EXPECT_TRUE(kernel.kernel.ends_with("Int8"));

  const testing::PrecisionRun fp32 = testing::RunAtPrecision(*backend, graph, {.threads = 1});
  ASSERT_TRUE(fp32.prepared.ok) << fp32.prepared.message;
  testing::ExpectKernelsAt(fp32, "fp32", 4);

  std::unique_ptr<Session> session;
  const Status uncalibrated =
      backend->Prepare(graph, {.threads = 1, .precision = "int8"}, session);  // no inputs
  EXPECT_FALSE(uncalibrated.ok);
  EXPECT_NE(uncalibrated.message.find("calibration inputs"), std::string::npos)
      << uncalibrated.message;
}

}  // namespace
}  // namespace edgebench::backends
