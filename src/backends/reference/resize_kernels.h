#pragma once

// Reference kernel for kResize (ONNX Resize, nearest and n-linear, without
// tf_crop_and_resize). Coordinates come from ir::ResizeSourceCoordinate and nearest
// rounding from ir::ResizeNearestIndex, the rules every backend shares.

#include "backends/host_tensor.h"
#include "ir/ops.h"

namespace edgebench::backends::reference {

/// Resizes x to y's shape (already sized; it must equal attrs.sizes when that is given).
/// Nearest: each output index reads the input index ResizeNearestIndex picks for its
/// source coordinate. Linear: interpolates between the two neighbouring input indices
/// along every dim whose scale is not 1 (or whose extent changes), with the source
/// coordinate clamped to [0, in - 1] as ONNX does, and weights multiplied in double.
/// attrs.scales must list one positive, finite scale per dim; violations throw
/// ir::GraphError.
void Resize(const ir::ResizeAttrs& attrs, const HostTensor& x, HostTensor& y);

}  // namespace edgebench::backends::reference
