// Upsample (opset 7-9) and Resize (10-19). Nearest upsampling by integer scales that
// amounts to pixel replication stays kUpsampleNearest, the op every backend has; the
// rest -- fractional or down-scaling, sizes, linear mode, any ONNX coordinate mapping
// the IR has -- becomes kResize.

#include <fmt/format.h>

#include <cmath>

#include "formats/onnx_import_ops.h"

namespace edgebench::formats::onnx_detail {
namespace {

// Whether nearest resizing with this coordinate mapping and rounding reads input
// floor(out / scale) for an integer `scale`: out = k*scale + j maps to k + f(j) with
// f(j) in [0, 1) (asymmetric, tf_half_pixel_for_nn) or (-0.5, 0.5) (half_pixel).
bool IsFloorDivision(const std::string& coordinates, const std::string& rounding, int64_t scale) {
  if (coordinates == "asymmetric") {
    // f(j) = j / scale
    return rounding == "floor" || scale == 1 || (rounding == "round_prefer_floor" && scale == 2);
  }
  if (coordinates == "half_pixel" || coordinates == "pytorch_half_pixel") {
    // f(j) = (j + 0.5) / scale - 0.5, strictly inside (-0.5, 0.5): rounding gives 0.
    return rounding == "round_prefer_floor" || rounding == "round_prefer_ceil" || scale == 1;
  }
  if (coordinates == "tf_half_pixel_for_nn") {
    // f(j) = (j + 0.5) / scale, in (0, 1).
    return rounding == "floor" || (rounding == "round_prefer_floor" && scale == 1);
  }
  if (coordinates == "align_corners") return scale == 1;
  return false;
}

// The kUpsampleNearest equivalent of a nearest resize given by scales, if there is one.
std::optional<ir::UpsampleAttrs> AsUpsample(const ir::Shape& shape,
                                            const std::vector<double>& scales,
                                            const std::string& coordinates,
                                            const std::string& rounding) {
  if ((shape.size() != 4 && shape.size() != 5) || scales[0] != 1.0 || scales[1] != 1.0) {
    return std::nullopt;
  }
  ir::UpsampleAttrs upsample;
  for (size_t d = 2; d < shape.size(); ++d) {
    const double s = scales[d];
    if (!(s >= 1.0 && s <= static_cast<double>(kMaxAttrValue)) || s != std::floor(s) ||
        !IsFloorDivision(coordinates, rounding, static_cast<int64_t>(s))) {
      return std::nullopt;
    }
    upsample.scales.push_back(static_cast<int64_t>(s));
  }
  return upsample;
}

ir::ResizeCoordinates CoordinatesOf(const std::string& mode) {
  if (mode == "half_pixel") return ir::ResizeCoordinates::kHalfPixel;
  if (mode == "pytorch_half_pixel") return ir::ResizeCoordinates::kPytorchHalfPixel;
  if (mode == "align_corners") return ir::ResizeCoordinates::kAlignCorners;
  if (mode == "asymmetric") return ir::ResizeCoordinates::kAsymmetric;
  if (mode == "tf_half_pixel_for_nn" || mode == "tf_crop_and_resize" ||
      mode == "half_pixel_symmetric") {
    throw UnsupportedModelError(fmt::format("Resize coordinate_transformation_mode '{}'", mode));
  }
  throw FormatError(fmt::format("coordinate_transformation_mode '{}' is invalid", mode));
}

ir::ResizeNearest RoundingOf(const std::string& mode) {
  if (mode == "round_prefer_floor") return ir::ResizeNearest::kRoundPreferFloor;
  if (mode == "round_prefer_ceil") return ir::ResizeNearest::kRoundPreferCeil;
  if (mode == "floor") return ir::ResizeNearest::kFloor;
  if (mode == "ceil") return ir::ResizeNearest::kCeil;
  throw FormatError(fmt::format("nearest_mode '{}' is invalid", mode));
}

// One value per dim from a list given for `axes` (opset 18), `fill` elsewhere.
std::vector<double> PerDim(const std::vector<double>& values, const std::vector<int64_t>& axes,
                           size_t rank, const std::vector<double>& fill, const char* what) {
  if (axes.empty()) {
    if (values.size() != rank) {
      throw FormatError(fmt::format("{} has {} values for rank {}", what, values.size(), rank));
    }
    return values;
  }
  if (values.size() != axes.size()) {
    throw FormatError(
        fmt::format("{} has {} values for {} axes", what, values.size(), axes.size()));
  }
  std::vector<double> out = fill;
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    const auto limit = static_cast<int64_t>(rank);
    if (axes[i] < -limit || axes[i] >= limit) {
      throw FormatError(fmt::format("axis {} out of range for rank {}", axes[i], rank));
    }
    const auto d = static_cast<size_t>(axes[i] < 0 ? axes[i] + limit : axes[i]);
    if (seen[d]) throw FormatError("Resize lists an axis twice");
    seen[d] = true;
    out[d] = values[i];
  }
  return out;
}

std::vector<double> DoubleValues(const ConstTensor& tensor) {
  std::vector<double> values;
  for (int64_t i = 0; i < tensor.size(); ++i) values.push_back(tensor.At(i));
  return values;
}

}  // namespace

