// Fuzzes the Darknet importer (formats/darknet_import.h, darknet_weights.h) with in-memory
// cfg files: section parsing, strict number reading, layer translation with Darknet's
// shape rules, shape inference, cost counting; then, for small accepted networks, the
// .weights reader over the same bytes (which a hostile weights file might hold).
//
// The contract under test: a hostile cfg is refused with FormatError, never crashes and
// never allocates beyond the import limits.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "formats/darknet_import.h"
#include "formats/darknet_weights.h"
#include "formats/onnx.h"
#include "ir/cost.h"

namespace {

using edgebench::formats::DarknetImportLimits;
using edgebench::formats::DarknetLayerWeights;
using edgebench::formats::FormatError;

// Low enough that an accepted graph always fits -rss_limit_mb.
DarknetImportLimits FuzzLimits() {
  return {.max_cfg_bytes = 1 << 16,
          .max_layers = 2000,
          .max_tensor_elements = int64_t{1} << 24,
          .max_total_weight_elements = int64_t{1} << 24,
          .max_total_macs = int64_t{1} << 36};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::vector<DarknetLayerWeights> layers;
  edgebench::ir::Graph graph;
  try {
    graph = edgebench::formats::ImportDarknetCfg(bytes, "fuzz.cfg", FuzzLimits(), &layers);
  } catch (const FormatError&) {
    return 0;  // the documented refusal (UnsupportedModelError derives from it)
  }
  const edgebench::ir::GraphCost cost = edgebench::ir::CountGraph(graph);
  if (cost.macs < 0 || cost.flops < 0 || cost.params < 0 || cost.peak_activation_bytes < 0) {
    std::fprintf(stderr, "negative cost for an accepted graph\n");
    std::abort();
  }
  if (cost.weight_bytes <= (int64_t{1} << 20)) {
    try {
      edgebench::formats::ReadDarknetWeights(graph, layers, bytes, "fuzz.weights");
    } catch (const FormatError&) {
    }
  }
  return 0;
}
