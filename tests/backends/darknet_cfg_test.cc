// Debian's Darknet cfgs with a .weights file, imported and run on the darknet backend
// (which writes the graph back as cfg + weights and runs libdarknet) and on the
// reference engine: the two agree within the harness tolerance. Covers what the export
// writes back from an import: [shortcut] between shapes, [crop], [yolo], [region],
// [connected] and grouped [softmax].
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "darknet_test_files.h"
#include "formats/darknet_weights.h"
#include "harness/verification.h"
#include "zoo/seeded_weights.h"

namespace edgebench::backends {
namespace {

namespace fs = std::filesystem;

class DarknetBackendOnCfgs : public ::testing::TestWithParam<const char*> {};

TEST_P(DarknetBackendOnCfgs, AgreesWithTheReference) {
  const fs::path source = fs::path(DARKNET_CFG_DIR) / GetParam();
  if (!fs::exists(source)) GTEST_SKIP() << source << " absent (package darknet)";
  const fs::path dir =
      fs::temp_directory_path() / ("darknet_cfg_" + std::to_string(::getpid()) + "_" + GetParam());
  fs::create_directories(dir);
  formats::testing::WriteShrunkCfgWithWeights(source, dir);
  const ir::Graph graph =
      formats::LoadDarknetModel((dir / "net.cfg").string(), (dir / "net.weights").string(), 1);
  fs::remove_all(dir);

  std::string error;
  BackendHandle darknet = DefaultRegistry(EDGEBENCH_PLUGIN_DIR).Create("darknet", error);
  ASSERT_NE(darknet, nullptr) << error;
  const Support support = CheckGraphSupport(*darknet, graph);
  ASSERT_TRUE(support.supported) << support.reason;

  const ir::Shape& shape = graph.value(graph.inputs()[0]).shape;
  const std::vector<HostTensor> inputs{HostTensor(shape, zoo::SeededInput(shape, 5))};
  std::vector<HostTensor> expected;
  const Status reference = reference::RunReference(graph, inputs, expected);
  ASSERT_TRUE(reference.ok) << reference.message;

  std::unique_ptr<Session> session;
  Status status = darknet->Prepare(graph, {.threads = 1}, session);
  if (status.ok) status = session->SetInputs(inputs);
  if (status.ok) status = session->Run();
  std::vector<HostTensor> actual;
  if (status.ok) status = session->GetOutputs(actual);
  ASSERT_TRUE(status.ok) << status.message;
  const harness::Verification v = harness::CompareOutputs(expected, actual, 1e-4, error);
  EXPECT_TRUE(v.passed) << error;
  EXPECT_LE(v.rel_l2_error, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(DebianCfgs, DarknetBackendOnCfgs,
                         ::testing::Values("resnet18.cfg", "resnet50.cfg", "vgg-16.cfg",
                                           "alexnet.cfg", "darknet19.cfg", "yolov3-tiny.cfg",
                                           "yolov3.cfg", "yolov2-tiny-voc.cfg"),
                         formats::testing::CfgTestName());

}  // namespace
}  // namespace edgebench::backends
