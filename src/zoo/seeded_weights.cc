#include "zoo/seeded_weights.h"

#include <bit>
#include <cstring>
#include <string_view>

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

}  // namespace

void MaterializeWeights(ir::Graph& graph, uint64_t seed) {
  for (size_t v = 0; v < graph.values().size(); ++v) {
    ir::Value& value = graph.mutable_value(static_cast<ir::ValueId>(v));
    if (value.kind != ir::ValueKind::kConstant) continue;
    uint64_t stream = Fnv1a(kFnvOffset, &seed, sizeof(seed));
    stream = Fnv1a(stream, value.name.data(), value.name.size());
    SplitMix64 rng{stream};
    const auto count = static_cast<size_t>(ir::ElementCount(value.shape));
    value.data.resize(count);
    const float center = value.init.center;
    const float half_width = value.init.half_width;
    for (size_t i = 0; i < count; ++i) {
      // 24 random bits -> an exactly representable float in [-1, 1).
      auto bits = static_cast<int32_t>(rng.Next() >> 40);
      float unit = static_cast<float>(bits - (1 << 23)) * 0x1p-23f;
      value.data[i] = center + half_width * unit;
    }
  }
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
