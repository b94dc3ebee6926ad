// The xnnpack plugin's own contract: loading and version, refusal of what this XNNPACK
// lacks (up front, naming the node, and the harness then never prepares the model),
// batch-norm and clamp folding, threads, the NHWC flatten that a fully connected layer
// absorbs by permuting its weights, and option checks. Its numerics against the
// reference on every op construct and zoo model are in backend_consistency_test.cc.
#include <gtest/gtest.h>

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

// XNNPACK's fp32 kernels reorder sums (and fold batch norm into the weights), so results
// are close to, not equal to, the reference's; well inside the harness's 1e-4.
constexpr double kTolerance = 1e-5;

BackendHandle CreateXnnpack() {
  BackendRegistry registry(kPluginDir);
  registry.DeclarePlugin("xnnpack", "XNNPACK", "libedgebench_xnnpack.so");
  std::string error;
  BackendHandle backend = registry.Create("xnnpack", error);
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

// Supported, run with `options`, equal to the reference engine within kTolerance.
void ExpectMatchesReference(Backend& backend, ir::Graph graph, const BackendOptions& options) {
  const Support support = CheckGraphSupport(backend, graph);
  ASSERT_TRUE(support.supported) << support.reason;
  zoo::MaterializeWeights(graph, zoo::kDefaultWeightSeed);
  const std::vector<HostTensor> inputs = SeededInputs(graph);
  std::vector<HostTensor> expected;
  const Status reference = reference::RunReference(graph, inputs, expected);
  ASSERT_TRUE(reference.ok) << reference.message;
  std::vector<HostTensor> actual;
  const Status status = RunOnce(backend, graph, options, inputs, actual);
  ASSERT_TRUE(status.ok) << status.message;
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].shape, expected[i].shape) << "output " << i;
  }
  std::string error;
  const harness::Verification v = harness::CompareOutputs(expected, actual, kTolerance, error);
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_LE(v.rel_l2_error, kTolerance);
}

// conv -> batch norm -> relu -> pool -> flatten -> fc: the batch norm and the relu fold
// into the convolution, and the flatten of a 3x3 map feeds the fully connected layer.
ir::Graph ConvBnReluFc() {
  zoo::GraphBuilder b("conv_bn_relu_fc", {1, 3, 12, 12});
  const ir::ValueId conv = b.Conv2d("conv", b.input(), 8, 3, 1, 1);
  const ir::ValueId relu = b.Relu("relu", b.BatchNorm("bn", conv));
  const ir::ValueId pool = b.MaxPool("pool", relu, {4, 4}, {4, 4});
  return b.Finish({b.FullyConnected("fc", b.Flatten("flat", pool), 10)});
}

TEST(XnnpackBackendTest, LoadsThroughTheRegistryAndNamesItsVersion) {
  BackendHandle backend = CreateXnnpack();
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->Id(), "xnnpack");
  EXPECT_EQ(backend->Version().rfind("XNNPACK ", 0), 0u) << backend->Version();
  ASSERT_EQ(backend->Toggles().size(), 1u);
  EXPECT_EQ(backend->Toggles().front().name, "sparse");

  BackendRegistry registry(kPluginDir);
  registry.DeclarePlugin("xnnpack-fp16", "test", "libedgebench_xnnpack.so");
  std::string error;
  EXPECT_EQ(registry.Create("xnnpack-fp16", error), nullptr);
  EXPECT_NE(error.find("xnnpack-fp16"), std::string::npos) << error;
}

TEST(XnnpackBackendTest, ConcatIsRefusedUpFrontNamingTheNode) {
  BackendHandle backend = CreateXnnpack();
  ASSERT_NE(backend, nullptr);
  zoo::GraphBuilder b("with_concat", {1, 4, 8, 8});
  const ir::ValueId conv = b.Conv2d("conv", b.input(), 4, 3, 1, 1);
  ir::Graph graph = b.Finish({b.Concat("join", {b.Relu("a", conv), b.Sigmoid("b", conv)})});
  const Support support = CheckGraphSupport(*backend, graph);
  EXPECT_FALSE(support.supported);
  EXPECT_NE(support.reason.find("'join' (concat)"), std::string::npos) << support.reason;
  EXPECT_NE(support.reason.find("concatenate"), std::string::npos) << support.reason;

  // Asked to prepare it anyway, the backend fails cleanly with the same node.
  zoo::MaterializeWeights(graph);
  std::unique_ptr<Session> session;
  const Status status = backend->Prepare(graph, {}, session);
  EXPECT_FALSE(status.ok);
  EXPECT_NE(status.message.find("'join'"), std::string::npos) << status.message;
  EXPECT_EQ(session, nullptr);
}

