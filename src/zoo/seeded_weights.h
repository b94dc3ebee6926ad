#pragma once

#include <cstdint>
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

/// FNV-1a digest over each constant's name and raw float bytes, in value order. Used to
/// prove weights are identical across runs, builds and machines.
uint64_t WeightsDigest(const ir::Graph& graph);

}  // namespace edgebench::zoo
