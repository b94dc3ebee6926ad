#pragma once

// Semantics shared by shape inference, the reference kernels and every backend, so that
// "what does this op compute" is answered once: broadcasting, axis normalization, slice
// resolution and resize coordinate mapping. Each function throws GraphError (from
// ir/graph.h) on input that the op cannot accept, with a message naming the problem.

#include <cstdint>
#include <vector>

#include "ir/graph.h"
#include "ir/ops.h"
#include "ir/shape.h"

namespace edgebench::ir {

/// NumPy broadcast of two shapes (align trailing dims; a dim of 1 stretches). Throws
/// GraphError when a pair of dims is neither equal nor 1.
Shape BroadcastShapes(const Shape& a, const Shape& b);

/// `axis` counted from the end when negative; throws GraphError outside [-rank, rank)
/// (or [-rank - 1, rank] with allow_end, for insertion positions such as Unsqueeze's, where
/// -1 means "after the last dim"; not for Flatten, whose ONNX axis -1 is rank - 1).
int64_t NormalizeAxis(int64_t axis, size_t rank, bool allow_end = false);

/// Distinct normalized axes, sorted; throws GraphError on a repeated axis.
std::vector<int64_t> NormalizeAxes(const std::vector<int64_t>& axes, size_t rank,
                                   bool allow_end = false);

/// One dim of a resolved slice: output index i reads input index start + i * step.
struct SliceDim {
  int64_t start = 0;
  int64_t step = 1;
  int64_t count = 0;  // output extent (0 allowed: an empty slice)
};

/// Resolves ONNX Slice attributes against `input`: one entry per input dim (untouched
/// dims are start 0, step 1, full count). Throws GraphError on mismatched list lengths,
/// a zero step or a repeated axis.
std::vector<SliceDim> ResolveSlice(const SliceAttrs& attrs, const Shape& input);

/// The input coordinate (fractional) that output index `out_index` of dim `dim` maps to,
/// per attrs.coordinates; `in_extent` and `out_extent` are that dim's sizes.
double ResizeSourceCoordinate(const ResizeAttrs& attrs, size_t dim, int64_t out_index,
                              int64_t in_extent, int64_t out_extent);

/// Nearest mode: the input index for a fractional coordinate, clamped to [0, in_extent).
int64_t ResizeNearestIndex(const ResizeAttrs& attrs, double coordinate, int64_t in_extent);

}  // namespace edgebench::ir
