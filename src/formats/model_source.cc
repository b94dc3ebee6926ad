#include "formats/model_source.h"

#include "formats/onnx.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {

bool IsModelFile(const std::string& model) {
  return model.size() > 5 && model.compare(model.size() - 5, 5, ".onnx") == 0;
}

ir::Graph LoadModel(const std::string& model, uint64_t weight_seed) {
  if (IsModelFile(model)) return ImportOnnxFile(model);
  ir::Graph graph = zoo::BuildModel(model);
  zoo::MaterializeWeights(graph, weight_seed);
  return graph;
}

ir::Graph LoadModelStructure(const std::string& model) {
  return IsModelFile(model) ? ImportOnnxFile(model) : zoo::BuildModel(model);
}

}  // namespace edgebench::formats
