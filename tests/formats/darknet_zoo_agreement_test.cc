// Debian's yolov3, yolov3-tiny and yolov2-tiny-voc cfgs against the zoo's hand-built YOLO
// graphs: same MACs and output shapes at the cfg's size, and (given the zoo's weights,
// written as a .weights file) the same outputs up to the heads' activations.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "backends/reference/reference_backend.h"
#include "formats/darknet_import.h"
#include "formats/darknet_weights.h"
#include "ir/cost.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {
namespace {

const char kDebianCfgs[] = DARKNET_CFG_DIR;

// Writes a .weights file independently of the reader: header 0.2.0, uint64 seen.
class WeightsWriter {
 public:
  WeightsWriter() {
    const int32_t header[3] = {0, 2, 0};
    Append(header, sizeof(header));
    const uint64_t seen = 12345;
    Append(&seen, sizeof(seen));
  }
  void Floats(const std::vector<float>& values) {
    Append(values.data(), values.size() * sizeof(float));
  }
  std::string bytes;

 private:
  void Append(const void* data, size_t size) { bytes.append(static_cast<const char*>(data), size); }
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  const std::string path =
      (std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "_" + name)).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::vector<ir::NodeId> NodesOf(const ir::Graph& graph, ir::OpKind op) {
  std::vector<ir::NodeId> ids;
  for (size_t i = 0; i < graph.nodes().size(); ++i) {
    if (graph.nodes()[i].op == op) ids.push_back(static_cast<ir::NodeId>(i));
  }
  return ids;
}

// The zoo graph's weights as a .weights file, conv by conv (both follow the cfg order).
std::string ZooWeightsAsDarknet(const ir::Graph& zoo) {
  WeightsWriter w;
  for (ir::NodeId id : NodesOf(zoo, ir::OpKind::kConv)) {
    const ir::Node& conv = zoo.node(id);
    const ir::Node* bn = nullptr;
    for (const ir::Node& node : zoo.nodes()) {
      if (node.op == ir::OpKind::kBatchNorm && node.inputs[0] == conv.outputs[0]) bn = &node;
    }
    if (bn) {
      const float epsilon = std::get<ir::BatchNormAttrs>(bn->attrs).epsilon;
      w.Floats(zoo.value(bn->inputs[2]).data);
      w.Floats(zoo.value(bn->inputs[1]).data);
      w.Floats(zoo.value(bn->inputs[3]).data);
      // Darknet divides by sqrt(v) + 1e-6; the zoo by sqrt(var + epsilon).
      std::vector<float> variance = zoo.value(bn->inputs[4]).data;
      for (float& v : variance) {
        const double root = std::sqrt(static_cast<double>(v) + epsilon) - 1e-6;
        v = static_cast<float>(root * root);
      }
      w.Floats(variance);
    } else {
      w.Floats(zoo.value(conv.inputs[2]).data);
    }
    w.Floats(zoo.value(conv.inputs[1]).data);
  }
  return w.bytes;
}

std::string WithSize(std::string cfg, int size) {
  cfg =
      std::regex_replace(cfg, std::regex("\nwidth *= *[0-9]+"), "\nwidth=" + std::to_string(size));
  return std::regex_replace(cfg, std::regex("\nheight *= *[0-9]+"),
                            "\nheight=" + std::to_string(size));
}

// The zoo ends at the raw head tensor; Darknet's [yolo] applies logistic to every entry
// but w and h, [region] logistic to x, y and objectness and a softmax across classes.
std::vector<float> HeadActivations(const backends::HostTensor& raw, int64_t classes, bool region) {
  const int64_t plane = raw.shape[2] * raw.shape[3];
  const int64_t per_anchor = classes + 5;
  const int64_t anchors = raw.shape[1] / per_anchor;
  std::vector<float> out(raw.data.size());
  auto at = [&](int64_t a, int64_t entry, int64_t p) {
    return static_cast<size_t>((a * per_anchor + entry) * plane + p);
  };
  for (int64_t a = 0; a < anchors; ++a) {
    for (int64_t p = 0; p < plane; ++p) {
      double sum = 0;
      for (int64_t c = 5; c < per_anchor; ++c) sum += std::exp(double(raw.data[at(a, c, p)]));
      for (int64_t e = 0; e < per_anchor; ++e) {
        const double x = raw.data[at(a, e, p)];
        double y = 1 / (1 + std::exp(-x));
        if (e == 2 || e == 3) y = x;
        if (region && e >= 5) y = std::exp(x) / sum;
        out[at(a, e, p)] = static_cast<float>(y);
      }
    }
  }
  return out;
}

void ExpectAgreesWithZoo(const std::string& cfg_name, const std::string& zoo_id, int64_t anchors,
                         int64_t classes, bool region = false) {
  const std::string cfg_path = std::string(kDebianCfgs) + "/" + cfg_name;
  if (!std::filesystem::exists(cfg_path)) GTEST_SKIP() << cfg_path << " absent (package darknet)";
  // At the cfg's own size: MACs and output shapes.
  ir::Graph imported = ImportDarknetCfgFile(cfg_path);
  const ir::Shape input = imported.value(imported.inputs()[0]).shape;
  ir::Graph zoo =
      zoo::BuildModel(zoo_id + "@" + std::to_string(input[2]) + "x" + std::to_string(input[3]));
  EXPECT_EQ(ir::CountGraph(imported).macs, ir::CountGraph(zoo).macs);
  ASSERT_EQ(imported.outputs().size(), zoo.outputs().size());
  for (size_t i = 0; i < zoo.outputs().size(); ++i) {
    EXPECT_EQ(imported.value(imported.outputs()[i]).shape, zoo.value(zoo.outputs()[i]).shape);
  }

  // At a small size, outputs for the zoo's weights written as a .weights file.
  const int size = 64;
  ir::Graph small_zoo = zoo::BuildModel(zoo_id + "@64x64");
  zoo::MaterializeWeights(small_zoo, 11);
  const std::string cfg_copy = WriteTemp(cfg_name, WithSize(ReadText(cfg_path), size));
  const std::string weights = WriteTemp(cfg_name + ".weights", ZooWeightsAsDarknet(small_zoo));
  ir::Graph loaded = LoadDarknetModel(cfg_copy, weights, 3);
  std::filesystem::remove(cfg_copy);
  std::filesystem::remove(weights);

  const ir::Shape small_input = small_zoo.value(small_zoo.inputs()[0]).shape;
  std::vector<backends::HostTensor> inputs{
      backends::HostTensor(small_input, zoo::SeededInput(small_input, 5))};
  std::vector<backends::HostTensor> zoo_out;
  std::vector<backends::HostTensor> imported_out;
  ASSERT_TRUE(backends::reference::RunReference(small_zoo, inputs, zoo_out).ok);
  ASSERT_TRUE(backends::reference::RunReference(loaded, inputs, imported_out).ok);
  ASSERT_EQ(zoo_out.size(), imported_out.size());
  for (size_t o = 0; o < zoo_out.size(); ++o) {
    const std::vector<float> expected = HeadActivations(zoo_out[o], classes, region);
    const std::vector<float>& actual = imported_out[o].data;
    ASSERT_EQ(actual.size(), expected.size());
    double error = 0;
    double norm = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
      error += (actual[i] - double(expected[i])) * (actual[i] - double(expected[i]));
      norm += double(expected[i]) * expected[i];
    }
    EXPECT_LE(std::sqrt(error / norm), 1e-4) << cfg_name << " output " << o;
    EXPECT_EQ(zoo_out[o].shape[1], anchors * (classes + 5));
  }
}

TEST(DarknetZooAgreement, YoloV3TinyMatchesTheZoo) {
  ExpectAgreesWithZoo("yolov3-tiny.cfg", "tiny-yolo", 3, 80);
}
TEST(DarknetZooAgreement, YoloV3MatchesTheZoo) {
  ExpectAgreesWithZoo("yolov3.cfg", "yolov3", 3, 80);
}
TEST(DarknetZooAgreement, YoloV2TinyVocMatchesTheZoo) {
  ExpectAgreesWithZoo("yolov2-tiny-voc.cfg", "tiny-yolo-v2-voc", 5, 20, /*region=*/true);
}

}  // namespace
}  // namespace edgebench::formats
