#include "formats/darknet_weights.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "formats/onnx.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {
namespace {

// Darknet's batch norm divides by sqrt(variance) + this; the imported batch norm by
// sqrt(variance + kImportedBnEpsilon) (see darknet_import_layers.cc).
constexpr double kDarknetBnOffset = 1e-6;
constexpr double kImportedBnEpsilon = 1e-12;

std::string ReadFile(const std::string& path, int64_t max_bytes) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw FormatError(fmt::format("{}: cannot read: {}", path, error.message()));
  if (static_cast<int64_t>(size) > max_bytes) {
    throw FormatError(
        fmt::format("{}: {} bytes, more than the limit of {}", path, size, max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw FormatError(fmt::format("{}: cannot read", path));
  return text.str();
}

int64_t Elements(const ir::Graph& graph, ir::ValueId id) {
  if (id == ir::kNoId) return 0;
  int64_t n = 1;
  for (int64_t d : graph.value(id).shape) n *= d;
  return n;
}

// Reads the layer's tensors in file order from a cursor over the weights.
class LayerReader {
 public:
  LayerReader(ir::Graph& graph, const std::string& bytes, size_t offset, const std::string& file)
      : graph_(graph), bytes_(bytes), offset_(offset), file_(file) {}

  void Read(ir::ValueId id, const DarknetLayerWeights& layer, const char* what) {
    if (id == ir::kNoId) return;
    const int64_t count = Elements(graph_, id);
    const size_t need = static_cast<size_t>(count) * sizeof(float);
    if (bytes_.size() - offset_ < need) {
      throw FormatError(fmt::format(
          "{}: truncated: layer {} (cfg line {}) needs {} bytes of {} at offset {}, {} left", file_,
          layer.layer, layer.line, need, what, offset_, bytes_.size() - offset_));
    }
    std::vector<float>& data = graph_.mutable_value(id).data;
    data.resize(static_cast<size_t>(count));
    std::memcpy(data.data(), bytes_.data() + offset_, need);
    offset_ += need;
  }

  size_t offset() const { return offset_; }

 private:
  ir::Graph& graph_;
  const std::string& bytes_;
  size_t offset_;
  const std::string& file_;
};

void TransposeInPlace(std::vector<float>& data, int64_t rows, int64_t cols) {
  std::vector<float> out(data.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) out[c * rows + r] = data[r * cols + c];
  }
  data = std::move(out);
}

void FoldVariance(ir::Graph& graph, const DarknetLayerWeights& layer, const std::string& file) {
  if (layer.variance == ir::kNoId) return;
  for (float& v : graph.mutable_value(layer.variance).data) {
    if (!(v >= 0.0f)) {
      throw FormatError(
          fmt::format("{}: layer {} (cfg line {}) has a negative or NaN rolling "
                      "variance ({})",
                      file, layer.layer, layer.line, v));
    }
    const double root = std::sqrt(static_cast<double>(v)) + kDarknetBnOffset;
    v = static_cast<float>(std::max(0.0, root * root - kImportedBnEpsilon));
  }
}

std::string ReadHeaderBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FormatError(fmt::format("{}: cannot read", path));
  std::string bytes(20, '\0');
  in.read(bytes.data(), 20);
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

void CheckWeightsFileSize(const ir::Graph& graph, const std::vector<DarknetLayerWeights>& layers,
                          const std::string& path) {
  const DarknetWeightsHeader header = ReadDarknetWeightsHeader(ReadHeaderBytes(path), path);
  uint64_t expected = header.bytes;
  for (const DarknetLayerWeights& layer : layers) {
    for (ir::ValueId id : {layer.bias, layer.scale, layer.mean, layer.variance, layer.weight}) {
      expected += static_cast<uint64_t>(Elements(graph, id)) * sizeof(float);
    }
  }
  std::error_code error;
  const uint64_t size = std::filesystem::file_size(path, error);
  if (error) throw FormatError(fmt::format("{}: cannot read: {}", path, error.message()));
  if (size != expected) {
    throw FormatError(fmt::format("{}: {} bytes, but the cfg's layers need {} ({})", path, size,
                                  expected, size < expected ? "truncated" : "bytes left over"));
  }
}

}  // namespace

DarknetWeightsHeader ReadDarknetWeightsHeader(const std::string& bytes, const std::string& file) {
  DarknetWeightsHeader header;
  if (bytes.size() < 12) {
    throw FormatError(
        fmt::format("{}: {} bytes, too short for a Darknet weights header", file, bytes.size()));
  }
  std::memcpy(&header.major, bytes.data(), 4);
  std::memcpy(&header.minor, bytes.data() + 4, 4);
  std::memcpy(&header.revision, bytes.data() + 8, 4);
  const bool wide_seen =
      header.major * int64_t{10} + header.minor >= 2 && header.major < 1000 && header.minor < 1000;
  header.bytes = wide_seen ? 20 : 16;
  if (bytes.size() < header.bytes) {
    throw FormatError(
        fmt::format("{}: {} bytes, too short for a Darknet weights header", file, bytes.size()));
  }
  if (wide_seen) {
    std::memcpy(&header.seen, bytes.data() + 12, 8);
  } else {
    int32_t seen = 0;
    std::memcpy(&seen, bytes.data() + 12, 4);
    header.seen = static_cast<uint64_t>(static_cast<uint32_t>(seen));
  }
  return header;
}

void ReadDarknetWeights(ir::Graph& graph, const std::vector<DarknetLayerWeights>& layers,
                        const std::string& bytes, const std::string& file) {
  const DarknetWeightsHeader header = ReadDarknetWeightsHeader(bytes, file);
  LayerReader reader(graph, bytes, header.bytes, file);
  for (const DarknetLayerWeights& layer : layers) {
    reader.Read(layer.bias, layer, "biases");
    if (!layer.connected) {
      reader.Read(layer.scale, layer, "scales");
      reader.Read(layer.mean, layer, "rolling means");
      reader.Read(layer.variance, layer, "rolling variances");
      reader.Read(layer.weight, layer, "weights");
    } else {
      reader.Read(layer.weight, layer, "weights");
      if (header.transposed_connected()) {
        const ir::Shape& shape = graph.value(layer.weight).shape;  // [out, in]
        TransposeInPlace(graph.mutable_value(layer.weight).data, shape[1], shape[0]);
      }
      reader.Read(layer.scale, layer, "scales");
      reader.Read(layer.mean, layer, "rolling means");
      reader.Read(layer.variance, layer, "rolling variances");
    }
    FoldVariance(graph, layer, file);
  }
  if (reader.offset() != bytes.size()) {
    throw FormatError(
        fmt::format("{}: {} bytes left over after the last layer's weights (the "
                    "file is for another cfg?)",
                    file, bytes.size() - reader.offset()));
  }
}

ir::Graph LoadDarknetModel(const std::string& cfg_path, const std::string& weights_path,
                           uint64_t weight_seed, const DarknetImportLimits& limits,
                           bool materialize) {
  const std::string cfg = ReadFile(cfg_path, limits.max_cfg_bytes);
  std::vector<DarknetLayerWeights> layers;
  ir::Graph graph = ImportDarknetCfg(cfg, cfg_path, limits, &layers);
  graph.set_name(std::filesystem::path(cfg_path).stem().string());
  if (!materialize) {
    if (!weights_path.empty()) CheckWeightsFileSize(graph, layers, weights_path);
    return graph;
  }
  // Seeded values first: they also fill the activations' exact constants.
  zoo::MaterializeWeights(graph, weight_seed);
  if (!weights_path.empty()) {
    const std::string bytes =
        ReadFile(weights_path, limits.max_total_weight_elements * int64_t{4} + 20);
    ReadDarknetWeights(graph, layers, bytes, weights_path);
  }
  return graph;
}

}  // namespace edgebench::formats
