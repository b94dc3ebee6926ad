#pragma once

// Which nodes of the modern op set (Sub ... LayerNorm) OpenCV 4.6 imports from our ONNX
// export and computes with the IR's semantics. Each refusal names what OpenCV does
// instead; every rule was found by the shared backend consistency test, whose constructs
// cover each accepted and refused form (tests/backends/op_constructs_*.cc).

#include <cstdint>
#include <optional>

#include "backends/backend.h"
#include "ir/graph.h"

namespace edgebench::backends::opencv {

/// Support of a node whose op is kAdd (which broadcasts since the modern op set) or kSub
/// and later; the rest of the original op set is decided in opencv_backend.cc.
Support ModernOpSupport(const ir::Graph& graph, const ir::Node& node);

/// OpenCV 4.6's nearest source index for output index `out_index`, as the consistency
/// test found it: the model's nearest_mode, its scale and half-pixel coordinates are
/// ignored -- cv::resize's floor(o * in / out) -- except align_corners, which rounds
/// o * (in - 1) / (out - 1). Nothing for an align_corners tie, whose rounding was not
/// observed.
std::optional<int64_t> OpenCvNearestIndex(ir::ResizeCoordinates coordinates, int64_t out_index,
                                          int64_t in_extent, int64_t out_extent);

}  // namespace edgebench::backends::opencv
