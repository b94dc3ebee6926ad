#pragma once

// How an IR Resize runs on ATen, shared by both LibTorch modes (torch-free, like
// lowering.h). ATen's own interpolation operators are used where they compute exactly the
// IR's result: its nearest rules are checked index by index against the IR's (they are
// float formulas, which some scales round differently), its linear operators cover the
// half_pixel and align_corners coordinate modes. Everything else -- other nearest
// roundings, asymmetric linear coordinates, resized batch or channel dims -- runs as a
// gather whose source indices (and linear weights) are computed here with the IR's own
// coordinate helpers, so it is exact by construction.

#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace edgebench::backends::libtorch {

struct ResizeLowering {
  enum class Kind : uint8_t {
    kUpsampleNearest,       // upsample_nearest{1,2,3}d: floor(o * float(1 / scale))
    kUpsampleNearestExact,  // _upsample_nearest_exact{1,2,3}d: floor((o + 0.5) * ...)
    kUpsampleLinear,        // upsample_linear1d / bilinear2d / trilinear3d
    kGather,                // index_select (and lerp for linear) per resized dim
  };
  Kind kind = Kind::kGather;

  // The native kinds work on the dims after N and C, which stay unchanged.
  bool align_corners = false;
  std::vector<int64_t> output_size;  // per spatial dim
  std::vector<double> scales;        // per spatial dim

  // kGather: one step per resized dim, in dim order. Output index o of `dim` reads input
  // `near[o]`; linear mode blends it with `far[o]` by `far_weight[o]` (torch.lerp).
  struct Axis {
    int64_t dim = 0;
    std::vector<int64_t> near;
    std::vector<int64_t> far;       // linear only
    std::vector<float> far_weight;  // linear only
  };
  std::vector<Axis> axes;
  bool linear = false;
};

ResizeLowering LowerResize(const ir::ResizeAttrs& attrs, const ir::Shape& input,
                           const ir::Shape& output);

/// ATen's upsample_nearest source index for output index `out_index` (its nearest_idx
/// with an explicit scale, in float arithmetic as ATen computes it).
int64_t TorchNearestIndex(int64_t out_index, int64_t in_extent, int64_t out_extent, double scale);

}  // namespace edgebench::backends::libtorch
