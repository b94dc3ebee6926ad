#include "harness/model_inputs.h"

#include <fmt/format.h>

#include <cstring>

#include "formats/npy.h"
#include "zoo/seeded_weights.h"

namespace edgebench::harness {
namespace {

using backends::HostTensor;

std::string DescribeInputs(const ir::Graph& graph) {
  std::string text;
  for (ir::ValueId id : graph.inputs()) {
    const ir::Value& value = graph.value(id);
    text += fmt::format("{}{} ({})", text.empty() ? "" : ", ", value.name,
                        ir::ShapeToString(value.shape));
  }
  return text;
}

// The graph input `file` is for; throws InputError when there is none.
size_t InputIndex(const ir::Graph& graph, const InputFile& file) {
  const std::vector<ir::ValueId>& inputs = graph.inputs();
  if (file.name.empty()) {
    if (inputs.size() == 1) return 0;
    throw InputError(fmt::format(
        "an input file without an input name needs a model with one input; this one has {}: "
        "{}; name each, e.g. --input NAME:file.npy,NAME2:file2.npy",
        inputs.size(), DescribeInputs(graph)));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (graph.value(inputs[i]).name == file.name) return i;
  }
  throw InputError(
      fmt::format("an input file is given for '{}', which is not an input of the "
                  "model; its inputs: {}",
                  file.name, DescribeInputs(graph)));
}

}  // namespace

std::vector<HostTensor> SeededInputs(const ir::Graph& graph, uint64_t seed) {
  std::vector<HostTensor> inputs;
  for (size_t i = 0; i < graph.inputs().size(); ++i) {
    const ir::Value& value = graph.value(graph.inputs()[i]);
    inputs.emplace_back(value.shape,
                        i == 0 ? zoo::SeededInput(value.shape, seed)
                               : zoo::SeededValues(value.shape, seed, "input/" + value.name));
  }
  return inputs;
}

uint64_t AlternativeInputSeed(uint64_t seed) { return seed ^ 0x9E3779B97F4A7C15ULL; }

ModelInputs GatherInputs(const ir::Graph& graph, const std::vector<InputFile>& files,
                         uint64_t seed) {
  ModelInputs inputs{.tensors = SeededInputs(graph, seed),
                     .sources = std::vector<std::string>(graph.inputs().size(), "seeded")};
  std::vector<bool> given(graph.inputs().size(), false);
  for (const InputFile& file : files) {
    const size_t index = InputIndex(graph, file);
    const ir::Value& input = graph.value(graph.inputs()[index]);
    if (given[index])
      throw InputError(fmt::format("two files are given for input '{}'", input.name));
    given[index] = true;
    formats::NpyArray array;
    try {
      array = formats::ReadNpyFile(file.path);
    } catch (const formats::NpyError& error) {
      throw InputError(fmt::format("input '{}': {}", input.name, error.what()));
    }
    if (array.shape != input.shape) {
      throw InputError(fmt::format(
          "input '{}': '{}' holds a {} array; the model takes {} (a model with dynamic dims "
          "runs at another shape with --input-shape {}:{})",
          input.name, file.path, array.shape.empty() ? "0-d" : ir::ShapeToString(array.shape),
          ir::ShapeToString(input.shape), input.name,
          array.shape.empty() ? "DIMS" : ir::ShapeToString(array.shape)));
    }
    inputs.tensors[index] = HostTensor(input.shape, std::move(array.data));
    inputs.sources[index] = file.path;
  }
  return inputs;
}

uint64_t InputsDigest(const std::vector<HostTensor>& inputs) {
  uint64_t hash = 0xcbf29ce484222325ull;
  const auto mix = [&hash](const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) {
      hash ^= bytes[i];
      hash *= 0x100000001b3ull;
    }
  };
  for (const HostTensor& tensor : inputs) {
    const uint64_t rank = tensor.shape.size();
    mix(&rank, sizeof(rank));
    mix(tensor.shape.data(), tensor.shape.size() * sizeof(int64_t));
    mix(tensor.data.data(), tensor.data.size() * sizeof(float));
  }
  return hash;
}

}  // namespace edgebench::harness
