#include "backends/libtorch/resize_lowering.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ir/op_semantics.h"

namespace edgebench::backends::libtorch {
namespace {

// ATen's compute_scales_value: the step between source coordinates, in float.
float TorchScaleStep(double scale) { return static_cast<float>(1.0 / scale); }

// ATen's nearest_exact_idx (the floor((o + 0.5) * step) rule, which is half_pixel with
// round-half-up): the sum is a double, converted to float by floorf.
int64_t TorchNearestExactIndex(int64_t out_index, int64_t in_extent, double scale) {
  const double position = (static_cast<double>(out_index) + 0.5) * TorchScaleStep(scale);
  return std::min(static_cast<int64_t>(std::floor(static_cast<float>(position))), in_extent - 1);
}

bool Resized(const ir::ResizeAttrs& attrs, size_t dim, int64_t in, int64_t out) {
  // As in the reference: a dim kept at scale 1 is the identity in every coordinate mode.
  return attrs.scales[dim] != 1.0f || in != out;
}

// The IR's nearest source index of every output index of one dim.
std::vector<int64_t> NearestIndices(const ir::ResizeAttrs& attrs, size_t dim, int64_t in,
                                    int64_t out) {
  std::vector<int64_t> indices(static_cast<size_t>(out));
  for (int64_t o = 0; o < out; ++o) {
    indices[static_cast<size_t>(o)] =
        Resized(attrs, dim, in, out)
            ? ir::ResizeNearestIndex(attrs, ir::ResizeSourceCoordinate(attrs, dim, o, in, out), in)
            : o;
  }
  return indices;
}

// Linear taps of one dim, as the reference computes them: the coordinate clamped to the
// input, its floor and the next index (the same index at the end) with the fraction.
ResizeLowering::Axis LinearAxis(const ir::ResizeAttrs& attrs, size_t dim, int64_t in, int64_t out) {
  ResizeLowering::Axis axis{.dim = static_cast<int64_t>(dim)};
  for (int64_t o = 0; o < out; ++o) {
    const double coordinate = std::clamp(ir::ResizeSourceCoordinate(attrs, dim, o, in, out), 0.0,
                                         static_cast<double>(in - 1));
    const auto near = static_cast<int64_t>(std::floor(coordinate));
    const bool has_far = near + 1 < in;
    axis.near.push_back(near);
    axis.far.push_back(has_far ? near + 1 : near);
    axis.far_weight.push_back(has_far ? static_cast<float>(coordinate - static_cast<double>(near))
                                      : 0.0f);
  }
  return axis;
}

// Whether ATen's linear operators compute this resize: they need N and C unchanged, 1 to
// 3 spatial dims, and a coordinate mode they have. pytorch_half_pixel is half_pixel except
// for an output extent of 1, where it reads coordinate 0; ATen's half_pixel clamps a
// negative coordinate to 0, so the two agree there too unless the dim is downscaled.
bool NativeLinear(const ir::ResizeAttrs& attrs, const ir::Shape& input, const ir::Shape& output) {
  switch (attrs.coordinates) {
    case ir::ResizeCoordinates::kHalfPixel:
    case ir::ResizeCoordinates::kAlignCorners:
      return true;
    case ir::ResizeCoordinates::kPytorchHalfPixel:
      for (size_t d = 2; d < input.size(); ++d) {
        if (output[d] == 1 && attrs.scales[d] < 1.0f) return false;
      }
      return true;
    case ir::ResizeCoordinates::kAsymmetric:
      return false;
  }
  return false;
}

}  // namespace

int64_t TorchNearestIndex(int64_t out_index, int64_t in_extent, int64_t out_extent, double scale) {
  // ATen's nearest_idx special-cases these two extents exactly.
  if (out_extent == in_extent) return out_index;
  if (out_extent == 2 * in_extent) return out_index >> 1;
  const float position = static_cast<float>(out_index) * TorchScaleStep(scale);
  return std::min(static_cast<int64_t>(std::floor(position)), in_extent - 1);
}

ResizeLowering LowerResize(const ir::ResizeAttrs& attrs, const ir::Shape& input,
                           const ir::Shape& output) {
  ResizeLowering lowering;
  lowering.linear = attrs.mode == ir::ResizeMode::kLinear;
  const size_t rank = input.size();
  if (attrs.scales.size() != rank || output.size() != rank) {
    throw ir::GraphError(fmt::format("resize of rank {} with {} scales to rank {}", rank,
                                     attrs.scales.size(), output.size()));
  }
  const bool native_layout = rank >= 3 && rank <= 5 && !Resized(attrs, 0, input[0], output[0]) &&
                             !Resized(attrs, 1, input[1], output[1]);
  if (native_layout) {
    for (size_t d = 2; d < rank; ++d) {
      lowering.output_size.push_back(output[d]);
      lowering.scales.push_back(static_cast<double>(attrs.scales[d]));
    }
    if (lowering.linear && NativeLinear(attrs, input, output)) {
      lowering.kind = ResizeLowering::Kind::kUpsampleLinear;
      lowering.align_corners = attrs.coordinates == ir::ResizeCoordinates::kAlignCorners;
      return lowering;
    }
    if (!lowering.linear) {
      bool floor_rule = true;
      bool exact_rule = true;
      for (size_t d = 2; d < rank; ++d) {
        const std::vector<int64_t> wanted = NearestIndices(attrs, d, input[d], output[d]);
        for (int64_t o = 0; o < output[d]; ++o) {
          const int64_t ir_index = wanted[static_cast<size_t>(o)];
          floor_rule =
              floor_rule && TorchNearestIndex(o, input[d], output[d], attrs.scales[d]) == ir_index;
          exact_rule =
              exact_rule && TorchNearestExactIndex(o, input[d], attrs.scales[d]) == ir_index;
        }
      }
      if (floor_rule || exact_rule) {
        lowering.kind = floor_rule ? ResizeLowering::Kind::kUpsampleNearest
                                   : ResizeLowering::Kind::kUpsampleNearestExact;
        return lowering;
      }
    }
    lowering.output_size.clear();
    lowering.scales.clear();
  }
  lowering.kind = ResizeLowering::Kind::kGather;
  for (size_t d = 0; d < rank; ++d) {
    if (!Resized(attrs, d, input[d], output[d])) continue;
    if (lowering.linear) {
      lowering.axes.push_back(LinearAxis(attrs, d, input[d], output[d]));
    } else {
      lowering.axes.push_back(
          {.dim = static_cast<int64_t>(d), .near = NearestIndices(attrs, d, input[d], output[d])});
    }
  }
  return lowering;
}

}  // namespace edgebench::backends::libtorch
