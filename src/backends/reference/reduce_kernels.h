#pragma once

// Reference kernels for kReduceMean / kReduceSum / kReduceMax. Sums accumulate in double.
// `y` is already sized: the input shape with each reduced dim set to 1 (keepdims) or
// removed; the kernels check that (ir::GraphError otherwise).

#include "backends/host_tensor.h"
#include "ir/ops.h"

namespace edgebench::backends::reference {

/// Mean over attrs.axes (negative counted from the end; empty: every dim).
void ReduceMean(const ir::ReduceAttrs& attrs, const HostTensor& x, HostTensor& y);
/// Sum over attrs.axes.
void ReduceSum(const ir::ReduceAttrs& attrs, const HostTensor& x, HostTensor& y);
/// Maximum over attrs.axes; NaN anywhere in a reduced group gives NaN, and an empty group
/// gives -inf.
void ReduceMax(const ir::ReduceAttrs& attrs, const HostTensor& x, HostTensor& y);

}  // namespace edgebench::backends::reference