TEST(XnnpackBackendTest, HarnessReportsAConcatModelUnsupportedWithoutPreparingIt) {
  harness::WorkerRequest request;
  request.mode = harness::WorkerRequest::Mode::kVerify;
  request.config.model = "inception-v4@96";
  request.config.backend = "xnnpack";
  request.plugin_dir = kPluginDir;
  const harness::JobResult result = harness::ExecuteJob(request, DefaultRegistry(kPluginDir));
  EXPECT_EQ(result.status, harness::JobStatus::kUnsupported) << result.error;
  EXPECT_NE(result.error.find("(concat)"), std::string::npos) << result.error;
  EXPECT_EQ(result.phases.prepare, 0.0);
  EXPECT_EQ(result.phases.first_run, 0.0);
}

TEST(XnnpackBackendTest, ConvBatchNormReluFcMatchesTheReference) {
  BackendHandle backend = CreateXnnpack();
  ASSERT_NE(backend, nullptr);
  ExpectMatchesReference(*backend, ConvBnReluFc(), {.threads = 1});
}

TEST(XnnpackBackendTest, TwoThreadsWork) {
  BackendHandle backend = CreateXnnpack();
  ASSERT_NE(backend, nullptr);
  ExpectMatchesReference(*backend, ConvBnReluFc(), {.threads = 2});
  ExpectMatchesReference(*backend, zoo::BuildModel("mobilenet-v2@64"), {.threads = 2});
}

TEST(XnnpackBackendTest, SparseToggleKeepsResults) {
  BackendHandle backend = CreateXnnpack();
  ASSERT_NE(backend, nullptr);
  ExpectMatchesReference(*backend, zoo::BuildModel("mobilenet-v1@64"),
                         {.threads = 1, .toggles = {"sparse"}});
}

// Flatten of [N, C, H, W] straight into a fully connected layer, at a spatial size where
// NCHW and NHWC orders differ in every dim (C, H, W > 1, H != W, N = 2). The expected
// values are computed here from the IR definition, not by any engine.
TEST(XnnpackBackendTest, FlattenIntoFullyConnectedReadsNchwOrder) {
  BackendHandle backend = CreateXnnpack();
  ASSERT_NE(backend, nullptr);
  const ir::Shape image{2, 3, 5, 7};
  zoo::GraphBuilder b("flatten_fc", image);
  ir::Graph graph = b.Finish({b.FullyConnected("fc", b.Flatten("flat", b.input()), 6)});
  ASSERT_TRUE(CheckGraphSupport(*backend, graph).supported);
  zoo::MaterializeWeights(graph);
  const ir::Node* fc = nullptr;
  for (const ir::Node& node : graph.nodes()) {
    if (node.op == ir::OpKind::kFullyConnected) fc = &node;
  }
  ASSERT_NE(fc, nullptr);
  const std::vector<float>& weight = graph.value(fc->inputs[1]).data;  // [6, 105]
  const std::vector<float>& bias = graph.value(fc->inputs[2]).data;
  const std::vector<HostTensor> inputs = SeededInputs(graph);
  const int64_t features = 3 * 5 * 7;
  std::vector<double> expected;
  for (int64_t n = 0; n < 2; ++n) {
    for (int64_t o = 0; o < 6; ++o) {
      double sum = bias[static_cast<size_t>(o)];
      for (int64_t k = 0; k < features; ++k) {
        sum += static_cast<double>(weight[static_cast<size_t>(o * features + k)]) *
               inputs[0].data[static_cast<size_t>(n * features + k)];
      }
      expected.push_back(sum);
    }
  }
  std::vector<HostTensor> actual;
  const Status status = RunOnce(*backend, graph, {}, inputs, actual);
  ASSERT_TRUE(status.ok) << status.message;
  ASSERT_EQ(actual.size(), 1u);
  EXPECT_EQ(actual[0].shape, (ir::Shape{2, 6}));
  ASSERT_EQ(actual[0].data.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[0].data[i], expected[i], 1e-5) << "output " << i;
  }
}

// Graph outputs inside a foldable chain stop the folding there: the convolution, batch
// norm and relu outputs all come back.
TEST(XnnpackBackendTest, IntermediateOutputsSurviveFolding) {
  BackendHandle backend = CreateXnnpack();
  ASSERT_NE(backend, nullptr);
  zoo::GraphBuilder b("fused_outputs", {1, 3, 12, 12});
  const ir::ValueId conv = b.Conv2d("conv", b.input(), 8, 3, 1, 1);
  const ir::ValueId bn = b.BatchNorm("bn", conv);
  const ir::ValueId relu = b.Relu6("relu", bn);
  const ir::ValueId pool = b.AvgPool("pool", relu, {2, 2}, {2, 2});
  ExpectMatchesReference(*backend, b.Finish({pool, bn, conv}), {});
}

