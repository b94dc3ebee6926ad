#include "backends/opencv/layer_groups.h"

#include <algorithm>
#include <string_view>

namespace edgebench::backends::opencv {

std::string IrNodeOfLayer(const std::string& full_name,
                          const std::map<std::string, std::string>& producers) {
  // OpenCV 4.6's ONNX importer names a layer "onnx_node!" + the ONNX node's name.
  constexpr std::string_view kImporterPrefix = "onnx_node!";
  const std::string layer =
      full_name.starts_with(kImporterPrefix) ? full_name.substr(kImporterPrefix.size()) : full_name;
  if (auto exact = producers.find(layer); exact != producers.end()) return exact->second;
  // The longest IR name that `layer` extends with "_..." (an extra node of the exporter's
  // expansion) or "/..." (one of the importer's own for that node).
  std::string best_value;
  std::string best_node;
  for (const auto& [value, node] : producers) {
    if (value.size() > best_value.size() && layer.size() > value.size() + 1 &&
        layer.compare(0, value.size(), value) == 0 &&
        (layer[value.size()] == '_' || layer[value.size()] == '/')) {
      best_value = value;
      best_node = node;
    }
  }
  return best_node;
}

std::vector<LayerTime> GroupLayers(const std::vector<NetLayer>& layers,
                                   const std::map<std::string, std::string>& producers) {
  std::vector<LayerTime> rows;
  std::vector<int> row_of(layers.size(), -1);  // by layer: the row holding its work
  for (size_t i = 0; i < layers.size(); ++i) {
    const NetLayer& layer = layers[i];
    const std::string node = IrNodeOfLayer(layer.name, producers);
    int absorber = -1;
    if (layer.seconds == 0 && layer.type != "Concat") {
      for (int input : layer.inputs) {
        if (input >= 0 && static_cast<size_t>(input) < i && row_of[input] >= 0) {
          absorber = std::max(absorber, input);
        }
      }
    }
    if (absorber >= 0) {
      LayerTime& row = rows[static_cast<size_t>(row_of[absorber])];
      if (!node.empty() &&
          std::find(row.ir_nodes.begin(), row.ir_nodes.end(), node) == row.ir_nodes.end()) {
        row.ir_nodes.push_back(node);
      }
      row_of[i] = row_of[absorber];
      continue;
    }
    row_of[i] = static_cast<int>(rows.size());
    rows.push_back(
        {.layer = layer.name,
         .ir_nodes = node.empty() ? std::vector<std::string>{} : std::vector<std::string>{node},
         .kind = layer.type,
         .seconds = layer.seconds});
  }
  return rows;
}

}  // namespace edgebench::backends::opencv
