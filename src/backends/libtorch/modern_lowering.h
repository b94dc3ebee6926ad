#pragma once

// How the modern op set's structural ops map onto ATen, decided once per node and shared
// by the eager and the TorchScript mode (like lowering.h, nothing here includes torch).
// Where ATen's operator differs in form from the IR op (positive-step-only slicing,
// reflection/replication padding of at most three trailing dims, symmetric-only
// transposed-convolution padding, one-dimensional index_select), the plan says which
// ATen calls reproduce the IR's result exactly.

#include <cstdint>
#include <vector>

#include "backends/backend.h"
#include "ir/graph.h"
#include "ir/op_semantics.h"

namespace edgebench::backends::libtorch {

/// Slice as ATen runs it: at::slice takes positive steps only, so every dim with a
/// negative step is flipped first (one at::flip over `flip_dims`), which turns the IR's
/// start, start + step, ... into a positive-step run of the flipped dim. Then one
/// at::slice(dim, start, end, step) per entry of `slices`; dims the slice keeps whole are
/// not listed.
struct SliceLowering {
  struct Axis {
    int64_t dim = 0;
    int64_t start = 0;
    int64_t end = 0;
    int64_t step = 1;  // > 0
  };
  std::vector<int64_t> flip_dims;
  std::vector<Axis> slices;
};
SliceLowering LowerSlice(const ir::SliceAttrs& attrs, const ir::Shape& input);

/// Padding. Constant mode: at::constant_pad_nd(x, pads, value) over the trailing dims.
/// Reflect / edge mode: ATen's reflection_pad{1,2,3}d / replication_pad{1,2,3}d pad the
/// last `kernel_rank` dims of a tensor whose other dims are folded into one leading dim,
/// so x is reshaped to `folded`, padded, and reshaped to the output shape. kernel_rank 0:
/// nothing is padded, the output is the input.
struct PadLowering {
  ir::PadMode mode = ir::PadMode::kConstant;
  std::vector<int64_t> pads;  // ATen order: last dim first, (begin, end) each
  size_t kernel_rank = 0;     // trailing dims from the first padded one to the last
  ir::Shape folded;           // reflect / edge: [product of the other dims, trailing dims]
};
/// Reflect / edge padding reaching more than three trailing dims is refused: ATen's
/// kernels stop at three.
Support PadSupport(const ir::PadAttrs& attrs, const ir::Shape& input);
PadLowering LowerPad(const ir::PadAttrs& attrs, const ir::Shape& input);

/// Gather with constant indices: at::index_select(x, axis, indices) with the indices
/// flattened and made non-negative, then a reshape to the output shape (which restores a
/// multi-dim index shape or drops the axis for a scalar index).
struct GatherLowering {
  int64_t axis = 0;
  std::vector<int64_t> indices;
};
GatherLowering LowerGather(const ir::GatherAttrs& attrs, const ir::Shape& input);

/// Transposed convolution: ATen pads symmetrically, so it runs with the smaller of each
/// dim's two pads and the output is narrowed by the excess (`narrow_start[d]` rows off
/// the beginning, `narrow_length[d]` kept; -1 when the dim needs no narrowing).
struct ConvTransposeLowering {
  std::vector<int64_t> padding;
  std::vector<int64_t> narrow_start;
  std::vector<int64_t> narrow_length;
};
ConvTransposeLowering LowerConvTranspose(const ir::ConvTransposeAttrs& attrs,
                                         const ir::Shape& output);

/// The dims a reduction reduces, normalized and sorted (every dim when axes is empty).
std::vector<int64_t> ReduceDims(const ir::ReduceAttrs& attrs, size_t rank);
/// ReduceMax over an empty dim has no value; ATen's amax refuses it.
Support ReduceSupport(ir::OpKind op, const ir::ReduceAttrs& attrs, const ir::Shape& input);

/// The permutation of a transpose (the reversed dims when perm is empty).
std::vector<int64_t> TransposePermutation(const ir::TransposeAttrs& attrs, size_t rank);

}  // namespace edgebench::backends::libtorch
