#pragma once

// Reference kernels for data movement: transpose, slice, pad and gather (squeeze,
// unsqueeze, flatten and reshape only relabel the shape and use CopyData in kernels.h).
// `y` is already sized to the output shape; each kernel checks it against the shape its
// attributes imply and throws ir::GraphError on a mismatch or an invalid attribute.

#include "backends/host_tensor.h"
#include "ir/ops.h"

namespace edgebench::backends::reference {

/// y[i0, i1, ...] = x at the index whose dim perm[k] is ik; an empty perm reverses the dims.
void Transpose(const ir::TransposeAttrs& attrs, const HostTensor& x, HostTensor& y);

/// ONNX Slice, resolved by ir::ResolveSlice: along each dim, output index i reads input
/// index start + i * step (step may be negative).
void Slice(const ir::SliceAttrs& attrs, const HostTensor& x, HostTensor& y);

/// Pads every dim by pads_begin / pads_end (non-negative). Constant fills attrs.value; edge repeats
/// the border element; reflect mirrors about the border element without repeating it (numpy
/// "reflect": 1 2 3 padded by 2 each side is 3 2 1 2 3 2 1), bouncing between the borders when a
/// pad exceeds the dim.
void Pad(const ir::PadAttrs& attrs, const HostTensor& x, HostTensor& y);

/// Gathers along attrs.axis with the constant attrs.indices (shaped attrs.indices_shape,
/// which replaces the axis in the output). Negative indices count from the end; an index
/// outside [-extent, extent) throws ir::GraphError.
void Gather(const ir::GatherAttrs& attrs, const HostTensor& x, HostTensor& y);

}  // namespace edgebench::backends::reference
