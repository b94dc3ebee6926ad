#include "zoo/seeded_weights.h"

#include <bit>
#include <cstring>
#include <string>

namespace edgebench::zoo {
namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;

uint64_t Fnv1a(uint64_t hash, const void* data, size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= kFnvPrime;
  }
  return hash;
}

// SplitMix64: a tiny, well-mixed generator whose output is defined by integer
// arithmetic alone, hence identical everywhere.
struct SplitMix64 {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

// Fills `out` with center + half_width * u, u uniform in [-1, 1), from the stream named
// `name` under `seed`.
void FillUniform(uint64_t seed, const std::string& name, float center, float half_width,
                 std::vector<float>& out) {
  uint64_t stream = Fnv1a(kFnvOffset, &seed, sizeof(seed));
  stream = Fnv1a(stream, name.data(), name.size());
  SplitMix64 rng{stream};
  for (float& element : out) {
    // 24 random bits -> an exactly representable float in [-1, 1).
    auto bits = static_cast<int32_t>(rng.Next() >> 40);
    float unit = static_cast<float>(bits - (1 << 23)) * 0x1p-23f;
    element = center + half_width * unit;
  }
}

}  // namespace

void MaterializeWeights(ir::Graph& graph, uint64_t seed) {
  for (size_t v = 0; v < graph.values().size(); ++v) {
    ir::Value& value = graph.mutable_value(static_cast<ir::ValueId>(v));
    if (value.kind != ir::ValueKind::kConstant) continue;
    value.data.resize(static_cast<size_t>(ir::ElementCount(value.shape)));
    FillUniform(seed, value.name, value.init.center, value.init.half_width, value.data);
  }
}

std::vector<float> SeededInput(const ir::Shape& shape, uint64_t seed) {
  return SeededValues(shape, seed, "input");
}

std::vector<float> SeededValues(const ir::Shape& shape, uint64_t seed, const std::string& stream) {
  std::vector<float> data(static_cast<size_t>(ir::ElementCount(shape)));
  FillUniform(seed, stream, 0.0f, 1.0f, data);
  return data;
}

uint64_t WeightsDigest(const ir::Graph& graph) {
  uint64_t hash = kFnvOffset;
  for (const ir::Value& value : graph.values()) {
    if (value.kind != ir::ValueKind::kConstant) continue;
    hash = Fnv1a(hash, value.name.data(), value.name.size());
    hash = Fnv1a(hash, value.data.data(), value.data.size() * sizeof(float));
  }
  return hash;
}

}  // namespace edgebench::zoo
