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
#include "formats/darknet_import.h"
#include "formats/darknet_weights.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// A cfg at most `limit` pixels wide and high (the nets are fully convolutional up to
// their heads, or end in global pooling), crops 7/8 of that.
std::string Shrunk(const std::string& cfg, int64_t limit) {
  std::string out = cfg;
  for (const std::string key : {"width", "height", "crop_width", "crop_height"}) {
    const int64_t most = key.starts_with("crop_") ? limit * 7 / 8 : limit;
    std::smatch match;
    std::string pattern_text = "\n";
    pattern_text += key;
    pattern_text += " *= *([0-9]+)";
    const std::regex pattern(pattern_text);
    if (std::regex_search(out, match, pattern) && std::stoll(match[1]) > most) {
      std::string replacement = "\n";
      replacement += key;
      replacement += "=";
      replacement += std::to_string(most);
      out = std::regex_replace(out, pattern, replacement);
    }
  }
  return out;
}

// Random weights in Darknet's file layout, sized by the import's layer list: values are
// scaled by fan-in so activations stay in range, variances positive.
std::string RandomWeights(const ir::Graph& graph, const std::vector<DarknetLayerWeights>& layers) {
  std::string bytes;
  const int32_t header[3] = {0, 2, 0};
  bytes.append(reinterpret_cast<const char*>(header), sizeof(header));
  const uint64_t seen = 0;
  bytes.append(reinterpret_cast<const char*>(&seen), sizeof(seen));
  uint64_t state = 12345;
  auto uniform = [&](float lo, float hi) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return lo + (hi - lo) * static_cast<float>(state >> 40) / static_cast<float>(1 << 24);
  };
  auto append = [&](ir::ValueId id, float lo, float hi) {
    if (id == ir::kNoId) return;
    int64_t n = 1;
    for (int64_t d : graph.value(id).shape) n *= d;
    for (int64_t i = 0; i < n; ++i) {
      const float v = uniform(lo, hi);
      bytes.append(reinterpret_cast<const char*>(&v), sizeof(v));
    }
  };
  for (const DarknetLayerWeights& layer : layers) {
    const ir::Shape& shape = graph.value(layer.weight).shape;
    int64_t fan_in = 1;
    for (size_t i = 1; i < shape.size(); ++i) fan_in *= shape[i];
    const float range = std::sqrt(3.0f / static_cast<float>(fan_in));
    append(layer.bias, -0.1f, 0.1f);
    if (layer.connected) append(layer.weight, -range, range);
    append(layer.scale, 0.8f, 1.2f);
    append(layer.mean, -0.1f, 0.1f);
    append(layer.variance, 0.5f, 1.5f);
    if (!layer.connected) append(layer.weight, -range, range);
  }
  return bytes;
}

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
  // AlexNet's unpadded pools need more than 64 pixels to keep a window.
  const int64_t size = std::string(GetParam()) == "alexnet.cfg" ? 128 : 64;
  WriteBytes(cfg, Shrunk(ReadText(source), size));

  std::vector<DarknetLayerWeights> layers;
  ir::Graph structure = ImportDarknetCfg(ReadText(cfg), cfg.string(), {}, &layers);
  WriteBytes(weights, RandomWeights(structure, layers));
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
                                           "vgg-16.cfg", "strided.cfg", "alexnet.cfg"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace edgebench::formats
