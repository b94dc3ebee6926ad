#include "formats/model_source.h"

#include <fmt/format.h>

#include <filesystem>

#include "formats/darknet_import.h"
#include "formats/darknet_weights.h"
#include "formats/onnx.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {
namespace {

// The zoo's graphs name their one input so.
constexpr char kZooInputName[] = "input";

ir::Graph ImportWithShapes(const std::string& path, const InputShapes& shapes) {
  return ImportOnnxFile(path, OnnxImportOptions{.input_shapes = shapes});
}

// A Darknet cfg fixes its input size ([net] width/height/channels): a given shape must
// be that one.
void CheckDarknetShapes(const ir::Graph& graph, const InputShapes& shapes) {
  const ir::Value& input = graph.value(graph.inputs().at(0));
  for (const auto& [name, shape] : shapes) {
    if ((!name.empty() && name != input.name) || shape != input.shape) {
      throw InputShapeError(fmt::format(
          "input shape {}{} does not fit: the Darknet cfg's input '{}' is {} (set width, "
          "height and channels in its [net] section to change it)",
          name.empty() ? "" : name + ":", ir::ShapeToString(shape), input.name,
          ir::ShapeToString(input.shape)));
    }
  }
}

ir::Graph LoadDarknet(const std::string& model, uint64_t weight_seed, bool with_weights,
                      const InputShapes& shapes) {
  const DarknetModelRef ref = ParseDarknetModelRef(model);
  ir::Graph graph = LoadDarknetModel(ref.cfg, ref.weights, weight_seed, {}, with_weights);
  CheckDarknetShapes(graph, shapes);
  return graph;
}

}  // namespace

bool IsModelFile(const std::string& model) {
  return (model.size() > 5 && model.compare(model.size() - 5, 5, ".onnx") == 0) ||
         IsDarknetModelRef(model);
}

std::string ModelFileReference(const std::string& file, const std::string& weights) {
  auto absolute = [](const std::string& path) {
    return std::filesystem::absolute(path).lexically_normal().string();
  };
  if (!IsDarknetModelRef(file)) {
    if (!weights.empty()) {
      throw FormatError(
          fmt::format("--weights {}: weights files go with Darknet cfgs (FILE.cfg), not with {}",
                      weights, file));
    }
    return absolute(file);
  }
  DarknetModelRef ref = ParseDarknetModelRef(file);
  if (!weights.empty() && !ref.weights.empty()) {
    throw FormatError(fmt::format("{}: weights given twice ({} and --weights {})", ref.cfg,
                                  ref.weights, weights));
  }
  if (!weights.empty()) ref.weights = weights;
  ref.cfg = absolute(ref.cfg);
  if (!ref.weights.empty()) ref.weights = absolute(ref.weights);
  return DarknetModelRefString(ref);
}

std::string ZooIdWithInputShapes(const std::string& request, const InputShapes& shapes) {
  const zoo::ModelSpec spec = zoo::ResolveModel(request);
  if (shapes.empty()) return spec.canonical_id;
  const ir::Shape& fixed = spec.entry->default_input;
  const std::string takes = fmt::format(
      "zoo model '{}' takes one input, '{}': {} x {} x {} (batch and channels fixed; other "
      "sizes also as {}@{})",
      spec.entry->id, kZooInputName, fixed[0], fixed[1], fixed.size() == 5 ? "D x H x W" : "H x W",
      spec.entry->id, fixed.size() == 5 ? "FRAMESxHxW" : "HxW");
  for (const auto& [name, shape] : shapes) {
    if (!name.empty() && name != kZooInputName) {
      throw InputShapeError(
          fmt::format("an input shape is given for '{}', which is not an input: {}", name, takes));
    }
  }
  if (shapes.size() > 1) throw InputShapeError("two input shapes are given: " + takes);
  const ir::Shape& shape = shapes.begin()->second;
  if (shape.size() != fixed.size() || shape[0] != fixed[0] || shape[1] != fixed[1]) {
    throw InputShapeError(
        fmt::format("input shape {} does not fit: {}", ir::ShapeToString(shape), takes));
  }
  if (request.find('@') != std::string::npos && shape != spec.input) {
    throw InputShapeError(
        fmt::format("'{}' already sets the input size ({}), input shape {} "
                    "another",
                    request, ir::ShapeToString(spec.input), ir::ShapeToString(shape)));
  }
  const std::string spatial = ir::ShapeToString(ir::Shape(shape.begin() + 2, shape.end()));
  try {
    return zoo::ResolveModel(fmt::format("{}@{}", spec.entry->id, spatial)).canonical_id;
  } catch (const zoo::ModelError& error) {
    throw InputShapeError(
        fmt::format("input shape {} does not fit: {}", ir::ShapeToString(shape), error.what()));
  }
}

ir::Graph LoadModel(const std::string& model, uint64_t weight_seed, const InputShapes& shapes) {
  if (IsDarknetModelRef(model)) return LoadDarknet(model, weight_seed, true, shapes);
  if (IsModelFile(model)) return ImportWithShapes(model, shapes);
  ir::Graph graph = zoo::BuildModel(ZooIdWithInputShapes(model, shapes));
  zoo::MaterializeWeights(graph, weight_seed);
  return graph;
}

ir::Graph LoadModelStructure(const std::string& model, const InputShapes& shapes) {
  if (IsDarknetModelRef(model)) return LoadDarknet(model, 0, false, shapes);
  return IsModelFile(model) ? ImportWithShapes(model, shapes)
                            : zoo::BuildModel(ZooIdWithInputShapes(model, shapes));
}

}  // namespace edgebench::formats
