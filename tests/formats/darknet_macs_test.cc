// For every cfg Debian's darknet package ships: the import's convolution MACs equal
// Darknet's own per-layer BFLOPs / 2, as Darknet prints them when it parses the cfg
// (run at test time through darknet_oracle). Also lists which cfgs import.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "formats/darknet_import.h"
#include "formats/onnx.h"
#include "ir/cost.h"

namespace edgebench::formats {
namespace {

// Darknet's printed BFLOPs per layer index, from "  12 conv  ... 0.639 BFLOPs".
std::map<int, double> DarknetBflops(const std::string& cfg) {
  const std::string command = std::string(DARKNET_ORACLE) + " table '" + cfg + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::map<int, double> bflops;
  if (!pipe) return bflops;
  char buffer[4096];
  while (std::fgets(buffer, sizeof(buffer), pipe)) {
    std::string line = buffer;
    const size_t unit = line.find("BFLOPs");
    if (unit == std::string::npos) continue;
    std::istringstream head(line);
    int index = -1;
    head >> index;
    const size_t value_start = line.find_last_of(' ', unit - 2);
    bflops[index] = std::stod(line.substr(value_start + 1, unit - value_start - 1));
  }
  pclose(pipe);
  return bflops;
}

TEST(DarknetMacs, ConvolutionMacsMatchDarknetsPrintout) {
  const std::filesystem::path dir = DARKNET_CFG_DIR;
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " absent (package darknet)";
  int supported = 0;
  int compared_layers = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".cfg") continue;
    const std::string cfg = entry.path().string();
    ir::Graph graph;
    try {
      graph = ImportDarknetCfgFile(cfg);
    } catch (const FormatError& error) {
      std::printf("unsupported %s: %s\n", entry.path().filename().c_str(), error.what());
      continue;
    }
    ++supported;
    const std::map<int, double> bflops = DarknetBflops(cfg);
    EXPECT_FALSE(bflops.empty()) << cfg << ": no BFLOPs from Darknet";
    double darknet_total = 0;
    double imported_total = 0;
    for (const auto& [layer, value] : bflops) {
      const ir::ValueId conv = graph.FindValue("layer" + std::to_string(layer) + "_conv");
      ASSERT_NE(conv, ir::kNoId) << cfg << ": Darknet's layer " << layer << " is a convolution";
      const double macs =
          static_cast<double>(ir::CountNode(graph, graph.node(graph.value(conv).producer)).macs);
      EXPECT_NEAR(2 * macs / 1e9, value, 0.0005 + 1e-9) << cfg << " layer " << layer;
      darknet_total += value;
      imported_total += 2 * macs / 1e9;
      ++compared_layers;
    }
    int64_t import_convs = 0;
    for (const ir::Node& node : graph.nodes()) import_convs += node.op == ir::OpKind::kConv;
    EXPECT_EQ(import_convs, static_cast<int64_t>(bflops.size())) << cfg;
    std::printf("supported %s: %zu conv layers, Darknet %.3f BFLOPs, import %.3f\n",
                entry.path().filename().c_str(), bflops.size(), darknet_total, imported_total);
  }
  EXPECT_GT(supported, 20);
  RecordProperty("supported_cfgs", supported);
  RecordProperty("compared_layers", compared_layers);
}

}  // namespace
}  // namespace edgebench::formats