TEST(XnnpackBackendTest, RefusesOtherPrecisionsAndBadOptions) {
  BackendHandle backend = CreateXnnpack();
  ASSERT_NE(backend, nullptr);
  ir::Graph graph = ConvBnReluFc();
  zoo::MaterializeWeights(graph);
  std::unique_ptr<Session> session;
  ASSERT_TRUE(backend->Prepare(graph, {}, session).ok);
  for (const char* precision : {"int4", "bf16"}) {
    std::unique_ptr<Session> refused;
    const Status status = backend->Prepare(graph, {.threads = 1, .precision = precision}, refused);
    EXPECT_FALSE(status.ok) << precision;
    EXPECT_NE(status.message.find(precision), std::string::npos) << status.message;
    EXPECT_EQ(refused, nullptr);
  }
  EXPECT_FALSE(backend->Prepare(graph, {.threads = 0}, session).ok);
  EXPECT_FALSE(backend->Prepare(graph, {.threads = 1, .toggles = {"no-fusion"}}, session).ok);
  EXPECT_FALSE(backend->Prepare(ConvBnReluFc(), {}, session).ok);  // weights not materialized

  ASSERT_TRUE(backend->Prepare(graph, {}, session).ok);
  const Status wrong = session->SetInputs({HostTensor(ir::Shape{1, 3, 64, 64})});
  EXPECT_FALSE(wrong.ok);
  EXPECT_NE(wrong.message.find("1x3x64x64"), std::string::npos) << wrong.message;
  EXPECT_FALSE(session->SetInputs({}).ok);
}

TEST(XnnpackBackendTest, Int8RunsQuantizedOperatorsWithinTheInt8Bound) {
  BackendHandle backend = CreateXnnpack();
  ASSERT_NE(backend, nullptr);
  const ir::Graph graph = testing::SmallQuantizableModel(/*calibrate=*/true);
  const testing::PrecisionRun run =
      testing::RunAtPrecision(*backend, graph, {.threads = 1, .precision = "int8"});
  ASSERT_TRUE(run.prepared.ok) << run.prepared.message;
  EXPECT_LE(run.rel_l2, harness::ToleranceFor("int8"));
  EXPECT_GT(run.rel_l2, 1e-5);  // quantized: an fp32 run would be far closer
  testing::ExpectKernelsAt(run, "int8", 4);

  const testing::PrecisionRun fp32 = testing::RunAtPrecision(*backend, graph, {.threads = 1});
  ASSERT_TRUE(fp32.prepared.ok) << fp32.prepared.message;
  testing::ExpectKernelsAt(fp32, "fp32", 4);

  std::unique_ptr<Session> session;
  const Status uncalibrated = backend->Prepare(testing::SmallQuantizableModel(false),
                                               {.threads = 1, .precision = "int8"}, session);
  EXPECT_FALSE(uncalibrated.ok);
  EXPECT_NE(uncalibrated.message.find("CalibrateInt8"), std::string::npos) << uncalibrated.message;
}

// XNNPACK's forced fp16 needs F16C on x86 (its fp16 kernels convert through it): where the
// CPU has it a convolutional model runs fp16 within the fp16 bound, elsewhere it is refused
// with the reason. A fully connected layer has no fp16 operator in this XNNPACK: refused.
TEST(XnnpackBackendTest, ForcedFp16RunsOrIsRefusedWithTheReason) {
  BackendHandle backend = CreateXnnpack();
  ASSERT_NE(backend, nullptr);
  zoo::GraphBuilder b("conv-fp16", {1, 3, 16, 16});
  ir::ValueId y = b.Relu("relu1", b.Conv2d("conv1", b.input(), 8, 3, 1, 1));
  y = b.GlobalAvgPool("gap", b.Relu("relu2", b.BatchNorm("bn", b.Conv2d("conv2", y, 8, 3, 2, 1))));
  ir::Graph convolutional = b.Finish({y});
  zoo::MaterializeWeights(convolutional);
  const testing::PrecisionRun run =
      testing::RunAtPrecision(*backend, convolutional, {.threads = 1, .precision = "fp16"});
  if (__builtin_cpu_supports("f16c") && __builtin_cpu_supports("avx2")) {
    ASSERT_TRUE(run.prepared.ok) << run.prepared.message;
    EXPECT_LE(run.rel_l2, harness::ToleranceFor("fp16"));
    EXPECT_GT(run.rel_l2, 1e-6);  // half precision rounds: an fp32 run would be closer
    testing::ExpectKernelsAt(run, "fp16", 2);
  } else {
    ASSERT_FALSE(run.prepared.ok);
    EXPECT_NE(run.prepared.message.find("fp16 unsupported on this CPU"), std::string::npos)
        << run.prepared.message;
  }
  const testing::PrecisionRun with_fc = testing::RunAtPrecision(
      *backend, testing::SmallQuantizableModel(false), {.threads = 1, .precision = "fp16"});
  ASSERT_FALSE(with_fc.prepared.ok);
  EXPECT_NE(with_fc.prepared.message.find("fp16 unsupported"), std::string::npos)
      << with_fc.prepared.message;
}

}  // namespace
}  // namespace edgebench::backends
