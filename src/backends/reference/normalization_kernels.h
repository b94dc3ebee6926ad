#pragma once

// Reference kernel for kLayerNorm (ONNX LayerNormalization, inference output only).
// Mean and variance accumulate in double.

#include "backends/host_tensor.h"
#include "ir/ops.h"

namespace edgebench::backends::reference {

/// Normalizes x over the dims from attrs.axis (may be negative) to the end:
/// y = (x - mean) / sqrt(variance + epsilon) * scale + bias, with the population
/// variance. scale and the optional bias broadcast NumPy-style to those trailing dims
/// (normally they have exactly their shape). y has x's shape. Mismatched shapes throw
/// ir::GraphError.
void LayerNorm(const ir::LayerNormAttrs& attrs, const HostTensor& x, const HostTensor& scale,
               const HostTensor* bias, HostTensor& y);

}  // namespace edgebench::backends::reference