void ConvertResize(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                   NodeAttributes& attrs) {
  const bool is_upsample = node.op_type() == "Upsample";
  const bool legacy = is_upsample || context.opset() < 11;  // asymmetric, floor
  if (is_upsample && context.opset() < 7) {
    throw UnsupportedModelError("Upsample before opset 7 (height_scale/width_scale)");
  }
  ExpectInputCount(node, 1, legacy ? 2 : 4);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const ir::Shape shape = context.graph().value(x).shape;
  if (shape.empty()) throw FormatError("resizing a scalar");
  const size_t rank = shape.size();
  const std::string mode = attrs.String("mode", "nearest");
  ir::ResizeAttrs resize;
  if (mode == "nearest") {
    resize.mode = ir::ResizeMode::kNearest;
  } else if (mode == "linear" || (legacy && mode == "bilinear")) {
    resize.mode = ir::ResizeMode::kLinear;
  } else if (mode == "cubic") {
    throw UnsupportedModelError(fmt::format("{} mode 'cubic'", node.op_type()));
  } else {
    throw FormatError(fmt::format("{} mode '{}' is invalid", node.op_type(), mode));
  }
  std::string coordinates = "asymmetric";
  std::string rounding = "floor";
  std::vector<double> scales;
  std::vector<double> sizes;
  if (is_upsample && context.opset() < 9) {
    for (float s : attrs.Floats("scales")) scales.push_back(s);
  } else if (legacy) {
    ExpectInputCount(node, 2, 2);
    scales = DoubleValues(context.RequireConstant(node.input(1), "scales"));
  } else {
    coordinates = attrs.String("coordinate_transformation_mode", "half_pixel");
    rounding = attrs.String("nearest_mode", "round_prefer_floor");
    // Only cubic mode reads these, and extrapolation only tf_crop_and_resize.
    attrs.Ignore({"cubic_coeff_a", "exclude_outside", "extrapolation_value"});
    if (attrs.Int("antialias", 0) != 0) throw UnsupportedModelError("Resize with antialias");
    const std::string policy = attrs.String("keep_aspect_ratio_policy", "stretch");
    if (policy != "stretch") {
      throw UnsupportedModelError(fmt::format("Resize keep_aspect_ratio_policy '{}'", policy));
    }
    const std::vector<int64_t> axes = attrs.Ints("axes");
    const std::string scales_name = InputName(node, 2);
    const std::string sizes_name = InputName(node, 3);
    const ConstTensor* given =
        scales_name.empty() ? nullptr : &context.RequireConstant(scales_name, "scales");
    if (given != nullptr && given->size() > 0) {
      if (!sizes_name.empty() && context.ShapeOf(sizes_name) != ir::Shape{0}) {
        throw FormatError("Resize has both scales and sizes");
      }
      scales = PerDim(DoubleValues(*given), axes, rank, std::vector<double>(rank, 1.0), "scales");
    } else if (!sizes_name.empty()) {
      sizes = PerDim(DoubleValues(context.RequireConstant(sizes_name, "sizes")), axes, rank,
                     std::vector<double>(shape.begin(), shape.end()), "sizes");
    } else {
      throw FormatError("Resize needs scales or sizes");
    }
  }
  if (sizes.empty()) {
    if (scales.size() != rank) {
      throw FormatError(fmt::format("{} scales for a rank-{} input", scales.size(), rank));
    }
    for (size_t d = 0; d < rank; ++d) {
      const double s = scales[d];
      if (!(s > 0.0) || !std::isfinite(s) || s * static_cast<double>(shape[d]) > kMaxAttrValue) {
        throw FormatError(fmt::format("scale {} of dim {} is invalid", s, d));
      }
    }
    if (resize.mode == ir::ResizeMode::kNearest) {
      if (std::optional<ir::UpsampleAttrs> upsample =
              AsUpsample(shape, scales, coordinates, rounding)) {
        context.Emit(name, node.output(0), ir::OpKind::kUpsampleNearest, std::move(*upsample), {x});
        return;
      }
    }
    for (size_t d = 0; d < rank; ++d) {
      // ONNX: floor(in * scale), in double as its reference computes it.
      sizes.push_back(std::floor(static_cast<double>(shape[d]) * scales[d]));
      if (sizes.back() < 1.0) {
        throw UnsupportedModelError(
            fmt::format("{} would produce an empty tensor (dim {}: {} x {} rounds down to 0)",
                        node.op_type(), d, shape[d], scales[d]));
      }
    }
  } else {
    for (size_t d = 0; d < rank; ++d) {
      if (!(sizes[d] >= 1.0) || sizes[d] > kMaxAttrValue) {
        throw FormatError(fmt::format("size {} of dim {} is invalid", sizes[d], d));
      }
      scales.push_back(sizes[d] / static_cast<double>(shape[d]));
    }
  }
  resize.coordinates = CoordinatesOf(coordinates);
  if (resize.mode == ir::ResizeMode::kNearest) resize.nearest = RoundingOf(rounding);
  for (size_t d = 0; d < rank; ++d) {
    resize.scales.push_back(static_cast<float>(scales[d]));
    resize.sizes.push_back(static_cast<int64_t>(sizes[d]));
  }
  context.Emit(name, node.output(0), ir::OpKind::kResize, std::move(resize), {x});
}

}  // namespace edgebench::formats::onnx_detail
