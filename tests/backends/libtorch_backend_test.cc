// The LibTorch plugin's own contract (ids, threads, precisions, input checks, session
// lifetime). Its numerics against the reference -- every op construct and zoo model --
// are in backend_consistency_test.cc, shared by all backends.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "ir/shape_inference.h"
#include "libtorch_test_backend.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::backends {
namespace {

const std::string kPluginDir = EDGEBENCH_PLUGIN_DIR;
const char* const kModes[] = {"libtorch-eager", "libtorch-script"};

std::vector<HostTensor> SeededInputs(const ir::Graph& graph) {
  std::vector<HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    const ir::Shape& shape = graph.value(id).shape;
    inputs.emplace_back(shape, zoo::SeededInput(shape));
  }
  return inputs;
}

// ---------------------------------------------------------------------------------------
// Plugin surface

TEST(LibTorchPluginTest, ServesBothIdsAndRefusesOthers) {
  for (const char* mode : kModes) {
    Backend& backend = testing::LibTorchBackend(mode);
    EXPECT_EQ(backend.Id(), mode);
    EXPECT_NE(backend.Version().find("LibTorch 1."), std::string::npos) << backend.Version();
    std::printf("[ version  ] %s: %s\n", mode, backend.Version().c_str());
  }
  EXPECT_NE(testing::LibTorchBackend("libtorch-script").Version().find("freeze"),
            std::string::npos);
  BackendRegistry registry(kPluginDir);
  registry.DeclarePlugin("libtorch-gpu", "not served", "libedgebench_libtorch.so");
  std::string error;
  EXPECT_EQ(registry.Create("libtorch-gpu", error), nullptr);
  EXPECT_NE(error.find("does not serve"), std::string::npos) << error;
}

TEST(LibTorchPluginTest, LimitsOpenBlasToOneThreadPerCaller) {
  testing::LibTorchBackend("libtorch-eager");  // loading the plugin applies the limit
  const char* setting = std::getenv("OPENBLAS_NUM_THREADS");
  ASSERT_NE(setting, nullptr);
  void* blas = dlopen("libblas.so.3", RTLD_LAZY | RTLD_NOLOAD);
  if (blas == nullptr) GTEST_SKIP() << "torch loaded no libblas.so.3";
  using GetThreadsFn = int (*)();
  auto get_threads = reinterpret_cast<GetThreadsFn>(dlsym(blas, "openblas_get_num_threads"));
  if (get_threads != nullptr && std::string(setting) == "1") {
    // The running library, not only the environment, was told (it read the variable
    // before the plugin could set it).
    EXPECT_EQ(get_threads(), 1);
  }
  dlclose(blas);
}

TEST(LibTorchPluginTest, RejectsOtherPrecisionsAndTypes) {
  ir::Graph graph("relu");
  const ir::ValueId x = graph.AddInput("x", {1, 2, 3, 3});
  graph.MarkOutput(graph.AddNode("relu", ir::OpKind::kRelu, {}, {x}));
  ir::InferShapes(graph);
  for (const char* mode : kModes) {
    std::unique_ptr<Session> session;
    const Status status =
        testing::LibTorchBackend(mode).Prepare(graph, {.threads = 1, .precision = "fp16"}, session);
    EXPECT_FALSE(status.ok);
    EXPECT_NE(status.message.find("fp16 unsupported on this backend"), std::string::npos)
        << status.message;
    // int8 (libtorch_int8_test.cc) needs a calibrated graph.
    const Status int8 =
        testing::LibTorchBackend(mode).Prepare(graph, {.threads = 1, .precision = "int8"}, session);
    EXPECT_FALSE(int8.ok);
    EXPECT_NE(int8.message.find("CalibrateInt8"), std::string::npos) << int8.message;
  }
  ir::Graph half("relu-f16");
  const ir::ValueId h = half.AddInput("x", {1, 2, 3, 3}, ir::DType::kF16);
  half.MarkOutput(half.AddNode("relu", ir::OpKind::kRelu, {}, {h}));
  ir::InferShapes(half);
  for (const char* mode : kModes) {
    const Support support = CheckGraphSupport(testing::LibTorchBackend(mode), half);
    EXPECT_FALSE(support.supported);
    EXPECT_NE(support.reason.find("f32"), std::string::npos) << support.reason;
  }
}

TEST(LibTorchPluginTest, PrepareNamesWeightsWithoutData) {
  const ir::Graph graph = zoo::BuildModel("cifarnet");  // weights described, not materialized
  for (const char* mode : kModes) {
    std::unique_ptr<Session> session;
    const Status status = testing::LibTorchBackend(mode).Prepare(graph, {.threads = 1}, session);
    EXPECT_FALSE(status.ok) << mode;
    EXPECT_NE(status.message.find("not materialized"), std::string::npos) << status.message;
  }
}

TEST(LibTorchPluginTest, SessionChecksInputsAndReusesBuffers) {
  ir::Graph graph = zoo::BuildModel("cifarnet");
  zoo::MaterializeWeights(graph);
  const std::vector<HostTensor> inputs = SeededInputs(graph);
  for (const char* mode : kModes) {
    std::unique_ptr<Session> session;
    ASSERT_TRUE(testing::LibTorchBackend(mode).Prepare(graph, {.threads = 1}, session).ok);
    std::vector<HostTensor> outputs;
    EXPECT_FALSE(session->GetOutputs(outputs).ok);  // nothing has run yet
    EXPECT_FALSE(session->SetInputs({HostTensor({1, 3, 16, 16})}).ok);
    ASSERT_TRUE(session->SetInputs(inputs).ok);
    ASSERT_TRUE(session->Run().ok);
    ASSERT_TRUE(session->GetOutputs(outputs).ok);
    // A second run on new inputs must see them (inputs are copied, not captured).
    std::vector<HostTensor> other = inputs;
    for (float& v : other[0].data) v = -v;
    std::vector<HostTensor> again;
    ASSERT_TRUE(session->SetInputs(other).ok);
    ASSERT_TRUE(session->Run().ok);
    ASSERT_TRUE(session->GetOutputs(again).ok);
    EXPECT_NE(outputs[0].data, again[0].data) << mode;
    // And the original inputs reproduce the original outputs exactly.
    ASSERT_TRUE(session->SetInputs(inputs).ok);
    ASSERT_TRUE(session->Run().ok);
    ASSERT_TRUE(session->GetOutputs(again).ok);
    EXPECT_EQ(outputs[0].data, again[0].data) << mode;
  }
}

TEST(LibTorchPluginTest, SessionOutlivesItsGraph) {
  const std::vector<HostTensor> inputs = SeededInputs(zoo::BuildModel("cifarnet"));
  for (const char* mode : kModes) {
    std::unique_ptr<Session> session;
    {
      ir::Graph graph = zoo::BuildModel("cifarnet");
      zoo::MaterializeWeights(graph);
      ASSERT_TRUE(testing::LibTorchBackend(mode).Prepare(graph, {.threads = 1}, session).ok);
    }
    std::vector<HostTensor> outputs;
    ASSERT_TRUE(session->SetInputs(inputs).ok);
    ASSERT_TRUE(session->Run().ok) << mode;
    ASSERT_TRUE(session->GetOutputs(outputs).ok);
    EXPECT_EQ(outputs[0].shape, (ir::Shape{1, 10}));
  }
}

}  // namespace
}  // namespace edgebench::backends
