#pragma once

// OpenCV 4.6's ONNX importer implements several ops only in their pre-opset-13 form and
// rejects the form our exporter writes (formats::ExportOnnx, opset 13). It does not check
// node forms against the model's opset, so rewriting those nodes into the older form
// makes the same computation loadable, as it is for a user whose model was exported at
// an older opset. Nothing else in the model changes.

#include <string>

#include "ir/graph.h"

namespace edgebench::backends::opencv {

/// Whether `graph` exports any node AdaptOnnxForOpenCv rewrites (so the re-parse of a
/// large model is skipped when nothing would change).
bool NeedsOnnxAdaptation(const ir::Graph& graph);

/// Rewrites a serialized model:
///   Clip with constant scalar bounds (inputs 2, 3) -> `min` / `max` attributes (opset 6);
///   Squeeze, Unsqueeze, ReduceSum with constant axes (input 2) -> `axes` attribute
///   (opset 11).
/// A node whose operands are not constants is left as is, and OpenCV says why it cannot
/// load it. Throws std::runtime_error when the bytes do not parse.
std::string AdaptOnnxForOpenCv(const std::string& onnx_bytes);

}  // namespace edgebench::backends::opencv
