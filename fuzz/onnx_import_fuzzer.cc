// Fuzzes the ONNX importer (formats/onnx.h) with in-memory model files: protobuf
// parsing, validation, constant folding of shape subgraphs, conversion to the IR and
// shape inference of the result, then cost counting over the inferred shapes. A model
// with dynamic input dims is imported again with input shapes bound.
//
// The contract under test: a hostile file is refused with FormatError, never crashes and
// never allocates beyond the import limits. Any other exception escapes to libFuzzer and
// is reported as a finding, as is a sanitizer report or an allocation over -rss_limit_mb.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "formats/onnx.h"
#include "ir/cost.h"

namespace {

using edgebench::formats::FormatError;
using edgebench::formats::ImportOnnx;
using edgebench::formats::InputShapeError;
using edgebench::formats::OnnxImportLimits;
using edgebench::formats::OnnxImportOptions;

// The default limits allow 4 GiB of weights, more than -rss_limit_mb; these are low
// enough that an input honouring them always fits, so an out-of-memory report means a
// limit was not enforced rather than that the fuzzer asked for a big model.
OnnxImportLimits FuzzLimits() {
  return {.max_file_bytes = int64_t{1} << 20,
          .max_tensor_elements = int64_t{1} << 22,
          .max_total_weight_bytes = int64_t{64} << 20,
          .max_nodes = 10000};
}

void ImportAndCount(const std::string& bytes, const OnnxImportOptions& options) {
  // ImportOnnx runs shape inference on the graph it built before returning it.
  const edgebench::ir::Graph graph = ImportOnnx(bytes, "fuzz", options);
  // Counting multiplies inferred dims; an accepted graph must count without overflow.
  const edgebench::ir::GraphCost cost = edgebench::ir::CountGraph(graph);
  if (cost.macs < 0 || cost.flops < 0 || cost.params < 0 || cost.peak_activation_bytes < 0) {
    std::fprintf(stderr, "negative cost for an accepted graph\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    ImportAndCount(bytes, {.limits = FuzzLimits()});
  } catch (const InputShapeError&) {
    // Dynamic input dims: bound as a user's --input-shape would bind them, then imported
    // again (a one-input image model, a one-input vector model).
    for (const edgebench::ir::Shape& shape : {edgebench::ir::Shape{1, 3, 16, 16}, {2, 8}}) {
      try {
        ImportAndCount(bytes, {.limits = FuzzLimits(), .input_shapes = {{"", shape}}});
      } catch (const FormatError&) {
      }
    }
  } catch (const FormatError&) {
    // The documented refusal (UnsupportedModelError derives from it).
  }
  return 0;
}
