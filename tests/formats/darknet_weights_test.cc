// .weights reading: Darknet's layer order and header variants, truncated and oversized
// files, seeded weights.
#include "formats/darknet_weights.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "formats/darknet_import.h"
#include "formats/onnx.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {
namespace {

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

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  const std::string path =
      (std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "_" + name)).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::vector<float> Range(size_t n, float start) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = start + 0.5f * static_cast<float>(i);
  return v;
}

constexpr char kSmallCfg[] =
    "[net]\nwidth=2\nheight=2\nchannels=1\n"
    "[convolutional]\nfilters=2\nsize=1\nbatch_normalize=1\nactivation=linear\n"
    "[connected]\noutput=3\nactivation=linear\n";

TEST(DarknetWeights, ReadsLayersInDarknetOrder) {
  std::vector<DarknetLayerWeights> layers;
  ir::Graph graph = ImportDarknetCfg(kSmallCfg, "t", {}, &layers);
  ASSERT_EQ(layers.size(), 2u);
  WeightsWriter w;
  w.Floats({1, 2});        // conv biases
  w.Floats({3, 4});        // scales
  w.Floats({5, 6});        // rolling mean
  w.Floats({4, 9});        // rolling variance
  w.Floats({7, 8});        // weights [2][1][1][1]
  w.Floats({10, 11, 12});  // fc biases
  w.Floats(Range(24, 0));  // fc weights [3][8]
  ReadDarknetWeights(graph, layers, w.bytes, "t.weights");
  EXPECT_EQ(graph.value(layers[0].bias).data, (std::vector<float>{1, 2}));
  EXPECT_EQ(graph.value(layers[0].scale).data, (std::vector<float>{3, 4}));
  EXPECT_EQ(graph.value(layers[0].mean).data, (std::vector<float>{5, 6}));
  EXPECT_NEAR(graph.value(layers[0].variance).data[1], (3 + 1e-6) * (3 + 1e-6) - 1e-12, 1e-6);
  EXPECT_EQ(graph.value(layers[0].weight).data, (std::vector<float>{7, 8}));
  EXPECT_EQ(graph.value(layers[1].bias).data, (std::vector<float>{10, 11, 12}));
  EXPECT_EQ(graph.value(layers[1].weight).data, Range(24, 0));

  // Truncated: names the connected layer (layer 1, line 10).
  std::string truncated = w.bytes.substr(0, w.bytes.size() - 4);
  try {
    ReadDarknetWeights(graph, layers, truncated, "t.weights");
    ADD_FAILURE() << "truncated file accepted";
  } catch (const FormatError& error) {
    EXPECT_NE(std::string(error.what()).find("layer 1 (cfg line 10)"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(ReadDarknetWeights(graph, layers, w.bytes + "xxxx", "t.weights"), FormatError);
  EXPECT_THROW(ReadDarknetWeights(graph, layers, "abc", "t.weights"), FormatError);
}

TEST(DarknetWeights, OldHeadersAndTransposedConnectedWeights) {
  const std::string cfg = "[net]\nwidth=1\nheight=1\nchannels=2\n[connected]\noutput=3\n";
  std::vector<DarknetLayerWeights> layers;
  ir::Graph graph = ImportDarknetCfg(cfg, "t", {}, &layers);
  std::string bytes;
  const int32_t header[4] = {0, 1, 0, 77};  // 0.1: int32 seen
  bytes.append(reinterpret_cast<const char*>(header), sizeof(header));
  const float values[9] = {1, 2, 3, 10, 20, 30, 40, 50, 60};
  bytes.append(reinterpret_cast<const char*>(values), sizeof(values));
  ReadDarknetWeights(graph, layers, bytes, "t");
  EXPECT_EQ(graph.value(layers[0].weight).data, (std::vector<float>{10, 20, 30, 40, 50, 60}));
  EXPECT_EQ(ReadDarknetWeightsHeader(bytes, "t").seen, 77u);

  const int32_t transposed[4] = {1001, 0, 0, 0};  // major > 1000: [in][out], int32 seen
  std::memcpy(bytes.data(), transposed, sizeof(transposed));
  ReadDarknetWeights(graph, layers, bytes, "t");
  // File [2][3] = {10 20 30; 40 50 60} -> [3][2].
  EXPECT_EQ(graph.value(layers[0].weight).data, (std::vector<float>{10, 40, 20, 50, 30, 60}));
}

TEST(DarknetWeights, SeededWeightsKeepVariancesPositive) {
  const std::string path = WriteTemp("small.cfg", kSmallCfg);
  ir::Graph graph = LoadDarknetModel(path, "", 7);
  for (const ir::Value& value : graph.values()) {
    if (value.role != ir::WeightRole::kBnVariance) continue;
    for (float v : value.data) EXPECT_GT(v, 0.0f);
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace edgebench::formats
