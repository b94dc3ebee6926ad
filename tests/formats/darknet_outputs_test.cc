// The import's outputs against Darknet's own forward pass (run at test time through
// darknet_oracle) for Debian's cfgs, shrunk to at most 64x64 (AlexNet 128x128), with random weights
// written as a .weights file: every layer kind, activation and head the cfgs use.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "backends/reference/reference_backend.h"
#include "darknet_test_files.h"
#include "formats/darknet_import.h"
#include "formats/darknet_weights.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::WriteBytes;

double RelativeL2(const std::vector<float>& actual, const std::vector<float>& expected) {
  double error = 0;
  double norm = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    error += (actual[i] - expected[i]) * double(actual[i] - expected[i]);
    norm += expected[i] * double(expected[i]);
  }
  return std::sqrt(error / std::max(norm, 1e-30));
}

class DarknetOutputs : public ::testing::TestWithParam<const char*> {};

TEST_P(DarknetOutputs, MatchDarknetsForwardPass) {
  const fs::path source = fs::path(DARKNET_CFG_DIR) / GetParam();
  if (!fs::exists(source)) GTEST_SKIP() << source << " absent (package darknet)";
  const fs::path dir = fs::temp_directory_path() /
                       ("darknet_outputs_" + std::to_string(::getpid()) + "_" + GetParam());
  fs::create_directories(dir);
  const fs::path cfg = dir / "net.cfg";
  const fs::path weights = dir / "net.weights";
  testing::WriteShrunkCfgWithWeights(source, dir);
  ir::Graph graph = LoadDarknetModel(cfg.string(), weights.string(), 1);

  const ir::Shape input_shape = graph.value(graph.inputs()[0]).shape;
  const std::vector<float> input = zoo::SeededInput(input_shape, 9);
  WriteBytes(dir / "input.f32",
             std::string(reinterpret_cast<const char*>(input.data()), input.size() * 4));
  const std::string command = std::string(DARKNET_ORACLE) + " predict '" + cfg.string() + "' '" +
                              weights.string() + "' '" + (dir / "input.f32").string() + "' '" +
                              (dir / "output.f32").string() + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string darknet_bytes = ReadText(dir / "output.f32");
  fs::remove_all(dir);

  std::vector<backends::HostTensor> outputs;
  backends::Status status =
      backends::reference::RunReference(graph, {backends::HostTensor(input_shape, input)}, outputs);
  ASSERT_TRUE(status.ok) << status.message;
  size_t offset = 0;
  for (size_t o = 0; o < outputs.size(); ++o) {
    const size_t bytes = outputs[o].data.size() * sizeof(float);
    ASSERT_LE(offset + bytes, darknet_bytes.size()) << "Darknet wrote fewer outputs";
    std::vector<float> expected(outputs[o].data.size());
    std::memcpy(expected.data(), darknet_bytes.data() + offset, bytes);
    offset += bytes;
    EXPECT_LE(RelativeL2(outputs[o].data, expected), 1e-4) << GetParam() << " output " << o;
  }
  EXPECT_EQ(offset, darknet_bytes.size()) << "Darknet wrote more outputs";
}

INSTANTIATE_TEST_SUITE_P(DebianCfgs, DarknetOutputs,
                         ::testing::Values("yolov3-tiny.cfg", "yolov3.cfg", "yolov3-spp.cfg",
                                           "yolov2-tiny-voc.cfg", "yolov2.cfg", "darknet.cfg",
                                           "darknet19.cfg", "darknet53.cfg", "tiny.cfg",
                                           "cifar.cfg", "cifar.test.cfg", "densenet201.cfg",
                                           "extraction.cfg", "jnet-conv.cfg", "writing.cfg",
                                           "resnet18.cfg", "resnet50.cfg", "resnext50.cfg",
                                           "vgg-16.cfg", "strided.cfg", "alexnet.cfg",
                                           "yolov1-tiny.cfg", "t1.test.cfg"),
                         testing::CfgTestName());

}  // namespace
}  // namespace edgebench::formats
