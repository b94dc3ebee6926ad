#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/darknet_import.h"
#include "ir/graph.h"

namespace edgebench::formats {

/// The header of a Darknet .weights file: int32 major, minor, revision, then the count
/// of images seen during training -- uint64 when major * 10 + minor >= 2 (and both are
/// below 1000), else int32.
struct DarknetWeightsHeader {
  int32_t major = 0;
  int32_t minor = 0;
  int32_t revision = 0;
  uint64_t seen = 0;
  size_t bytes = 0;  // header length: 16 or 20
  /// Darknet stores [connected] weights as [inputs][outputs] when major or minor > 1000.
  bool transposed_connected() const { return major > 1000 || minor > 1000; }
};

/// Throws FormatError when `bytes` is shorter than the header.
DarknetWeightsHeader ReadDarknetWeightsHeader(const std::string& bytes, const std::string& file);

/// Fills the constants of `layers` (from ImportDarknetCfg, in cfg order) from a .weights
/// file's bytes, as Darknet's load_weights reads them: per [convolutional] biases[n], with
/// batch_normalize scales[n], rolling_mean[n], rolling_variance[n], then weights
/// [n][c/groups][size][size]; per [connected] biases[out], weights [out][in] (transposed
/// when the header says so), then with batch_normalize scales, rolling_mean,
/// rolling_variance. Variances are stored as (sqrt(v) + 1e-6)^2 - 1e-12 so that the
/// graph's batch norm (epsilon 1e-12) divides by Darknet's sqrt(v) + 1e-6. Throws FormatError
/// naming the layer for a truncated file, for bytes left over after the last layer, and for a
/// negative variance.
void ReadDarknetWeights(ir::Graph& graph, const std::vector<DarknetLayerWeights>& layers,
                        const std::string& bytes, const std::string& file);

/// A cfg with weights: those of `weights_path`, or when it is empty seeded ones (see
/// zoo::MaterializeWeights; batch-norm variances are positive). Without `materialize`
/// only the structure, with the weights file's header and size checked against the cfg
/// (for counting and for checking a model before jobs run). Errors name the files.
ir::Graph LoadDarknetModel(const std::string& cfg_path, const std::string& weights_path,
                           uint64_t weight_seed, const DarknetImportLimits& limits = {},
                           bool materialize = true);

}  // namespace edgebench::formats
