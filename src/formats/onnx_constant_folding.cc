#include "formats/onnx_constant_folding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <set>

#include "formats/onnx_fold_util.h"

namespace edgebench::formats::onnx_detail {
namespace {

using fold::IntTensor;
using fold::IntValues;
using fold::Normalize;
using fold::Product;
using fold::Reshaped;
using onnx::TensorProto;

// The operands of one node, resolved through the source.
class Operands {
 public:
  Operands(const onnx::NodeProto& node, FoldSource& source) : node_(node), source_(source) {}

  size_t count() const { return static_cast<size_t>(node_.input_size()); }
  bool Present(size_t i) const { return i < count() && !node_.input(static_cast<int>(i)).empty(); }
  // nullptr when absent or not constant.
  const ConstTensor* Get(size_t i) const {
    return Present(i) ? source_.Constant(node_.input(static_cast<int>(i))) : nullptr;
  }
  bool AllConstant() const {
    for (size_t i = 0; i < count(); ++i) {
      if (Present(i) && Get(i) == nullptr) return false;
    }
    return true;
  }

 private:
  const onnx::NodeProto& node_;
  FoldSource& source_;
};

ConstTensor FoldConstant(NodeAttributes& attrs, const OnnxImportLimits& limits) {
  if (const TensorProto* value = attrs.Tensor("value")) {
    ValidateTensor(*value, limits, "Constant value");
    return DecodeTensor(*value, "Constant value");
  }
  ConstTensor out;
  if (attrs.Has("value_float")) {
    out.floats = {attrs.Float("value_float", 0)};
  } else if (attrs.Has("value_floats")) {
    out.floats = attrs.Floats("value_floats");
    out.dims = {static_cast<int64_t>(out.floats.size())};
  } else if (attrs.Has("value_int")) {
    out = IntTensor({}, {attrs.Int("value_int", 0)});
  } else if (attrs.Has("value_ints")) {
    std::vector<int64_t> values = attrs.Ints("value_ints");
    const auto size = static_cast<int64_t>(values.size());
    out = IntTensor({size}, std::move(values));
  } else {
    throw UnsupportedModelError("Constant without a dense numeric value is unsupported");
  }
  return out;
}

ConstTensor FoldShape(const ir::Shape& dims, NodeAttributes& attrs) {
  const auto rank = static_cast<int64_t>(dims.size());
  // Opset 15 slices the shape; out-of-range bounds clamp.
  auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
  const int64_t start = clamp(attrs.Int("start", 0));
  const int64_t end = clamp(attrs.Int("end", rank));
  std::vector<int64_t> values;
  for (int64_t d = start; d < end; ++d) values.push_back(dims[static_cast<size_t>(d)]);
  const auto size = static_cast<int64_t>(values.size());
  return IntTensor({size}, std::move(values));
}

std::optional<std::vector<int64_t>> AxesOperand(NodeAttributes& attrs, const Operands& in,
                                                int64_t opset, int64_t input_opset) {
  if (opset < input_opset) {
    if (!attrs.Has("axes")) return std::nullopt;
    return attrs.Ints("axes");
  }
  if (!in.Present(1)) return std::nullopt;
  return IntValues(*in.Get(1), "axes");
}

}  // namespace

bool IsFoldableOp(const std::string& op_type) {
  static const std::set<std::string, std::less<>> kFoldable = {
      // Shapes and data movement.
      "Constant", "ConstantOfShape", "Shape", "Size", "Identity", "Cast", "Gather", "Unsqueeze",
      "Squeeze", "Concat", "Slice", "Split", "Reshape", "Flatten", "Transpose", "Expand", "Tile",
      "Range",
      // Arithmetic, comparisons and selection.
      "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Sum", "Mean", "Equal", "Less",
      "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Not", "Where", "Neg", "Abs",
      "Sqrt", "Reciprocal", "Floor", "Ceil", "Exp", "Log", "Sign", "Relu",
      // Reductions.
      "ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin", "ReduceMean"};
  return kFoldable.contains(op_type);
}

namespace {

// Ops whose evaluator charges its output itself, before allocating it.
bool ChargesItself(const std::string& op) {
  static const std::set<std::string, std::less<>> kSelfCharging = {"Gather",      "ConstantOfShape",
                                                                   "Concat",      "Expand",
                                                                   "Tile",        "Range",
                                                                   "Where",       "Add",
                                                                   "Sub",         "Mul",
                                                                   "Div",         "Pow",
                                                                   "Mod",         "Max",
                                                                   "Min",         "Sum",
                                                                   "Mean",        "Equal",
                                                                   "Less",        "Greater",
                                                                   "LessOrEqual", "GreaterOrEqual",
                                                                   "And",         "Or",
                                                                   "Xor"};
  return kSelfCharging.contains(op);
}

fold::SliceParams SliceOperands(const onnx::NodeProto& node, NodeAttributes& attrs,
                                const Operands& in, int64_t opset) {
  fold::SliceParams params;
  if (opset < 10) {
    params.starts = attrs.Ints("starts");
    params.ends = attrs.Ints("ends");
    params.axes = attrs.Ints("axes");
  } else {
    if (!in.Present(1) || !in.Present(2)) throw FormatError("Slice without starts or ends");
    params.starts = IntValues(*in.Get(1), "Slice starts");
    params.ends = IntValues(*in.Get(2), "Slice ends");
    if (in.Present(3)) params.axes = IntValues(*in.Get(3), "Slice axes");
    if (in.Present(4)) params.steps = IntValues(*in.Get(4), "Slice steps");
  }
  (void)node;
  if (params.axes.empty()) {
    for (size_t i = 0; i < params.starts.size(); ++i)
      params.axes.push_back(static_cast<int64_t>(i));
  }
  if (params.steps.empty()) params.steps.assign(params.starts.size(), 1);
  return params;
}

// Split into one tensor per output, by sizes (attribute or input) or equal parts.
std::vector<ConstTensor> FoldSplit(const onnx::NodeProto& node, NodeAttributes& attrs,
                                   const Operands& in, int64_t opset) {
  const ConstTensor& data = *in.Get(0);
  const auto rank = static_cast<int64_t>(data.dims.size());
  const int64_t axis = Normalize(attrs.Int("axis", 0), rank, "axis");
  const int64_t extent = data.dims[static_cast<size_t>(axis)];
  const auto outputs = static_cast<int64_t>(node.output_size());
  std::vector<int64_t> sizes =
      opset >= 13 ? (in.Present(1) ? IntValues(*in.Get(1), "split") : std::vector<int64_t>{})
                  : attrs.Ints("split");
  attrs.Ignore({"num_outputs"});
  if (sizes.empty()) {
    const int64_t chunk = outputs > 0 ? (extent + outputs - 1) / outputs : 0;
    for (int64_t i = 0, left = extent; i < outputs; ++i, left -= chunk) {
      sizes.push_back(std::clamp<int64_t>(left, 0, chunk));
    }
  }
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size < 0 || size > extent) throw FormatError(fmt::format("split size {} is invalid", size));
    total += size;
  }
  if (static_cast<int64_t>(sizes.size()) != outputs || total != extent) {
    throw FormatError(fmt::format("split sizes {} do not divide a dim of {} into {} outputs",
                                  fmt::join(sizes, ","), extent, outputs));
  }
  std::vector<ConstTensor> parts;
  int64_t offset = 0;
  for (int64_t size : sizes) {
    parts.push_back(fold::Slice(
        data, {.starts = {offset}, .ends = {offset + size}, .axes = {axis}, .steps = {1}}));
    offset += size;
  }
  return parts;
}

}  // namespace

