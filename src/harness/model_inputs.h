#pragma once

// The input tensors a job feeds its model: seeded by default, or a user's .npy files.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/host_tensor.h"
#include "harness/job_json.h"
#include "ir/graph.h"

namespace edgebench::harness {

/// Input files that do not fit the model: a name that is not a graph input, a file that
/// is not a readable .npy, or one whose shape is not the input's. The message says which.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The seeded inputs, one per graph input in graph order: the first draws the stream
/// "input" (zoo::SeededInput, what single-input models have always been fed), each further
/// input the stream "input/NAME", so two inputs of one shape still get different values.
std::vector<backends::HostTensor> SeededInputs(const ir::Graph& graph, uint64_t seed);

/// A second seed, for telling whether the reference output depends on the input.
uint64_t AlternativeInputSeed(uint64_t seed);

/// Every graph input's tensor and where it came from.
struct ModelInputs {
  std::vector<backends::HostTensor> tensors;  // graph input order
  std::vector<std::string> sources;           // the file's path, or "seeded"
};

/// The graph's inputs with `files` read in (converted to f32; each file's shape must be
/// exactly its input's), seeded (SeededInputs) for inputs no file names. Throws
/// InputError.
ModelInputs GatherInputs(const ir::Graph& graph, const std::vector<InputFile>& files,
                         uint64_t seed);

/// FNV-1a over every tensor's shape and value bits: names the reference outputs of a
/// user's inputs in the cache.
uint64_t InputsDigest(const std::vector<backends::HostTensor>& inputs);

}  // namespace edgebench::harness
