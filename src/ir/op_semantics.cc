#include "ir/op_semantics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace edgebench::ir {

Shape BroadcastShapes(const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    // Dims are aligned from the end; a missing leading dim acts as 1.
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw GraphError(fmt::format("shapes {} and {} do not broadcast (dim {}: {} vs {})",
                                   ShapeToString(a), ShapeToString(b), i, da, db));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t NormalizeAxis(int64_t axis, size_t rank, bool allow_end) {
  const auto limit = static_cast<int64_t>(rank) + (allow_end ? 1 : 0);
  const int64_t normalized = axis < 0 ? axis + limit : axis;
  if (normalized < 0 || normalized >= limit) {
    throw GraphError(fmt::format("axis {} out of range for rank {}", axis, rank));
  }
  return normalized;
}

std::vector<int64_t> NormalizeAxes(const std::vector<int64_t>& axes, size_t rank, bool allow_end) {
  std::vector<int64_t> normalized;
  normalized.reserve(axes.size());
  for (int64_t axis : axes) normalized.push_back(NormalizeAxis(axis, rank, allow_end));
  std::sort(normalized.begin(), normalized.end());
  if (std::adjacent_find(normalized.begin(), normalized.end()) != normalized.end()) {
    throw GraphError("an axis is listed twice");
  }
  return normalized;
}

std::vector<SliceDim> ResolveSlice(const SliceAttrs& attrs, const Shape& input) {
  const size_t count = attrs.starts.size();
  if (attrs.ends.size() != count || (!attrs.axes.empty() && attrs.axes.size() != count) ||
      (!attrs.steps.empty() && attrs.steps.size() != count)) {
    throw GraphError("slice starts, ends, axes and steps differ in length");
  }
  std::vector<SliceDim> dims(input.size());
  for (size_t d = 0; d < input.size(); ++d) dims[d] = {0, 1, input[d]};
  std::vector<bool> seen(input.size(), false);
  for (size_t i = 0; i < count; ++i) {
    const auto axis = static_cast<size_t>(
        NormalizeAxis(attrs.axes.empty() ? static_cast<int64_t>(i) : attrs.axes[i], input.size()));
    if (seen[axis]) throw GraphError("slice lists an axis twice");
    seen[axis] = true;
    const int64_t step = attrs.steps.empty() ? 1 : attrs.steps[i];
    if (step == 0) throw GraphError("slice step is 0");
    const int64_t extent = input[axis];
    // ONNX: negative positions count from the end, then clamp to the valid range, which
    // for a negative step is [-1, extent - 1] so that "to the beginning" is expressible.
    auto clamp = [&](int64_t position) {
      if (position < 0) position = position < -extent ? -1 : position + extent;
      return step > 0 ? std::clamp<int64_t>(position, 0, extent)
                      : std::clamp<int64_t>(position, -1, extent - 1);
    };
    const int64_t start = clamp(attrs.starts[i]);
    const int64_t end = clamp(attrs.ends[i]);
    const int64_t span = step > 0 ? end - start : start - end;
    // Unsigned, and (span - 1) / magnitude + 1 rather than a rounded-up sum, so that a
    // step of INT64_MIN or near INT64_MAX cannot overflow.
    const uint64_t magnitude =
        step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
    dims[axis] = {
        start, step,
        span <= 0 ? 0 : static_cast<int64_t>(static_cast<uint64_t>(span - 1) / magnitude) + 1};
  }
  return dims;
}

double ResizeSourceCoordinate(const ResizeAttrs& attrs, size_t dim, int64_t out_index,
                              int64_t in_extent, int64_t out_extent) {
  if (dim >= attrs.scales.size()) {
    throw GraphError(
        fmt::format("resize has {} scales, dim {} needs one", attrs.scales.size(), dim));
  }
  const double scale = attrs.scales[dim];
  const auto x = static_cast<double>(out_index);
  switch (attrs.coordinates) {
    case ResizeCoordinates::kHalfPixel:
      return (x + 0.5) / scale - 0.5;
    case ResizeCoordinates::kPytorchHalfPixel:
      return out_extent > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    case ResizeCoordinates::kAlignCorners:
      return out_extent > 1
                 ? x * static_cast<double>(in_extent - 1) / static_cast<double>(out_extent - 1)
                 : 0.0;
    case ResizeCoordinates::kAsymmetric:
      return x / scale;
  }
  return x / scale;
}

int64_t ResizeNearestIndex(const ResizeAttrs& attrs, double coordinate, int64_t in_extent) {
  double index = 0.0;
  switch (attrs.nearest) {
    case ResizeNearest::kRoundPreferFloor:
      // A tie (x.5) goes down; otherwise ordinary rounding.
      index = coordinate == std::floor(coordinate) + 0.5 ? std::floor(coordinate)
                                                         : std::round(coordinate);
      break;
    case ResizeNearest::kRoundPreferCeil:
      index = std::round(coordinate);  // std::round sends ties away from zero
      if (coordinate < 0 && coordinate == std::floor(coordinate) + 0.5)
        index = std::ceil(coordinate);
      break;
    case ResizeNearest::kFloor:
      index = std::floor(coordinate);
      break;
    case ResizeNearest::kCeil:
      index = std::ceil(coordinate);
      break;
  }
  // Clamped while still a double: a NaN or huge coordinate (from a tiny scale) must not
  // reach the integer conversion, which would be undefined.
  if (!(index >= 0.0)) return 0;
  const auto last = static_cast<double>(in_extent - 1);
  return static_cast<int64_t>(std::min(index, last));
}

}  // namespace edgebench::ir
