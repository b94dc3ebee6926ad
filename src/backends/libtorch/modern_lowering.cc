#include "backends/libtorch/modern_lowering.h"

#include <fmt/format.h>

#include <algorithm>

#include "backends/libtorch/lowering.h"

namespace edgebench::backends::libtorch {

SliceLowering LowerSlice(const ir::SliceAttrs& attrs, const ir::Shape& input) {
  SliceLowering lowering;
  const std::vector<ir::SliceDim> dims = ir::ResolveSlice(attrs, input);
  for (size_t d = 0; d < dims.size(); ++d) {
    const ir::SliceDim& dim = dims[d];
    const int64_t extent = input[d];
    if (dim.step == 1 && dim.start == 0 && dim.count == extent) continue;
    SliceLowering::Axis axis{.dim = static_cast<int64_t>(d)};
    int64_t start = dim.start;
    axis.step = dim.step;
    if (dim.step < 0) {
      // Index i of the flipped dim is extent - 1 - i of the original.
      lowering.flip_dims.push_back(axis.dim);
      start = extent - 1 - dim.start;
      axis.step = -dim.step;
    }
    if (dim.count == 0) {
      axis.start = 0;
      axis.end = 0;
    } else {
      axis.start = start;
      // Just past the last element read, which stays within the dim (a larger end would
      // be clamped by ATen, but this way nothing depends on that).
      axis.end = start + (dim.count - 1) * axis.step + 1;
    }
    lowering.slices.push_back(axis);
  }
  return lowering;
}

Support PadSupport(const ir::PadAttrs& attrs, const ir::Shape& input) {
  if (attrs.mode == ir::PadMode::kConstant) return {};
  const PadLowering lowering = LowerPad(attrs, input);
  if (lowering.kernel_rank > 3) {
    return {false, fmt::format("{} padding of {} trailing dims: ATen's reflection/replication "
                               "padding covers at most the last three",
                               attrs.mode == ir::PadMode::kReflect ? "reflect" : "edge",
                               lowering.kernel_rank)};
  }
  return {};
}

PadLowering LowerPad(const ir::PadAttrs& attrs, const ir::Shape& input) {
  PadLowering lowering{.mode = attrs.mode};
  const size_t rank = input.size();
  if (attrs.pads_begin.size() != rank || attrs.pads_end.size() != rank) {
    throw ir::GraphError(fmt::format("pad lists {} / {} entries for rank {}",
                                     attrs.pads_begin.size(), attrs.pads_end.size(), rank));
  }
  size_t first = rank;
  for (size_t d = 0; d < rank; ++d) {
    if (attrs.pads_begin[d] != 0 || attrs.pads_end[d] != 0) {
      first = d;
      break;
    }
  }
  if (first == rank) return lowering;
  lowering.kernel_rank = rank - first;
  lowering.pads = TorchPadList(
      std::vector<int64_t>(attrs.pads_begin.begin() + static_cast<std::ptrdiff_t>(first),
                           attrs.pads_begin.end()),
      std::vector<int64_t>(attrs.pads_end.begin() + static_cast<std::ptrdiff_t>(first),
                           attrs.pads_end.end()));
  if (attrs.mode != ir::PadMode::kConstant) {
    // ATen's kernels take [C, trailing...] (or with a batch dim in front); folding every
    // unpadded leading dim into that C is a view and changes nothing about the result.
    int64_t leading = 1;
    for (size_t d = 0; d < first; ++d) leading *= input[d];
    lowering.folded.push_back(leading);
    lowering.folded.insert(lowering.folded.end(),
                           input.begin() + static_cast<std::ptrdiff_t>(first), input.end());
  }
  return lowering;
}

GatherLowering LowerGather(const ir::GatherAttrs& attrs, const ir::Shape& input) {
  GatherLowering lowering;
  lowering.axis = ir::NormalizeAxis(attrs.axis, input.size());
  const int64_t extent = input[static_cast<size_t>(lowering.axis)];
  lowering.indices.reserve(attrs.indices.size());
  for (int64_t index : attrs.indices) {
    if (index < -extent || index >= extent) {
      throw ir::GraphError(
          fmt::format("gather index {} out of range for extent {}", index, extent));
    }
    lowering.indices.push_back(index < 0 ? index + extent : index);
  }
  return lowering;
}

ConvTransposeLowering LowerConvTranspose(const ir::ConvTransposeAttrs& attrs,
                                         const ir::Shape& output) {
  ConvTransposeLowering lowering;
  const size_t rank = attrs.pads_begin.size();
  if (attrs.pads_end.size() != rank || output.size() != rank + 2) {
    throw ir::GraphError("transposed convolution pads do not match its output's spatial rank");
  }
  for (size_t d = 0; d < rank; ++d) {
    const int64_t common = std::min(attrs.pads_begin[d], attrs.pads_end[d]);
    lowering.padding.push_back(common);
    // ATen's output row r is the unpadded transposed convolution's row r + common, the
    // IR's row o is row o + pads_begin: the IR's output starts pads_begin - common rows in.
    // The IR's end padding is at least `common`, so its rows all lie within ATen's.
    const bool asymmetric = attrs.pads_begin[d] != attrs.pads_end[d];
    lowering.narrow_start.push_back(asymmetric ? attrs.pads_begin[d] - common : -1);
    lowering.narrow_length.push_back(asymmetric ? output[2 + d] : -1);
  }
  return lowering;
}

std::vector<int64_t> ReduceDims(const ir::ReduceAttrs& attrs, size_t rank) {
  if (!attrs.axes.empty()) return ir::NormalizeAxes(attrs.axes, rank);
  std::vector<int64_t> dims(rank);
  for (size_t d = 0; d < rank; ++d) dims[d] = static_cast<int64_t>(d);
  return dims;
}

Support ReduceSupport(ir::OpKind op, const ir::ReduceAttrs& attrs, const ir::Shape& input) {
  if (op != ir::OpKind::kReduceMax) return {};
  for (int64_t dim : ReduceDims(attrs, input.size())) {
    if (input[static_cast<size_t>(dim)] == 0) {
      return {false, fmt::format("reduce_max over dim {}, which is empty: ATen's amax has no "
                                 "value for it",
                                 dim)};
    }
  }
  return {};
}

std::vector<int64_t> TransposePermutation(const ir::TransposeAttrs& attrs, size_t rank) {
  if (!attrs.perm.empty()) return attrs.perm;
  std::vector<int64_t> perm(rank);
  for (size_t d = 0; d < rank; ++d) perm[d] = static_cast<int64_t>(rank - 1 - d);
  return perm;
}

}  // namespace edgebench::backends::libtorch