std::optional<std::vector<ConstTensor>> FoldNode(const onnx::NodeProto& node, NodeAttributes& attrs,
                                                 int64_t opset, const OnnxImportLimits& limits,
                                                 FoldSource& source) {
  const std::string& op = node.op_type();
  if (!IsFoldableOp(op)) return std::nullopt;
  Operands in(node, source);
  attrs.Ignore({"consumed_inputs"});  // an opset-1 memory hint
  std::vector<ConstTensor> outputs;
  if (op == "Shape" || op == "Size") {
    if (!in.Present(0)) throw FormatError(fmt::format("{} without an input", op));
    const ConstTensor* constant = in.Get(0);
    const ir::Shape* dims =
        constant != nullptr ? &constant->dims : source.ActivationShape(node.input(0));
    if (dims == nullptr) return std::nullopt;
    outputs.push_back(op == "Shape" ? FoldShape(*dims, attrs)
                                    : IntTensor({}, {ir::ElementCount(*dims)}));
  } else {
    if (!in.AllConstant()) return std::nullopt;
    auto input = [&](size_t i) -> const ConstTensor& {
      if (!in.Present(i)) throw FormatError(fmt::format("{} is missing input #{}", op, i));
      return *in.Get(i);
    };
    ConstTensor out;
    if (op == "Constant") {
      out = FoldConstant(attrs, limits);
    } else if (op == "Gather") {
      out = fold::Gather(input(0), input(1), attrs, limits, source);
    } else if (op == "Unsqueeze") {
      std::optional<std::vector<int64_t>> axes = AxesOperand(attrs, in, opset, 13);
      if (!axes.has_value()) throw FormatError("Unsqueeze without axes");
      out = fold::Unsqueeze(input(0), *axes);
    } else if (op == "Squeeze") {
      out = fold::Squeeze(input(0), AxesOperand(attrs, in, opset, 13));
    } else if (op == "Concat") {
      std::vector<const ConstTensor*> inputs;
      for (size_t i = 0; i < in.count(); ++i) inputs.push_back(&input(i));
      out = fold::Concat(inputs, attrs, limits, source);
    } else if (op == "Cast") {
      out = fold::Cast(input(0), attrs);
    } else if (op == "Slice") {
      out = fold::Slice(input(0), SliceOperands(node, attrs, in, opset));
    } else if (op == "Split") {
      input(0);
      outputs = FoldSplit(node, attrs, in, opset);
    } else if (op == "Reshape") {
      const std::vector<int64_t> target =
          opset < 5 ? attrs.Ints("shape") : IntValues(input(1), "Reshape shape");
      const bool allow_zero = attrs.Int("allowzero", 0) != 0;
      out = Reshaped(input(0), fold::ReshapeDims(input(0).dims, target, allow_zero, limits));
    } else if (op == "Flatten") {
      const ConstTensor& x = input(0);
      const auto rank = static_cast<int64_t>(x.dims.size());
      int64_t axis = attrs.Int("axis", 1);
      if (axis < -rank || axis > rank) throw FormatError("Flatten axis out of range");
      if (axis < 0) axis += rank;
      const auto split = static_cast<size_t>(axis);
      out = Reshaped(x, {Product(x.dims, 0, split), Product(x.dims, split, x.dims.size())});
    } else if (op == "Identity") {
      out = input(0);
    } else if (op == "Transpose") {
      out = fold::Transpose(input(0), attrs);
    } else if (op == "ConstantOfShape") {
      out = fold::ConstantOfShape(input(0), attrs, limits, source);
    } else if (op == "Expand") {
      out = fold::Expand(input(0), input(1), limits, source);
    } else if (op == "Tile") {
      out = fold::Tile(input(0), input(1), limits, source);
    } else if (op == "Range") {
      out = fold::Range(input(0), input(1), input(2), limits, source);
    } else if (op == "Where") {
      out = fold::Where(input(0), input(1), input(2), limits, source);
    } else if (op.starts_with("Reduce")) {
      const bool axes_input = opset >= (op == "ReduceSum" ? 13 : 18);
      const bool noop = axes_input && attrs.Int("noop_with_empty_axes", 0) != 0;
      out = fold::Reduce(op, input(0), AxesOperand(attrs, in, opset, axes_input ? 0 : INT64_MAX),
                         attrs.Int("keepdims", 1) != 0, noop);
    } else if (op == "Sum" || op == "Max" || op == "Min" || op == "Mean") {
      // Variadic: pairwise, left to right.
      out = input(0);
      for (size_t i = 1; i < in.count(); ++i) {
        out = fold::Binary(op == "Max" || op == "Min" ? op : "Add", out, input(i), attrs, limits,
                           source);
      }
      if (op == "Mean") {
        if (out.is_int) throw FormatError("Mean of integer tensors");
        for (float& v : out.floats) v /= static_cast<float>(in.count());
      }
    } else if (in.count() == 1) {
      out = fold::Unary(op, input(0));
    } else {
      attrs.Ignore({"broadcast", "axis"});
      if (opset < 7 && attrs.Int("broadcast", 0) != 0 && attrs.Has("axis")) {
        throw UnsupportedModelError(fmt::format("{} with a legacy broadcast axis", op));
      }
      out = fold::Binary(op, input(0), input(1), attrs, limits, source);
    }
    if (outputs.empty()) outputs.push_back(std::move(out));
  }
  // Ops whose output may outgrow their operands charged before allocating.
  if (!ChargesItself(op)) {
    for (const ConstTensor& output : outputs) source.Charge(output.size());
  }
  return outputs;
}

}  // namespace edgebench::formats::onnx_detail
