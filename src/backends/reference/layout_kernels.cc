#include "backends/reference/layout_kernels.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <vector>

#include "backends/reference/kernel_support.h"
#include "ir/graph.h"
#include "ir/op_semantics.h"

namespace edgebench::backends::reference {
namespace {

// The input index that output index `o` of a padded dim reads, or -1 for constant fill.
int64_t PaddedSource(ir::PadMode mode, int64_t o, int64_t pad_begin, int64_t extent) {
  const int64_t c = o - pad_begin;
  if (c >= 0 && c < extent) return c;
  switch (mode) {
    case ir::PadMode::kConstant:
      return -1;
    case ir::PadMode::kEdge:
      return c < 0 ? 0 : extent - 1;
    case ir::PadMode::kReflect: {
      if (extent == 1) return 0;
      // Reflection without repeating the border is periodic with period 2 * (extent - 1):
      // positions 0 .. extent - 1 go up, the rest of the period comes back down.
      const int64_t period = 2 * (extent - 1);
      const int64_t phase = ((c % period) + period) % period;
      return phase < extent ? phase : period - phase;
    }
  }
  return -1;
}

}  // namespace

void Transpose(const ir::TransposeAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const size_t rank = x.shape.size();
  Dims perm = attrs.perm;
  if (perm.empty()) {
    for (size_t d = rank; d-- > 0;) perm.push_back(static_cast<int64_t>(d));
  }
  if (perm.size() != rank) {
    throw ir::GraphError(
        fmt::format("transpose perm has {} entries for rank {}", perm.size(), rank));
  }
  // NormalizeAxes rejects repeats and out-of-range entries, so perm is a permutation.
  ir::NormalizeAxes(perm, rank);
  const Dims in_strides = RowMajorStrides(x.shape);
  ir::Shape out_shape(rank);
  Dims strides(rank);  // input stride of each output dim
  for (size_t d = 0; d < rank; ++d) {
    const auto source = static_cast<size_t>(ir::NormalizeAxis(perm[d], rank));
    out_shape[d] = x.shape[source];
    strides[d] = in_strides[source];
  }
  RequireShape("transpose output", y.shape, out_shape);
  if (y.data.empty()) return;
  Dims index(rank, 0);
  size_t out = 0;
  do {
    y.data[out++] = x.data[static_cast<size_t>(Dot(index, strides))];
  } while (NextIndex(index, y.shape));
}

void Slice(const ir::SliceAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const std::vector<ir::SliceDim> dims = ir::ResolveSlice(attrs, x.shape);
  const size_t rank = x.shape.size();
  const Dims in_strides = RowMajorStrides(x.shape);
  ir::Shape out_shape(rank);
  int64_t origin = 0;  // input offset of output index 0
  Dims strides(rank);  // input step per output step, per dim
  for (size_t d = 0; d < rank; ++d) {
    out_shape[d] = dims[d].count;
    origin += dims[d].start * in_strides[d];
    strides[d] = dims[d].step * in_strides[d];
  }
  RequireShape("slice output", y.shape, out_shape);
  if (y.data.empty()) return;
  Dims index(rank, 0);
  size_t out = 0;
  do {
    y.data[out++] = x.data[static_cast<size_t>(origin + Dot(index, strides))];
  } while (NextIndex(index, y.shape));
}

void Pad(const ir::PadAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const size_t rank = x.shape.size();
  if (attrs.pads_begin.size() != rank || attrs.pads_end.size() != rank) {
    throw ir::GraphError(fmt::format("pad lists {} begin and {} end pads for rank {}",
                                     attrs.pads_begin.size(), attrs.pads_end.size(), rank));
  }
  ir::Shape out_shape(rank);
  for (size_t d = 0; d < rank; ++d) {
    if (attrs.pads_begin[d] < 0 || attrs.pads_end[d] < 0) {
      throw ir::GraphError("pads must not be negative");
    }
    out_shape[d] = CheckedAdd(CheckedAdd(x.shape[d], attrs.pads_begin[d]), attrs.pads_end[d]);
    if (x.shape[d] == 0 && out_shape[d] > 0 && attrs.mode != ir::PadMode::kConstant) {
      throw ir::GraphError("edge or reflect padding of an empty dim has nothing to repeat");
    }
  }
  RequireShape("pad output", y.shape, out_shape);
  if (y.data.empty()) return;
  const Dims in_strides = RowMajorStrides(x.shape);
  Dims index(rank, 0);
  size_t out = 0;
  do {
    int64_t source = 0;
    for (size_t d = 0; d < rank && source >= 0; ++d) {
      const int64_t c = PaddedSource(attrs.mode, index[d], attrs.pads_begin[d], x.shape[d]);
      source = c < 0 ? -1 : source + c * in_strides[d];
    }
    y.data[out++] = source < 0 ? attrs.value : x.data[static_cast<size_t>(source)];
  } while (NextIndex(index, y.shape));
}

void Gather(const ir::GatherAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const size_t rank = x.shape.size();
  const auto axis = static_cast<size_t>(ir::NormalizeAxis(attrs.axis, rank));
  if (static_cast<int64_t>(attrs.indices.size()) != ir::ElementCount(attrs.indices_shape)) {
    throw ir::GraphError(fmt::format("gather has {} indices for indices shape {}",
                                     attrs.indices.size(), ir::ShapeToString(attrs.indices_shape)));
  }
  ir::Shape out_shape(x.shape.begin(), x.shape.begin() + static_cast<int64_t>(axis));
  out_shape.insert(out_shape.end(), attrs.indices_shape.begin(), attrs.indices_shape.end());
  out_shape.insert(out_shape.end(), x.shape.begin() + static_cast<int64_t>(axis) + 1,
                   x.shape.end());
  RequireShape("gather output", y.shape, out_shape);

  const int64_t extent = x.shape[axis];
  std::vector<int64_t> rows;
  rows.reserve(attrs.indices.size());
  for (int64_t index : attrs.indices) {
    if (index < -extent || index >= extent) {
      throw ir::GraphError(
          fmt::format("gather index {} out of range for axis of extent {}", index, extent));
    }
    rows.push_back(index < 0 ? index + extent : index);
  }
  const int64_t outer = Product(std::span(x.shape).first(axis));
  const int64_t inner = Product(std::span(x.shape).subspan(axis + 1));
  auto out = y.data.begin();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t row : rows) {
      const auto first = x.data.begin() + (o * extent + row) * inner;
      out = std::copy(first, first + inner, out);
    }
  }
}

}  // namespace edgebench::backends::reference
