#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "ir/graph.h"

namespace edgebench::formats {

/// A model file that cannot be read or written: the message names the file, and the op
/// and node when one is at fault.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Serializes a graph whose weights are materialized to an ONNX ModelProto (opset 13,
/// weights as initializers, so every runtime can constant-fold them) that passes
/// onnx::checker. Throws FormatError for a graph ONNX cannot express.
std::string ExportOnnx(const ir::Graph& graph);
void ExportOnnxFile(const ir::Graph& graph, const std::string& path);

/// Bounds on what an imported file may ask for; files are hostile until validated.
struct OnnxImportLimits {
  int64_t max_file_bytes = int64_t{4} << 30;
  int64_t max_tensor_elements = int64_t{1} << 31;
  int64_t max_total_weight_bytes = int64_t{4} << 30;
  int64_t max_nodes = 100000;
};

/// Reads an ONNX model into the IR with its weights (initializers) materialized and
/// shapes inferred. Supported: the ops the IR has, plus Dropout/Identity (removed) and
/// constant folding of the shape subgraphs exporters emit. Anything else -- unsupported
/// op, truncated or non-ONNX bytes, absurd dims, missing initializers, cycles -- throws
/// FormatError naming the problem, never crashes and never allocates beyond the limits.
ir::Graph ImportOnnx(const std::string& bytes, const std::string& name = "model",
                     const OnnxImportLimits& limits = {});
ir::Graph ImportOnnxFile(const std::string& path, const OnnxImportLimits& limits = {});

}  // namespace edgebench::formats
