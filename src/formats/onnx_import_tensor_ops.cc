// Data movement: Transpose, Slice, Squeeze/Unsqueeze, Split (one IR slice per output),
// Pad and Gather with constant indices.

#include <fmt/format.h>

#include <algorithm>

#include "formats/onnx_import_ops.h"

namespace edgebench::formats::onnx_detail {
namespace {

int64_t NormalizedAxis(int64_t axis, size_t rank) {
  const auto limit = static_cast<int64_t>(rank);
  if (axis < -limit || axis >= limit) {
    throw FormatError(fmt::format("axis {} out of range for rank {}", axis, rank));
  }
  return axis < 0 ? axis + limit : axis;
}

// Split sizes from the `split` attribute or input, or equal parts.
std::vector<int64_t> SplitSizes(ImportContext& context, const onnx::NodeProto& node,
                                NodeAttributes& attrs, int64_t extent) {
  const auto outputs = static_cast<int64_t>(node.output_size());
  std::vector<int64_t> sizes;
  if (context.opset() >= 13 || (context.opset() < 2 && !InputName(node, 1).empty())) {
    if (!InputName(node, 1).empty()) sizes = IntsInput(context, node.input(1), "split");
  } else {
    sizes = attrs.Ints("split");
  }
  if (!sizes.empty()) {
    if (attrs.Has("num_outputs")) throw FormatError("Split has both split sizes and num_outputs");
    if (static_cast<int64_t>(sizes.size()) != outputs) {
      throw FormatError(fmt::format("{} split sizes for {} outputs", sizes.size(), outputs));
    }
    int64_t total = 0;
    for (int64_t size : sizes) {
      if (size < 0 || size > extent)
        throw FormatError(fmt::format("split size {} is invalid", size));
      total += size;
    }
    if (total != extent) {
      throw FormatError(fmt::format("split sizes add up to {}, the dim is {}", total, extent));
    }
    return sizes;
  }
  if (context.opset() >= 18) {
    // num_outputs: equal chunks of ceil(extent / n), the last one smaller.
    const int64_t parts = attrs.Int("num_outputs", -1);
    if (parts != outputs) {
      throw FormatError(fmt::format("num_outputs {} for {} outputs", parts, outputs));
    }
    const int64_t chunk = (extent + parts - 1) / parts;
    if (chunk * (parts - 1) >= extent) {
      throw FormatError(fmt::format("{} cannot be split into {} non-empty parts", extent, parts));
    }
    sizes.assign(static_cast<size_t>(parts), chunk);
    sizes.back() = extent - chunk * (parts - 1);
    return sizes;
  }
  if (extent % outputs != 0) {
    throw FormatError(
        fmt::format("a dim of {} does not split into {} equal parts", extent, outputs));
  }
  return std::vector<int64_t>(static_cast<size_t>(outputs), extent / outputs);
}

ir::PadMode PadModeOf(const std::string& mode) {
  if (mode == "constant") return ir::PadMode::kConstant;
  if (mode == "reflect") return ir::PadMode::kReflect;
  if (mode == "edge") return ir::PadMode::kEdge;
  if (mode == "wrap") throw UnsupportedModelError("Pad mode 'wrap'");
  throw FormatError(fmt::format("Pad mode '{}' is invalid", mode));
}

}  // namespace

void ConvertTranspose(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                      NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 1);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const size_t rank = context.graph().value(x).shape.size();
  ir::TransposeAttrs transpose{.perm = attrs.Ints("perm")};
  if (!transpose.perm.empty()) {
    std::vector<int64_t> sorted = transpose.perm;
    std::sort(sorted.begin(), sorted.end());
    for (size_t d = 0; d < sorted.size(); ++d) {
      if (sorted.size() != rank || sorted[d] != static_cast<int64_t>(d)) {
        throw FormatError(fmt::format("perm {} is not a permutation of {} dims",
                                      fmt::join(transpose.perm, ","), rank));
      }
    }
  }
  context.Emit(name, node.output(0), ir::OpKind::kTranspose, std::move(transpose), {x});
}

void ConvertSlice(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                  NodeAttributes& attrs) {
  ir::SliceAttrs slice;
  if (context.opset() < 10) {
    ExpectInputCount(node, 1, 1);
    slice.starts = attrs.Ints("starts");
    slice.ends = attrs.Ints("ends");
    slice.axes = attrs.Ints("axes");
  } else {
    ExpectInputCount(node, 3, 5);
    slice.starts = IntsInput(context, node.input(1), "starts");
    slice.ends = IntsInput(context, node.input(2), "ends");
    if (!InputName(node, 3).empty()) slice.axes = IntsInput(context, node.input(3), "axes");
    if (!InputName(node, 4).empty()) slice.steps = IntsInput(context, node.input(4), "steps");
  }
  const size_t count = slice.starts.size();
  if (slice.ends.size() != count || (!slice.axes.empty() && slice.axes.size() != count) ||
      (!slice.steps.empty() && slice.steps.size() != count)) {
    throw FormatError("starts, ends, axes and steps differ in length");
  }
  context.Emit(name, node.output(0), ir::OpKind::kSlice, std::move(slice),
               {context.RequireActivation(node.input(0))});
}

