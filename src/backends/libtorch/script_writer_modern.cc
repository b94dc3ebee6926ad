// ScriptWriter's emitters for the modern op set that take more than one ATen call or a
// plan; each writes the same ATen sequence eager_modern_ops.cc executes.
#include <fmt/format.h>

#include <variant>

#include "backends/libtorch/modern_lowering.h"
#include "backends/libtorch/resize_lowering.h"
#include "backends/libtorch/script_writer.h"

namespace edgebench::backends::libtorch {
namespace {

std::string FloatList(const std::vector<double>& values) {
  std::vector<std::string> literals;
  for (double value : values) literals.push_back(FloatLiteral(value));
  return fmt::format("{}", fmt::join(literals, ", "));
}

}  // namespace

void ScriptWriter::EmitHardSigmoid(const ir::Node& node, const std::string& y) {
  const auto& attrs = std::get<ir::HardSigmoidAttrs>(node.attrs);
  // ATen's hardsigmoid has alpha 1/6 and beta 1/2 built in; the IR's are attributes.
  Line(node, y,
       fmt::format("torch.clamp(torch.add(torch.mul({}, {}), {}), 0.0, 1.0)", In(node, 0),
                   FloatLiteral(attrs.alpha), FloatLiteral(attrs.beta)));
}

void ScriptWriter::EmitClip(const ir::Node& node, const std::string& y) {
  const auto& attrs = std::get<ir::ClipAttrs>(node.attrs);
  Line(node, y,
       fmt::format("torch.clamp({}, {}, {})", In(node, 0), FloatLiteral(attrs.min),
                   FloatLiteral(attrs.max)));
}

void ScriptWriter::EmitReduce(const ir::Node& node, const std::string& y) {
  const auto& attrs = std::get<ir::ReduceAttrs>(node.attrs);
  const std::vector<int64_t> dims = ReduceDims(attrs, InputShape(node).size());
  if (dims.empty()) return Line(node, y, In(node, 0));  // a scalar reduces to itself
  const char* function = node.op == ir::OpKind::kReduceMean  ? "mean"
                         : node.op == ir::OpKind::kReduceSum ? "sum"
                                                             : "amax";
  Line(node, y,
       fmt::format("torch.{}({}, {}, {})", function, In(node, 0), IntList(dims),
                   Bool(attrs.keepdims)));
}

void ScriptWriter::EmitSlice(const ir::Node& node, const std::string& y) {
  const SliceLowering lowering = LowerSlice(std::get<ir::SliceAttrs>(node.attrs), InputShape(node));
  std::string x = In(node, 0);
  if (!lowering.flip_dims.empty()) {
    Line(node, y, fmt::format("torch.flip({}, {})", x, IntList(lowering.flip_dims)));
    x = y;
  }
  for (const SliceLowering::Axis& axis : lowering.slices) {
    Line(node, y,
         fmt::format("torch.slice({}, {}, {}, {}, {})", x, axis.dim, axis.start, axis.end,
                     axis.step));
    x = y;
  }
  if (x != y) Line(node, y, x);
}

void ScriptWriter::EmitPad(const ir::Node& node, const std::string& y) {
  const auto& attrs = std::get<ir::PadAttrs>(node.attrs);
  const PadLowering lowering = LowerPad(attrs, InputShape(node));
  const std::string x = In(node, 0);
  if (lowering.kernel_rank == 0) return Line(node, y, x);
  if (lowering.mode == ir::PadMode::kConstant) {
    return Line(node, y,
                fmt::format("torch.constant_pad_nd({}, {}, {})", x, IntList(lowering.pads),
                            FloatLiteral(attrs.value)));
  }
  const char* kernel = lowering.mode == ir::PadMode::kReflect ? "reflection" : "replication";
  Line(node, y, fmt::format("torch.reshape({}, {})", x, IntList(lowering.folded)));
  Line(node, y,
       fmt::format("torch.{}_pad{}d({}, {})", kernel, lowering.kernel_rank, y,
                   IntList(lowering.pads)));
  Line(node, y, fmt::format("torch.reshape({}, {})", y, IntList(OutputShape(node))));
}

void ScriptWriter::EmitGather(const ir::Node& node, const std::string& y) {
  GatherLowering lowering = LowerGather(std::get<ir::GatherAttrs>(node.attrs), InputShape(node));
  const auto count = static_cast<int64_t>(lowering.indices.size());
  const std::string indices =
      AddBuffer(node, {.shape = {count}, .index = true, .indices = std::move(lowering.indices)});
  Line(node, y, fmt::format("torch.index_select({}, {}, {})", In(node, 0), lowering.axis, indices));
  Line(node, y, fmt::format("torch.reshape({}, {})", y, IntList(OutputShape(node))));
}

void ScriptWriter::EmitConvTranspose(const ir::Node& node, const std::string& y) {
  const auto& attrs = std::get<ir::ConvTransposeAttrs>(node.attrs);
  const ConvTransposeLowering lowering = LowerConvTranspose(attrs, OutputShape(node));
  Line(node, y,
       fmt::format("torch.conv_transpose{}d({}, {}, {}, {}, {}, {}, {}, {})", SpatialRank(node),
                   In(node, 0), In(node, 1), Optional(node, 2), IntList(attrs.strides),
                   IntList(lowering.padding), IntList(attrs.output_padding), attrs.groups,
                   IntList(attrs.dilations)));
  for (size_t d = 0; d < lowering.narrow_start.size(); ++d) {
    if (lowering.narrow_start[d] < 0) continue;
    Line(node, y,
         fmt::format("torch.narrow({}, {}, {}, {})", y, 2 + d, lowering.narrow_start[d],
                     lowering.narrow_length[d]));
  }
}

void ScriptWriter::EmitResize(const ir::Node& node, const std::string& y) {
  ResizeLowering lowering =
      LowerResize(std::get<ir::ResizeAttrs>(node.attrs), InputShape(node), OutputShape(node));
  const std::string x = In(node, 0);
  const size_t rank = lowering.output_size.size();
  switch (lowering.kind) {
    case ResizeLowering::Kind::kUpsampleNearest:
    case ResizeLowering::Kind::kUpsampleNearestExact: {
      const bool exact = lowering.kind == ResizeLowering::Kind::kUpsampleNearestExact;
      return Line(node, y,
                  fmt::format("torch.{}{}d({}, {}, {})",
                              exact ? "_upsample_nearest_exact" : "upsample_nearest", rank, x,
                              IntList(lowering.output_size), FloatList(lowering.scales)));
    }
    case ResizeLowering::Kind::kUpsampleLinear: {
      const char* function = rank == 1   ? "upsample_linear1d"
                             : rank == 2 ? "upsample_bilinear2d"
                                         : "upsample_trilinear3d";
      return Line(
          node, y,
          fmt::format("torch.{}({}, {}, {}, {})", function, x, IntList(lowering.output_size),
                      Bool(lowering.align_corners), FloatList(lowering.scales)));
    }
    case ResizeLowering::Kind::kGather:
      break;
  }
  const size_t input_rank = InputShape(node).size();
  std::string current = x;
  for (ResizeLowering::Axis& axis : lowering.axes) {
    const auto out = static_cast<int64_t>(axis.near.size());
    const std::string near =
        AddBuffer(node, {.shape = {out}, .index = true, .indices = std::move(axis.near)});
    if (!lowering.linear) {
      Line(node, y, fmt::format("torch.index_select({}, {}, {})", current, axis.dim, near));
      current = y;
      continue;
    }
    const std::string far =
        AddBuffer(node, {.shape = {out}, .index = true, .indices = std::move(axis.far)});
    // [out, 1, ...]: one weight per index of `dim`, broadcast over the dims after it.
    ir::Shape weight_shape(input_rank - static_cast<size_t>(axis.dim), 1);
    weight_shape.front() = out;
    const std::string weight =
        AddBuffer(node, {.shape = std::move(weight_shape), .data = std::move(axis.far_weight)});
    Line(node, y,
         fmt::format("torch.lerp(torch.index_select({}, {}, {}), torch.index_select({}, {}, {}), "
                     "{})",
                     current, axis.dim, near, current, axis.dim, far, weight));
    current = y;
  }
  if (current != y) Line(node, y, current);
}

void ScriptWriter::EmitLayerNorm(const ir::Node& node, const std::string& y) {
  const auto& attrs = std::get<ir::LayerNormAttrs>(node.attrs);
  const ir::Shape& input = InputShape(node);
  const auto axis = static_cast<size_t>(ir::NormalizeAxis(attrs.axis, input.size()));
  const std::vector<int64_t> normalized(input.begin() + static_cast<std::ptrdiff_t>(axis),
                                        input.end());
  Line(node, y,
       fmt::format("torch.layer_norm({}, {}, {}, {}, {}, True)", In(node, 0), IntList(normalized),
                   In(node, 1), Optional(node, 2), FloatLiteral(attrs.epsilon)));
}

}  // namespace edgebench::backends::libtorch
