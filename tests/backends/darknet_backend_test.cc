// The darknet plugin's own contract: loading and version, graphs written as Darknet
// layers (folded batch norm, shortcut, route, upsample, several outputs) matching the
// reference, honest refusals (threads, precision, ops Darknet lacks), and a Darknet
// exit() while loading becoming one recorded failed job in the isolated worker. This
// binary doubles as the harness worker (its main), so the test-only backend below runs
// inside a real worker process.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "backends/darknet/darknet_session.h"
#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "formats/darknet_export.h"
#include "harness/job_runner.h"
#include "harness/verification.h"
#include "harness/worker.h"
#include "zoo/graph_builder.h"
#include "zoo/seeded_weights.h"

namespace edgebench::backends {
namespace {

const std::string kPluginDir = EDGEBENCH_PLUGIN_DIR;

// Darknet sums in another order (im2col + gemm) and normalizes by sqrt(var) + 1e-6:
// close to the reference, well inside the harness's 1e-4.
constexpr double kTolerance = 1e-5;

// Loads an exported model whose [net] section lost its image size: Darknet's parser then
// gives up ("No input parameters supplied") through error(), which asserts and exits.
class BrokenCfgBackend final : public Backend {
 public:
  std::string Id() const override { return "darknet-broken-cfg"; }
  std::string Version() const override { return "test"; }
  Support Supports(const ir::Graph&, const ir::Node&) const noexcept override { return {}; }
  Status Prepare(const ir::Graph& graph, const BackendOptions&,
                 std::unique_ptr<Session>&) noexcept override {
    try {
      formats::DarknetModel model = formats::ExportDarknet(graph);
      const size_t width = model.cfg.find("width=");
      model.cfg.erase(width, model.cfg.find("[convolutional]") - width);
      darknet::LoadNetwork(model, graph);
    } catch (const std::exception& error) {
      return Status::Error(error.what());
    }
    return Status::Error("Darknet accepted a cfg without an image size");
  }
};

BackendRegistry TestRegistry(const std::string& plugin_dir) {
  BackendRegistry registry = DefaultRegistry(plugin_dir);
  registry.RegisterBuiltin("darknet-broken-cfg", "test-only: Darknet given a broken cfg",
                           [] { return std::make_unique<BrokenCfgBackend>(); });
  return registry;
}

BackendHandle CreateDarknet() {
  std::string error;
  BackendHandle backend = DefaultRegistry(kPluginDir).Create("darknet", error);
  EXPECT_NE(backend, nullptr) << error;
  return backend;
}

// Supported, run on one thread, equal to the reference engine within kTolerance.
void ExpectMatchesReference(Backend& backend, ir::Graph graph) {
  const Support support = CheckGraphSupport(backend, graph);
  ASSERT_TRUE(support.supported) << support.reason;
  zoo::MaterializeWeights(graph, zoo::kDefaultWeightSeed);
  std::vector<HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    inputs.emplace_back(graph.value(id).shape,
                        zoo::SeededInput(graph.value(id).shape, zoo::kDefaultWeightSeed));
  }
  std::vector<HostTensor> expected;
  const Status reference = reference::RunReference(graph, inputs, expected);
  ASSERT_TRUE(reference.ok) << reference.message;
  std::unique_ptr<Session> session;
  Status status = backend.Prepare(graph, {.threads = 1}, session);
  if (status.ok) status = session->SetInputs(inputs);
  if (status.ok) status = session->Run();
  std::vector<HostTensor> actual;
  if (status.ok) status = session->GetOutputs(actual);
  ASSERT_TRUE(status.ok) << status.message;
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].shape, expected[i].shape) << "output " << i;
  }
  std::string error;
  const harness::Verification v = harness::CompareOutputs(expected, actual, kTolerance, error);
  EXPECT_TRUE(v.passed) << error;
  EXPECT_LE(v.rel_l2_error, kTolerance);
}

TEST(DarknetBackendTest, LoadsThroughTheRegistryAndNamesItsVersion) {
  BackendHandle backend = CreateDarknet();
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->Id(), "darknet");
  EXPECT_NE(backend->Version().find("Darknet git 2018-09-14"), std::string::npos)
      << backend->Version();
}

TEST(DarknetBackendTest, ConvBatchNormLeakyPoolFcSoftmaxMatchesTheReference) {
  BackendHandle backend = CreateDarknet();
  ASSERT_NE(backend, nullptr);
  zoo::GraphBuilder b("classifier", {1, 3, 13, 13});
  ir::ValueId v = b.Conv2d("conv", b.input(), 8, 3, 1, 1, /*bias=*/true);
  v = b.LeakyRelu("leaky", b.BatchNorm("bn", v), 0.1f);
  v = b.MaxPool("pool", v, {2, 2}, {2, 2});
  v = b.Conv2d("conv2", v, 8, 3, 2, 1, /*bias=*/true, /*groups=*/4);
  v = b.Sigmoid("sigmoid", b.BatchNorm("bn2", v));  // standalone: not after a conv alone
  v = b.FullyConnected("fc", b.Flatten("flat", v), 10);
  ExpectMatchesReference(*backend, b.Finish({b.Softmax("softmax", v)}));
}