void ConvertSqueeze(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                    NodeAttributes& attrs) {
  const bool unsqueeze = node.op_type() == "Unsqueeze";
  ir::AxesAttrs axes;
  if (context.opset() < 13) {
    ExpectInputCount(node, 1, 1);
    axes.axes = attrs.Ints("axes");
  } else {
    ExpectInputCount(node, unsqueeze ? 2 : 1, 2);
    if (!InputName(node, 1).empty()) axes.axes = IntsInput(context, node.input(1), "axes");
  }
  if (unsqueeze && axes.axes.empty()) throw FormatError("Unsqueeze without axes");
  context.Emit(name, node.output(0), unsqueeze ? ir::OpKind::kUnsqueeze : ir::OpKind::kSqueeze,
               std::move(axes), {context.RequireActivation(node.input(0))});
}

void ConvertSplit(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                  NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 2);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const ir::Shape shape = context.graph().value(x).shape;
  const int64_t axis = NormalizedAxis(attrs.Int("axis", 0), shape.size());
  const std::vector<int64_t> sizes =
      SplitSizes(context, node, attrs, shape[static_cast<size_t>(axis)]);
  int64_t offset = 0;
  for (int i = 0; i < node.output_size(); ++i) {
    const int64_t size = sizes[static_cast<size_t>(i)];
    const std::string& output = node.output(i);
    // The IR is single-output: one slice per output anyone reads.
    if (!output.empty() && context.UseCount(output) > 0) {
      context.Emit(i == 0 ? name : fmt::format("{}_{}", name, i), output, ir::OpKind::kSlice,
                   ir::SliceAttrs{.starts = {offset}, .ends = {offset + size}, .axes = {axis}},
                   {x});
    }
    offset += size;
  }
}

void ConvertPad(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                NodeAttributes& attrs) {
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const ir::Shape shape = context.graph().value(x).shape;
  const size_t rank = shape.size();
  ir::PadAttrs pad{.mode = PadModeOf(attrs.String("mode", "constant"))};
  std::vector<int64_t> pads;
  std::vector<int64_t> axes;
  if (context.opset() < 11) {
    ExpectInputCount(node, 1, 1);
    pads = attrs.Ints(context.opset() < 2 ? "paddings" : "pads");
    pad.value = attrs.Float("value", 0.0f);
  } else {
    ExpectInputCount(node, 2, 4);
    pads = IntsInput(context, node.input(1), "pads");
    if (!InputName(node, 2).empty()) {
      pad.value = ScalarInput(context, node.input(2), "constant_value");
    }
    if (!InputName(node, 3).empty()) axes = IntsInput(context, node.input(3), "axes");
  }
  if (axes.empty()) {
    for (size_t d = 0; d < rank; ++d) axes.push_back(static_cast<int64_t>(d));
  }
  if (pads.size() != 2 * axes.size()) {
    throw FormatError(fmt::format("{} pads for {} padded dims", pads.size(), axes.size()));
  }
  pad.pads_begin.assign(rank, 0);
  pad.pads_end.assign(rank, 0);
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    const auto d = static_cast<size_t>(NormalizedAxis(axes[i], rank));
    if (seen[d]) throw FormatError("Pad lists an axis twice");
    seen[d] = true;
    const int64_t begin = pads[i];
    const int64_t end = pads[i + axes.size()];
    if (begin < 0 || end < 0) {
      throw UnsupportedModelError(
          fmt::format("negative padding {}/{} (cropping) of dim {}", begin, end, d));
    }
    if (begin > kMaxAttrValue || end > kMaxAttrValue) {
      throw FormatError(fmt::format("padding {}/{} of dim {} exceeds the limit", begin, end, d));
    }
    if (pad.mode == ir::PadMode::kReflect && (begin >= shape[d] || end >= shape[d])) {
      throw UnsupportedModelError(fmt::format(
          "reflect padding {}/{} of dim {} whose extent is only {}", begin, end, d, shape[d]));
    }
    pad.pads_begin[d] = begin;
    pad.pads_end[d] = end;
  }
  context.Emit(name, node.output(0), ir::OpKind::kPad, std::move(pad), {x});
}

void ConvertGather(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                   NodeAttributes& attrs) {
  ExpectInputCount(node, 2, 2);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const ir::Shape shape = context.graph().value(x).shape;
  if (shape.empty()) throw FormatError("Gather from a scalar");
  const int64_t axis = NormalizedAxis(attrs.Int("axis", 0), shape.size());
  const ConstTensor& indices = context.RequireConstant(node.input(1), "Gather indices");
  if (!indices.is_int) throw FormatError("Gather indices must be integers");
  const int64_t extent = shape[static_cast<size_t>(axis)];
  for (int64_t index : indices.ints) {
    if (index < -extent || index >= extent) {
      throw FormatError(fmt::format("Gather index {} out of range for a dim of {}", index, extent));
    }
  }
  context.Emit(
      name, node.output(0), ir::OpKind::kGather,
      ir::GatherAttrs{.axis = axis, .indices = indices.ints, .indices_shape = indices.dims}, {x});
}

}  // namespace edgebench::formats::onnx_detail
