#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace edgebench::zoo {

/// Seed used when the user names none. Documented in the README; changing it changes
/// every stored result's weights, so it never changes.
inline constexpr uint64_t kDefaultWeightSeed = 2019;

/// Fills every constant of the graph from its WeightInit descriptor. Each tensor's
/// stream is derived from (seed, tensor name) alone and uses only integer arithmetic
/// plus one exactly-rounded float multiply-add, so the same seed yields bit-identical
/// weights on every platform and in any build order.
void MaterializeWeights(ir::Graph& graph, uint64_t seed = kDefaultWeightSeed);

/// A deterministic input tensor: uniform in [-1, 1), from (seed, "input") exactly as
/// weights are generated, so every backend sees the same bits.
std::vector<float> SeededInput(const ir::Shape& shape, uint64_t seed = kDefaultWeightSeed);

/// The same from the stream named `stream` under `seed` (SeededInput's is "input"), so
/// each input of a multi-input model can draw values of its own.
std::vector<float> SeededValues(const ir::Shape& shape, uint64_t seed, const std::string& stream);

/// FNV-1a digest over each constant's name and raw float bytes, in value order. Used to
/// prove weights are identical across runs, builds and machines.
uint64_t WeightsDigest(const ir::Graph& graph);

}  // namespace edgebench::zoo