TEST(DarknetBackendTest, ResidualRouteUpsampleAndSeveralOutputsMatchTheReference) {
  BackendHandle backend = CreateDarknet();
  ASSERT_NE(backend, nullptr);
  zoo::GraphBuilder b("yolo_like", {1, 3, 16, 16});
  const ir::ValueId stem = b.Relu("stem_relu", b.Conv2d("stem", b.input(), 8, 3, 1, 1));
  const ir::ValueId pooled = b.MaxPool("pool", stem, {2, 2}, {1, 1}, {{0, 0}, {1, 1}});
  const ir::ValueId down = b.Conv2d("down", pooled, 8, 3, 2, 1);
  // A strided 1x1 projection: Darknet skips im2col (and the stride) for 1x1 kernels.
  const ir::ValueId branch = b.Conv2d("projection", pooled, 8, 1, 2, 0);
  const ir::ValueId residual = b.Relu("res_relu", b.Add("res", down, branch));
  const ir::ValueId head1 = b.Conv2d("head1", residual, 6, 1, 1, 0);
  const ir::ValueId up = b.Upsample("up", residual, {2, 2});
  const ir::ValueId joined = b.Concat("join", {up, stem});
  const ir::ValueId head2 = b.Conv2d("head2", joined, 6, 1, 1, 0);
  ExpectMatchesReference(*backend, b.Finish({head1, head2, residual}));
}

TEST(DarknetBackendTest, InputReadTwiceAndGlobalPoolMatchTheReference) {
  BackendHandle backend = CreateDarknet();
  ASSERT_NE(backend, nullptr);
  zoo::GraphBuilder b("two_readers", {1, 4, 9, 9});
  const ir::ValueId a = b.Conv2d("a", b.input(), 4, 3, 1, 1);
  const ir::ValueId c = b.Conv2d("c", b.input(), 4, 1, 1, 0);
  ExpectMatchesReference(*backend, b.Finish({b.GlobalAvgPool("gap", b.Add("sum", a, c))}));
}

TEST(DarknetBackendTest, RefusesRelu6UpFrontNamingTheNode) {
  BackendHandle backend = CreateDarknet();
  ASSERT_NE(backend, nullptr);
  zoo::GraphBuilder b("with_relu6", {1, 3, 8, 8});
  ir::Graph graph = b.Finish({b.Relu6("clamp", b.Conv2d("conv", b.input(), 4, 3, 1, 1))});
  const Support support = CheckGraphSupport(*backend, graph);
  EXPECT_FALSE(support.supported);
  EXPECT_NE(support.reason.find("clamp"), std::string::npos) << support.reason;
  EXPECT_NE(support.reason.find("relu6"), std::string::npos) << support.reason;
}

TEST(DarknetBackendTest, RefusesMoreThanOneThreadAndOtherPrecisions) {
  BackendHandle backend = CreateDarknet();
  ASSERT_NE(backend, nullptr);
  zoo::GraphBuilder b("plain", {1, 3, 8, 8});
  ir::Graph graph = b.Finish({b.Conv2d("conv", b.input(), 4, 3, 1, 1)});
  zoo::MaterializeWeights(graph, 1);
  std::unique_ptr<Session> session;
  Status status = backend->Prepare(graph, {.threads = 2}, session);
  EXPECT_FALSE(status.ok);
  EXPECT_NE(status.message.find("one thread"), std::string::npos) << status.message;
  status = backend->Prepare(graph, {.threads = 1, .precision = "fp16"}, session);
  EXPECT_FALSE(status.ok);
  EXPECT_EQ(session, nullptr);
}

TEST(DarknetBackendTest, DarknetExitWhileLoadingIsARecordedFailedJobAndTheRunGoesOn) {
  harness::WorkerRequest request;
  request.mode = harness::WorkerRequest::Mode::kRun;
  request.config.model = "tiny-yolo@64";
  request.config.backend = "darknet-broken-cfg";
  request.config.weight_seed = 1;
  request.measure.warmup_runs = 1;
  request.measure.warmup_time = 0;
  request.measure.min_runs = 2;
  request.measure.min_time = 0;
  request.measure.max_runs = 2;
  request.measure.max_time = 5;
  request.plugin_dir = kPluginDir;
  request.cache_dir = testing::TempDir() + "/edgebench-darknet-test-cache";
  const harness::JobResult exited = harness::RunJobInWorker(request, {.timeout_seconds = 120});
  // Debian's libdarknet asserts inside error() before its exit(): either way the worker
  // dies and the job records why, with Darknet's own message from the worker's stderr.
  EXPECT_TRUE(exited.status == harness::JobStatus::kCrashed ||
              exited.status == harness::JobStatus::kExited)
      << exited.error;
  EXPECT_NE(exited.error.find("No input parameters supplied"), std::string::npos) << exited.error;

  request.config.backend = "darknet";
  const harness::JobResult next = harness::RunJobInWorker(request, {.timeout_seconds = 120});
  EXPECT_EQ(next.status, harness::JobStatus::kOk) << next.error;
}

}  // namespace
}  // namespace edgebench::backends

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], edgebench::harness::kWorkerArgument) == 0) {
    return edgebench::harness::WorkerMain(argc, argv, [](const std::string& plugin_dir) {
      return edgebench::backends::TestRegistry(plugin_dir);
    });
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
