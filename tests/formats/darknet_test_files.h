#pragma once

// Helpers for tests that run Debian's Darknet cfgs: shrinking a cfg's image and writing
// random weights in Darknet's .weights layout for an import's layer list.

#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "formats/darknet_import.h"

namespace edgebench::formats::testing {

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void WriteBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

/// `cfg` at most `limit` pixels wide and high, crops 7/8 of that (the nets are fully
/// convolutional up to their heads, or end in global pooling).
inline std::string Shrunk(const std::string& cfg, int64_t limit) {
  std::string out = cfg;
  for (const std::string key : {"width", "height", "crop_width", "crop_height"}) {
    const int64_t most = key.starts_with("crop_") ? limit * 7 / 8 : limit;
    const std::regex pattern("\n" + key + " *= *([0-9]+)");
    std::smatch match;
    if (std::regex_search(out, match, pattern) && std::stoll(match[1]) > most) {
      out = std::regex_replace(out, pattern, "\n" + key + "=" + std::to_string(most));
    }
  }
  return out;
}

/// The size Shrunk needs for a Debian cfg: AlexNet's unpadded pools need more than 64.
inline int64_t ShrunkSize(const std::string& cfg_file) {
  return cfg_file == "alexnet.cfg" ? 128 : 64;
}

/// Random weights in Darknet's file layout (header 0.2.0, seen 0), sized by the import's
/// layer list: values scaled by fan-in so activations stay in range, variances positive.
inline std::string RandomWeights(const ir::Graph& graph,
                                 const std::vector<DarknetLayerWeights>& layers) {
  std::string bytes;
  const int32_t header[3] = {0, 2, 0};
  bytes.append(reinterpret_cast<const char*>(header), sizeof(header));
  const uint64_t seen = 0;
  bytes.append(reinterpret_cast<const char*>(&seen), sizeof(seen));
  uint64_t state = 12345;
  auto uniform = [&](float lo, float hi) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return lo + (hi - lo) * static_cast<float>(state >> 40) / static_cast<float>(1 << 24);
  };
  auto append = [&](ir::ValueId id, float lo, float hi) {
    if (id == ir::kNoId) return;
    int64_t n = 1;
    for (int64_t d : graph.value(id).shape) n *= d;
    for (int64_t i = 0; i < n; ++i) {
      const float v = uniform(lo, hi);
      bytes.append(reinterpret_cast<const char*>(&v), sizeof(v));
    }
  };
  for (const DarknetLayerWeights& layer : layers) {
    const ir::Shape& shape = graph.value(layer.weight).shape;
    int64_t fan_in = 1;
    for (size_t i = 1; i < shape.size(); ++i) fan_in *= shape[i];
    const float range = std::sqrt(3.0f / static_cast<float>(fan_in));
    append(layer.bias, -0.1f, 0.1f);
    if (layer.connected) append(layer.weight, -range, range);
    append(layer.scale, 0.8f, 1.2f);
    append(layer.mean, -0.1f, 0.1f);
    append(layer.variance, 0.5f, 1.5f);
    if (!layer.connected) append(layer.weight, -range, range);
  }
  return bytes;
}

/// A gtest parameter name for a cfg file name ("yolov3-tiny.cfg" -> "yolov3_tiny_cfg").
struct CfgTestName {
  template <typename Info>
  std::string operator()(const Info& info) const {
    std::string name = info.param;
    for (char& c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return name;
  }
};

/// Writes Debian's `cfg_file` shrunk (see ShrunkSize) and random weights for it into
/// `dir` as net.cfg and net.weights.
inline void WriteShrunkCfgWithWeights(const std::filesystem::path& source,
                                      const std::filesystem::path& dir) {
  const std::filesystem::path cfg = dir / "net.cfg";
  WriteBytes(cfg, Shrunk(ReadText(source), ShrunkSize(source.filename().string())));
  std::vector<DarknetLayerWeights> layers;
  ir::Graph structure = ImportDarknetCfg(ReadText(cfg), cfg.string(), {}, &layers);
  WriteBytes(dir / "net.weights", RandomWeights(structure, layers));
}

}  // namespace edgebench::formats::testing
