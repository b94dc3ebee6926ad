#include "backends/reference/resize_kernels.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "backends/reference/kernel_support.h"
#include "ir/graph.h"
#include "ir/op_semantics.h"

namespace edgebench::backends::reference {
namespace {

// Where one output index of one dim reads: input index `lo` with weight 1 - far_weight
// and `lo + 1` with far_weight (0 for nearest and for untouched dims).
struct SourceTap {
  int64_t lo = 0;
  double far_weight = 0.0;
};

std::vector<SourceTap> SourceTaps(const ir::ResizeAttrs& attrs, size_t dim, int64_t in,
                                  int64_t out) {
  std::vector<SourceTap> taps(static_cast<size_t>(out));
  // A dim kept at scale 1 maps every coordinate mode to the identity; skipping the
  // arithmetic there keeps it exact.
  const bool resized = attrs.scales[dim] != 1.0f || in != out;
  for (int64_t o = 0; o < out; ++o) {
    SourceTap& tap = taps[static_cast<size_t>(o)];
    if (!resized) {
      tap.lo = o;
      continue;
    }
    const double coordinate = ir::ResizeSourceCoordinate(attrs, dim, o, in, out);
    if (attrs.mode == ir::ResizeMode::kNearest) {
      // Every rounding of a coordinate outside [-1, in] lands outside [0, in) and is
      // clamped alike, so narrowing it first changes no index and keeps an extreme
      // coordinate (a tiny scale) from overflowing the integer conversion.
      tap.lo =
          ir::ResizeNearestIndex(attrs, std::clamp(coordinate, -1.0, static_cast<double>(in)), in);
      continue;
    }
    const double clamped = std::clamp(coordinate, 0.0, static_cast<double>(in - 1));
    tap.lo = static_cast<int64_t>(std::floor(clamped));
    // At the last index (clamped = in - 1) the far neighbour would be past the end, but
    // its weight is 0 there.
    tap.far_weight = tap.lo + 1 < in ? clamped - static_cast<double>(tap.lo) : 0.0;
  }
  return taps;
}

}  // namespace

void Resize(const ir::ResizeAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const size_t rank = x.shape.size();
  if (attrs.scales.size() != rank || y.shape.size() != rank) {
    throw ir::GraphError(fmt::format("resize of rank {} to {} with {} scales", rank,
                                     ir::ShapeToString(y.shape), attrs.scales.size()));
  }
  if (!attrs.sizes.empty()) RequireShape("resize output", y.shape, attrs.sizes);
  for (float scale : attrs.scales) {
    // A NaN, infinite or non-positive scale maps coordinates nowhere meaningful.
    if (!(std::isfinite(scale) && scale > 0.0f)) {
      throw ir::GraphError(fmt::format("resize scale {} is not a positive number", scale));
    }
  }
  if (y.data.empty()) return;
  std::vector<std::vector<SourceTap>> taps(rank);
  for (size_t d = 0; d < rank; ++d) {
    if (x.shape[d] == 0) throw ir::GraphError("resize of an empty dim to a non-empty one");
    taps[d] = SourceTaps(attrs, d, x.shape[d], y.shape[d]);
  }
  const Dims in_strides = RowMajorStrides(x.shape);

  Dims index(rank, 0);
  std::vector<size_t> blended;  // dims with two neighbours at this output index
  size_t out = 0;
  do {
    int64_t base = 0;
    blended.clear();
    for (size_t d = 0; d < rank; ++d) {
      const SourceTap& tap = taps[d][static_cast<size_t>(index[d])];
      base += tap.lo * in_strides[d];
      if (tap.far_weight != 0.0) blended.push_back(d);
    }
    // Sum over the 2^k corners of the neighbourhood: bit j of `corner` picks the far
    // neighbour along blended[j].
    double sum = 0.0;
    for (size_t corner = 0; corner < (size_t{1} << blended.size()); ++corner) {
      double weight = 1.0;
      int64_t offset = base;
      for (size_t j = 0; j < blended.size(); ++j) {
        const size_t d = blended[j];
        const double far = taps[d][static_cast<size_t>(index[d])].far_weight;
        if ((corner >> j) & 1) {
          weight *= far;
          offset += in_strides[d];
        } else {
          weight *= 1.0 - far;
        }
      }
      sum += weight * x.data[static_cast<size_t>(offset)];
    }
    y.data[out++] = static_cast<float>(sum);
  } while (NextIndex(index, y.shape));
}

}  // namespace edgebench::backends::reference
