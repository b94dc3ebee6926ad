#include "formats/darknet_export.h"

#include <fmt/format.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "formats/darknet_export_plan.h"

namespace edgebench::formats {
namespace {

static_assert(std::endian::native == std::endian::little,
              "Darknet .weights files are little-endian; this writer copies host floats");

template <typename T>
void AppendBytes(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

std::string CfgText(const ir::Graph& graph, const darknet::Plan& plan) {
  std::string cfg = fmt::format(
      "# {} written by edgebench for Darknet (pjreddie, 2018)\n"
      "[net]\nbatch=1\nsubdivisions=1\nwidth={}\nheight={}\nchannels={}\n",
      graph.name(), plan.width, plan.height, plan.channels);
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    const darknet::Layer& layer = plan.layers[i];
    cfg += fmt::format("\n# {}: {}\n[{}]\n", i, layer.origin, layer.type);
    for (const auto& [key, value] : layer.options) cfg += fmt::format("{}={}\n", key, value);
  }
  return cfg;
}

std::string WeightsBytes(const darknet::Plan& plan) {
  std::string bytes;
  AppendBytes<int32_t>(bytes, 0);   // major
  AppendBytes<int32_t>(bytes, 2);   // minor: from 0.2 on, `seen` is 64-bit
  AppendBytes<int32_t>(bytes, 0);   // revision
  AppendBytes<uint64_t>(bytes, 0);  // images seen in training
  for (const darknet::Layer& layer : plan.layers) {
    bytes.append(reinterpret_cast<const char*>(layer.params.data()),
                 layer.params.size() * sizeof(float));
  }
  return bytes;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw FormatError(fmt::format("cannot write {}", path));
}

}  // namespace

DarknetModel ExportDarknet(const ir::Graph& graph) {
  const darknet::Plan plan = darknet::PlanGraph(graph, /*with_weights=*/true);
  if (!plan.ok()) {
    throw UnsupportedModelError(fmt::format("'{}' cannot be written for Darknet: {}", graph.name(),
                                            plan.FirstProblem(graph)));
  }
  return {CfgText(graph, plan), WeightsBytes(plan), plan.output_layers};
}

void ExportDarknetFiles(const ir::Graph& graph, const std::string& cfg_path,
                        const std::string& weights_path) {
  const DarknetModel model = ExportDarknet(graph);
  WriteFile(cfg_path, model.cfg);
  WriteFile(weights_path, model.weights);
}

std::string DarknetUnsupportedReason(const ir::Graph& graph, const ir::Node& node) {
  try {
    const darknet::Plan plan = darknet::PlanGraph(graph, /*with_weights=*/false);
    if (!plan.graph_problem.empty()) return plan.graph_problem;
    for (size_t i = 0; i < graph.nodes().size(); ++i) {
      if (&graph.nodes()[i] == &node) return plan.node_problems[i];
    }
    return "the node is not part of the graph";
  } catch (const std::exception& error) {
    return fmt::format("cannot plan the graph for Darknet: {}", error.what());
  }
}

}  // namespace edgebench::formats
