// Debian's yolov3 / yolov3-tiny cfgs against the zoo's hand-built YOLO graphs: same MACs
// and output shapes at the cfg's size, and (given the zoo's weights, written as a
// .weights file) the same outputs up to the [yolo] layers' logistic.
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

void ExpectAgreesWithZoo(const std::string& cfg_name, const std::string& zoo_id, int64_t anchors,
                         int64_t classes) {
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
    // The zoo ends at the raw head; the import applies [yolo]'s logistic (not to w, h).
    const ir::Shape& shape = zoo_out[o].shape;
    const int64_t plane = shape[2] * shape[3];
    double error = 0;
    double norm = 0;
    for (size_t i = 0; i < zoo_out[o].data.size(); ++i) {
      const int64_t entry = (static_cast<int64_t>(i) / plane) % (classes + 5);
      const double raw = zoo_out[o].data[i];
      const double expected = (entry == 2 || entry == 3) ? raw : 1 / (1 + std::exp(-raw));
      error += (imported_out[o].data[i] - expected) * (imported_out[o].data[i] - expected);
      norm += expected * expected;
    }
    EXPECT_LE(std::sqrt(error / norm), 1e-4) << cfg_name << " output " << o;
    EXPECT_EQ(shape[1], anchors * (classes + 5));
  }
}

TEST(DarknetZooAgreement, YoloV3TinyMatchesTheZoo) {
  ExpectAgreesWithZoo("yolov3-tiny.cfg", "tiny-yolo", 3, 80);
}
TEST(DarknetZooAgreement, YoloV3MatchesTheZoo) {
  ExpectAgreesWithZoo("yolov3.cfg", "yolov3", 3, 80);
}

}  // namespace
}  // namespace edgebench::formats
