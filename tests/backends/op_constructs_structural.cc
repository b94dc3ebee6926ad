// Constructs of the structural part of the modern op set: transpose, slice (with negative
// steps and positions), squeeze/unsqueeze, pad in each mode, gather, batched and
// broadcast matmul, transposed convolution (stride, output padding, groups, asymmetric
// padding), resize (each nearest rounding at a non-integer scale, linear in each
// coordinate mode) and layer normalization.
#include <fmt/format.h>

#include "op_constructs.h"

namespace edgebench::backends::constructs {
namespace {

using ir::OpKind;
using ir::ValueId;
using zoo::GraphBuilder;
using zoo::Padding;

const ir::Shape kImage{1, 8, 6, 7};

// One op with fixed attributes applied to the input.
Construct Single(std::string name, ir::Shape input, OpKind op, ir::Attrs attrs) {
  return {std::move(name), std::move(input),
          [op, attrs](GraphBuilder& b, ValueId x) { return b.Op("op", op, attrs, {x}); }};
}

void AddLayoutConstructs(std::vector<Construct>& out) {
  out.push_back(
      Single("transpose_nhwc", kImage, OpKind::kTranspose, ir::TransposeAttrs{{0, 2, 3, 1}}));
  out.push_back(
      Single("transpose_default_reverses", kImage, OpKind::kTranspose, ir::TransposeAttrs{}));
  out.push_back(
      Single("slice_steps", kImage, OpKind::kSlice,
             ir::SliceAttrs{.starts = {1, 0}, .ends = {6, 100}, .axes = {2, 3}, .steps = {2, 3}}));
  out.push_back(Single("slice_channels_negative_axis", kImage, OpKind::kSlice,
                       ir::SliceAttrs{.starts = {2}, .ends = {-1}, .axes = {-3}}));
  out.push_back(
      Single("slice_reverse", kImage, OpKind::kSlice,
             ir::SliceAttrs{.starts = {-1}, .ends = {-100}, .axes = {-1}, .steps = {-1}}));
  out.push_back(Single(
      "slice_negative_steps", kImage, OpKind::kSlice,
      ir::SliceAttrs{
          .starts = {6, -2, 100}, .ends = {0, -7, 1}, .axes = {1, 2, 3}, .steps = {-2, -3, -4}}));
  out.push_back(
      {"squeeze_axes", kImage, [](GraphBuilder& b, ValueId x) {
         return b.Op("op", OpKind::kSqueeze, ir::AxesAttrs{{2, -1}}, {b.GlobalAvgPool("gap", x)});
       }});
  out.push_back({"squeeze_every_unit_dim", kImage, [](GraphBuilder& b, ValueId x) {
                   return b.Op("op", OpKind::kSqueeze, ir::AxesAttrs{},
                               {b.GlobalAvgPool("gap", x)});
                 }});
  out.push_back({"squeeze_one_axis", kImage, [](GraphBuilder& b, ValueId x) {
                   const ValueId rows = b.MaxPool("rows", x, {1, 7}, {1, 7});
                   return b.Op("op", OpKind::kSqueeze, ir::AxesAttrs{{3}}, {rows});
                 }});
  out.push_back({"unsqueeze_one_axis", ir::Shape{2, 5, 6}, [](GraphBuilder& b, ValueId x) {
                   return b.Op("op", OpKind::kUnsqueeze, ir::AxesAttrs{{1}}, {x});
                 }});
  out.push_back({"unsqueeze", kImage, [](GraphBuilder& b, ValueId x) {
                   const ValueId flat = b.Flatten("flat", b.GlobalAvgPool("gap", x));
                   return b.Op("op", OpKind::kUnsqueeze, ir::AxesAttrs{{-1, 1}}, {flat});
                 }});
}

void AddPadConstructs(std::vector<Construct>& out) {
  using ir::PadAttrs;
  using ir::PadMode;
  out.push_back(Single("pad_constant_spatial", kImage, OpKind::kPad,
                       PadAttrs{{0, 0, 1, 2}, {0, 0, 2, 0}, PadMode::kConstant, 0.5f}));
  out.push_back(Single("pad_constant_channels", kImage, OpKind::kPad,
                       PadAttrs{{0, 2, 0, 0}, {0, 1, 0, 1}, PadMode::kConstant, 0.0f}));
  out.push_back(Single("pad_reflect_spatial", kImage, OpKind::kPad,
                       PadAttrs{{0, 0, 2, 1}, {0, 0, 1, 3}, PadMode::kReflect}));
  out.push_back(Single("pad_reflect_last_dim", kImage, OpKind::kPad,
                       PadAttrs{{0, 0, 0, 2}, {0, 0, 0, 1}, PadMode::kReflect}));
  out.push_back(Single("pad_reflect_channels", kImage, OpKind::kPad,
                       PadAttrs{{0, 1, 0, 0}, {0, 2, 1, 0}, PadMode::kReflect}));
  out.push_back(Single("pad_edge_spatial", kImage, OpKind::kPad,
                       PadAttrs{{0, 0, 2, 1}, {0, 0, 1, 3}, PadMode::kEdge}));
  out.push_back(Single("pad_edge_batch", kImage, OpKind::kPad,
                       PadAttrs{{1, 0, 0, 0}, {0, 0, 0, 1}, PadMode::kEdge}));
  out.push_back(Single("pad_constant_3d", ir::Shape{1, 2, 4, 5, 6}, OpKind::kPad,
                       PadAttrs{{0, 0, 1, 0, 2}, {0, 0, 0, 2, 1}, PadMode::kConstant, -0.5f}));
  out.push_back(Single("pad_reflect_3d", ir::Shape{1, 2, 4, 5, 6}, OpKind::kPad,
                       PadAttrs{{0, 0, 1, 2, 1}, {0, 0, 2, 1, 3}, PadMode::kReflect}));
}

void AddGatherConstructs(std::vector<Construct>& out) {
  using ir::GatherAttrs;
  out.push_back(Single("gather_channels", kImage, OpKind::kGather,
                       GatherAttrs{.axis = 1, .indices = {3, 0, -1, 3}, .indices_shape = {4}}));
  out.push_back(Single("gather_scalar_index", kImage, OpKind::kGather,
                       GatherAttrs{.axis = -1, .indices = {-2}, .indices_shape = {}}));
  out.push_back(Single("gather_2d_indices", kImage, OpKind::kGather,
                       GatherAttrs{.axis = 2, .indices = {0, 5, -2, 1}, .indices_shape = {2, 2}}));
}

void AddMatMulConstructs(std::vector<Construct>& out) {
  auto matmul = [](GraphBuilder& b, ValueId lhs, ValueId rhs) {
    return b.Op("op", OpKind::kMatMul, {}, {lhs, rhs});
  };
  const ir::Shape batched{2, 4, 6};
  out.push_back({"matmul_constant", batched, [matmul](GraphBuilder& b, ValueId x) {
                   return matmul(b, x, b.Constant("w", {6, 5}, {0.0f, 0.5f}));
                 }});
  out.push_back({"matmul_constant_first", batched, [matmul](GraphBuilder& b, ValueId x) {
                   return matmul(b, b.Constant("w", {3, 4}, {0.0f, 0.5f}), x);
                 }});
  out.push_back(
      {"matmul_activations_batched", batched, [matmul](GraphBuilder& b, ValueId x) {
         return matmul(b, x, b.Op("xt", OpKind::kTranspose, ir::TransposeAttrs{{0, 2, 1}}, {x}));
       }});
  out.push_back(
      {"matmul_batch_broadcast", ir::Shape{2, 1, 4, 6}, [matmul](GraphBuilder& b, ValueId x) {
         return matmul(b, x, b.Constant("w", {3, 6, 5}, {0.0f, 0.5f}));
       }});
  out.push_back({"matmul_activations_broadcast", batched, [matmul](GraphBuilder& b, ValueId x) {
                   // [2,4,6] x [6,4]: the right operand is the first batch entry, transposed.
                   const ValueId first =
                       b.Op("first", OpKind::kGather,
                            ir::GatherAttrs{.axis = 0, .indices = {0}, .indices_shape = {}}, {x});
                   return matmul(b, x,
                                 b.Op("t", OpKind::kTranspose, ir::TransposeAttrs{}, {first}));
                 }});
  out.push_back({"matmul_vector", batched, [matmul](GraphBuilder& b, ValueId x) {
                   return matmul(b, x, b.Constant("w", {6}, {0.0f, 0.5f}));
                 }});
}

void AddConvTransposeConstructs(std::vector<Construct>& out) {
  using Spec = GraphBuilder::ConvTransposeSpec;
  struct Case {
    const char* name;
    ir::Shape input;
    Spec spec;
  };
  const Case cases[] = {
      {"conv_transpose_stride2_output_padding",
       {1, 8, 5, 6},
       Spec{.out_channels = 6,
            .kernel = {3, 3},
            .strides = {2, 2},
            .padding = zoo::Symmetric(1),
            .output_padding = {1, 1}}},
      {"conv_transpose_groups",
       {1, 8, 5, 6},
       Spec{.out_channels = 4,
            .kernel = {4, 4},
            .strides = {2, 2},
            .padding = zoo::Symmetric(1),
            .groups = 2}},
      {"conv_transpose_depthwise",
       {1, 8, 5, 6},
       Spec{.out_channels = 8, .kernel = {3, 3}, .strides = {2, 2}, .groups = 8, .bias = false}},
      {"conv_transpose_asymmetric_pads",
       {1, 8, 5, 6},
       Spec{.out_channels = 6,
            .kernel = {3, 3},
            .strides = {2, 2},
            .padding = Padding{{0, 2}, {1, 0}},
            .output_padding = {1, 0}}},
      {"conv_transpose_dilated",
       {1, 8, 5, 6},
       Spec{.out_channels = 4,
            .kernel = {3, 2},
            .strides = {1, 2},
            .padding = zoo::Symmetric(1),
            .dilations = {2, 1}}},
      {"conv_transpose3d",
       {1, 4, 3, 4, 4},
       Spec{.out_channels = 4,
            .kernel = {3, 3, 3},
            .strides = {2, 2, 2},
            .padding = zoo::Symmetric(1, 3),
            .output_padding = {1, 0, 1}}},
  };
  for (const Case& c : cases) {
    out.push_back({c.name, c.input, [spec = c.spec](GraphBuilder& b, ValueId x) {
                     return b.ConvTranspose("op", x, spec);
                   }});
  }
}

void AddResizeConstructs(std::vector<Construct>& out) {
  using ir::ResizeAttrs;
  using ir::ResizeCoordinates;
  using ir::ResizeMode;
  using ir::ResizeNearest;
  const ir::Shape input{1, 3, 5, 7};
  const std::vector<float> up{1.0f, 1.0f, 1.5f, 1.75f};
  const std::pair<const char*, ResizeNearest> roundings[] = {
      {"round_prefer_floor", ResizeNearest::kRoundPreferFloor},
      {"round_prefer_ceil", ResizeNearest::kRoundPreferCeil},
      {"floor", ResizeNearest::kFloor},
      {"ceil", ResizeNearest::kCeil},
  };
  const std::pair<const char*, ResizeCoordinates> coordinates[] = {
      {"half_pixel", ResizeCoordinates::kHalfPixel},
      {"pytorch_half_pixel", ResizeCoordinates::kPytorchHalfPixel},
      {"align_corners", ResizeCoordinates::kAlignCorners},
      {"asymmetric", ResizeCoordinates::kAsymmetric},
  };
  for (const auto& [name, rounding] : roundings) {
    // Half-pixel coordinates at x1.5 / x1.75 land on .5 ties for some rows, so the tie
    // rules differ visibly; asymmetric ones reach a ceil past the last row.
    out.push_back(Single(fmt::format("resize_nearest_{}", name), input, OpKind::kResize,
                         ResizeAttrs{.mode = ResizeMode::kNearest,
                                     .coordinates = ResizeCoordinates::kHalfPixel,
                                     .nearest = rounding,
                                     .scales = up}));
    out.push_back(Single(fmt::format("resize_nearest_{}_asymmetric", name), input, OpKind::kResize,
                         ResizeAttrs{.mode = ResizeMode::kNearest,
                                     .coordinates = ResizeCoordinates::kAsymmetric,
                                     .nearest = rounding,
                                     .scales = up}));
  }
  for (const auto& [name, mode] : coordinates) {
    out.push_back(
        Single(fmt::format("resize_linear_{}", name), input, OpKind::kResize,
               ResizeAttrs{.mode = ResizeMode::kLinear, .coordinates = mode, .scales = up}));
    // Downscaling, with H going to a single row (where pytorch_half_pixel and half_pixel
    // differ).
    out.push_back(Single(
        fmt::format("resize_linear_{}_down", name), input, OpKind::kResize,
        ResizeAttrs{
            .mode = ResizeMode::kLinear, .coordinates = mode, .scales = {1.0f, 1.0f, 0.2f, 0.6f}}));
  }
  // Integer scales, where sizes and scales agree exactly (the form PyTorch exports for
  // nn.Upsample, and the one other frameworks' "output / input" rules reproduce).
  const std::vector<float> doubled{1.0f, 1.0f, 2.0f, 2.0f};
  for (const auto& [name, mode] : coordinates) {
    out.push_back(
        Single(fmt::format("resize_linear_{}_2x", name), input, OpKind::kResize,
               ResizeAttrs{.mode = ResizeMode::kLinear, .coordinates = mode, .scales = doubled}));
  }
  for (const auto& [name, rounding] : roundings) {
    out.push_back(Single(fmt::format("resize_nearest_{}_2x", name), input, OpKind::kResize,
                         ResizeAttrs{.mode = ResizeMode::kNearest,
                                     .coordinates = ResizeCoordinates::kHalfPixel,
                                     .nearest = rounding,
                                     .scales = doubled}));
  }
  // Exact non-integer scales (sizes / input), where half-pixel coordinates meet .5 ties.
  const ir::Shape even{1, 3, 4, 6};
  for (const auto& [name, rounding] : roundings) {
    out.push_back(Single(fmt::format("resize_nearest_{}_exact_1_5x", name), even, OpKind::kResize,
                         ResizeAttrs{.mode = ResizeMode::kNearest,
                                     .coordinates = ResizeCoordinates::kHalfPixel,
                                     .nearest = rounding,
                                     .scales = {1.0f, 1.0f, 1.5f, 1.5f}}));
  }
  for (const auto& [name, mode] : coordinates) {
    out.push_back(Single(fmt::format("resize_linear_{}_exact_down", name), even, OpKind::kResize,
                         ResizeAttrs{.mode = ResizeMode::kLinear,
                                     .coordinates = mode,
                                     .scales = {1.0f, 1.0f, 0.25f, 0.5f}}));
  }
  out.push_back(Single("resize_nearest_align_corners", input, OpKind::kResize,
                       ResizeAttrs{.mode = ResizeMode::kNearest,
                                   .coordinates = ResizeCoordinates::kAlignCorners,
                                   .scales = up}));
  out.push_back(Single("resize_nearest_3x_asymmetric_ceil", input, OpKind::kResize,
                       ResizeAttrs{.mode = ResizeMode::kNearest,
                                   .coordinates = ResizeCoordinates::kAsymmetric,
                                   .nearest = ResizeNearest::kCeil,
                                   .scales = {1.0f, 1.0f, 3.0f, 3.0f}}));
  out.push_back(Single("resize_nearest_2x_asymmetric_floor", input, OpKind::kResize,
                       ResizeAttrs{.mode = ResizeMode::kNearest,
                                   .coordinates = ResizeCoordinates::kAsymmetric,
                                   .nearest = ResizeNearest::kFloor,
                                   .scales = {1.0f, 1.0f, 2.0f, 2.0f}}));
  out.push_back(
      Single("resize_nearest_channels", input, OpKind::kResize,
             ResizeAttrs{.mode = ResizeMode::kNearest, .scales = {1.0f, 2.0f, 1.0f, 1.5f}}));
  out.push_back(Single("resize_linear_3d_align_corners", ir::Shape{1, 2, 3, 4, 5}, OpKind::kResize,
                       ResizeAttrs{.mode = ResizeMode::kLinear,
                                   .coordinates = ResizeCoordinates::kAlignCorners,
                                   .scales = {1.0f, 1.0f, 2.0f, 1.5f, 1.2f}}));
  out.push_back(Single("resize_linear_rank3", ir::Shape{2, 3, 5}, OpKind::kResize,
                       ResizeAttrs{.mode = ResizeMode::kLinear, .scales = {1.0f, 1.0f, 2.5f}}));
}

void AddLayerNormConstructs(std::vector<Construct>& out) {
  out.push_back({"layer_norm_last_dim", ir::Shape{2, 5, 8},
                 [](GraphBuilder& b, ValueId x) { return b.LayerNorm("op", x, -1); }});
  out.push_back({"layer_norm_last_two_dims", ir::Shape{2, 5, 8},
                 [](GraphBuilder& b, ValueId x) { return b.LayerNorm("op", x, -2); }});
  out.push_back({"layer_norm_nchw_positive_axis", kImage,
                 [](GraphBuilder& b, ValueId x) { return b.LayerNorm("op", x, 3, 1e-3f); }});
}

}  // namespace

std::vector<Construct> StructuralOps() {
  std::vector<Construct> out;
  AddLayoutConstructs(out);
  AddPadConstructs(out);
  AddGatherConstructs(out);
  AddMatMulConstructs(out);
  AddConvTransposeConstructs(out);
  AddResizeConstructs(out);
  AddLayerNormConstructs(out);
  return out;
}

}  // namespace edgebench::backends::constructs
