#pragma once

// Reference kernel for kConvTranspose (the gradient of Conv with respect to its input, as
// ONNX ConvTranspose and torch.nn.ConvTranspose2d/3d define it). Sums accumulate in double.

#include "backends/host_tensor.h"
#include "ir/ops.h"

namespace edgebench::backends::reference {

/// Transposed convolution over the trailing spatial dims (2-D or 3-D, any rank >= 1 in
/// fact) of x [N, C, in...] with weight [C, O / groups, k...] and optional bias [O]:
/// input position i under tap t lands on output position i * stride - pad_begin +
/// t * dilation, which must fall inside the output. `y` is already sized to
/// [N, O, out...] with out = (in - 1) * stride - pad_begin - pad_end +
/// dilation * (k - 1) + output_padding + 1; inconsistent shapes or attributes throw
/// ir::GraphError.
void ConvTranspose(const ir::ConvTransposeAttrs& attrs, const HostTensor& x,
                   const HostTensor& weight, const HostTensor* bias, HostTensor& y);

}  // namespace edgebench::backends::reference
