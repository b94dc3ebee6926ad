// Elementwise ONNX ops: binary arithmetic with broadcasting, the variadic Sum/Max/Min/
// Mean, one-input activations and math functions, Clip and Cast.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "formats/onnx_import_fusion.h"
#include "formats/onnx_import_ops.h"

namespace edgebench::formats::onnx_detail {
namespace {

ir::OpKind BinaryKind(const std::string& op_type) {
  static const std::map<std::string, ir::OpKind, std::less<>> kKinds = {
      {"Add", ir::OpKind::kAdd},     {"Sub", ir::OpKind::kSub},     {"Mul", ir::OpKind::kMul},
      {"Div", ir::OpKind::kDiv},     {"Pow", ir::OpKind::kPow},     {"Sum", ir::OpKind::kAdd},
      {"Max", ir::OpKind::kMaximum}, {"Min", ir::OpKind::kMinimum}, {"Mean", ir::OpKind::kAdd},
  };
  return kKinds.at(op_type);
}

ir::ValueId OperandValue(ImportContext& context, const std::string& name) {
  return context.Operand(name, ir::WeightRole::kNone, "operand");
}

// Before opset 7, `broadcast=1` with an `axis` aligns B's dims with A's starting at
// `axis` rather than at the end. Returns B's IR value, reshaped so that NumPy rules
// give the same result; only a constant B can be reshaped.
ir::ValueId LegacyBroadcastOperand(ImportContext& context, const onnx::NodeProto& node,
                                   NodeAttributes& attrs) {
  const std::string& b = node.input(1);
  const int64_t axis = attrs.Int("axis", 0);
  const auto rank = static_cast<int64_t>(context.ShapeOf(node.input(0)).size());
  const ConstTensor* constant = context.Constant(b);
  if (constant == nullptr) {
    throw UnsupportedModelError("legacy broadcast with an axis of a run-time operand");
  }
  const auto b_rank = static_cast<int64_t>(constant->dims.size());
  if (axis < 0 || axis > rank || axis + b_rank > rank) {
    throw FormatError(fmt::format("broadcast axis {} does not fit B {} into A of rank {}", axis,
                                  fmt::join(constant->dims, "x"), rank));
  }
  ir::Shape dims = constant->dims;
  dims.resize(static_cast<size_t>(rank - axis), 1);
  for (int64_t dim : dims) {
    if (dim <= 0) throw FormatError(fmt::format("operand '{}' is empty", b));
  }
  std::vector<float> data = constant->floats;
  if (constant->is_int) data.assign(constant->ints.begin(), constant->ints.end());
  return context.NewWeight(b, dims, ir::WeightRole::kNone, std::move(data));
}

ir::OpKind UnaryKind(const std::string& op_type) {
  static const std::map<std::string, ir::OpKind, std::less<>> kKinds = {
      {"Tanh", ir::OpKind::kTanh}, {"Exp", ir::OpKind::kExp},
      {"Log", ir::OpKind::kLog},   {"Sqrt", ir::OpKind::kSqrt},
      {"Abs", ir::OpKind::kAbs},   {"Neg", ir::OpKind::kNeg},
      {"Erf", ir::OpKind::kErf},   {"HardSwish", ir::OpKind::kHardSwish},
  };
  return kKinds.at(op_type);
}

// A scalar constant for an op the importer builds from several IR nodes.
ir::ValueId ScalarWeight(ImportContext& context, const std::string& node_name,
                         const std::string& suffix, float value) {
  return context.NewWeight(node_name + "_" + suffix, {}, ir::WeightRole::kNone, {value});
}

}  // namespace

void ConvertBinary(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                   NodeAttributes& attrs) {
  ExpectInputCount(node, 2, 2);
  attrs.Ignore({"consumed_inputs"});
  const std::string& op_type = node.op_type();
  const std::string& a = node.input(0);
  const std::string& b = node.input(1);
  if (!context.IsActivation(a) && !context.IsActivation(b)) {
    // Constants fold before converters run; reaching here means an operand is unusable.
    context.RequireActivation(a);
    context.RequireActivation(b);
  }
  ir::ValueId b_value = ir::kNoId;
  if (context.opset() < 7 && attrs.Int("broadcast", 0) != 0 && attrs.Has("axis")) {
    b_value = LegacyBroadcastOperand(context, node, attrs);
  } else {
    if (context.opset() < 7) attrs.Ignore({"broadcast", "axis"});
    if (op_type == "Add") {
      if (context.IsActivation(a) && context.IsConstant(b) && TryFoldBiasAdd(context, node, a, b)) {
        return;
      }
      if (context.IsActivation(b) && context.IsConstant(a) && TryFoldBiasAdd(context, node, b, a)) {
        return;
      }
      if (TryFuseAdd(context, node, name)) return;
    } else if (op_type == "Mul") {
      if (TryFuseMul(context, node, name)) return;
    } else if (op_type == "Div") {
      if (TryFuseDiv(context, node, name)) return;
    }
    b_value = OperandValue(context, b);
  }
  context.Emit(name, node.output(0), BinaryKind(op_type), {}, {OperandValue(context, a), b_value});
}

void ConvertVariadic(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                     NodeAttributes& attrs) {
  attrs.Ignore({"consumed_inputs"});
  if (node.input_size() < 1) throw FormatError(fmt::format("{} without inputs", node.op_type()));
  std::vector<std::string> terms(node.input().begin(), node.input().end());
  for (const std::string& term : terms) {
    if (term.empty()) throw FormatError("an input is empty");
  }
  // Every op here is commutative: activations first, so that no step has two constants
  // (all-constant nodes were folded).
  std::stable_partition(terms.begin(), terms.end(),
                        [&](const std::string& term) { return context.IsActivation(term); });
  const bool mean = node.op_type() == "Mean";
  if (terms.size() == 1) {
    context.RequireActivation(terms[0]);
    return context.Alias(node.output(0), terms[0]);
  }
  const ir::OpKind op = BinaryKind(node.op_type());
  ir::ValueId total = context.RequireActivation(terms[0]);
  for (size_t i = 1; i < terms.size(); ++i) {
    const bool last = i + 1 == terms.size() && !mean;
    const std::string node_name = last ? name : fmt::format("{}_partial{}", name, i);
    const std::string output =
        last ? node.output(0) : IntermediateName(context, name, fmt::format("partial{}", i));
    total = context.Emit(node_name, output, op, {}, {total, OperandValue(context, terms[i])});
  }
  if (mean) {
    const auto count = static_cast<float>(terms.size());
    context.Emit(name, node.output(0), ir::OpKind::kDiv, {},
                 {total, ScalarWeight(context, name, "count", count)});
  }
}

void ConvertUnary(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                  NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 1);
  attrs.Ignore({"consumed_inputs"});
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const std::string& op_type = node.op_type();
  if (op_type == "Reciprocal") {
    context.Emit(name, node.output(0), ir::OpKind::kDiv, {},
                 {ScalarWeight(context, name, "one", 1.0f), x});
  } else if (op_type == "Softsign") {
    // x / (1 + |x|)
    const ir::ValueId magnitude =
        context.Emit(fmt::format("{}_abs", name), IntermediateName(context, name, "abs"),
                     ir::OpKind::kAbs, {}, {x});
    const ir::ValueId denominator =
        context.Emit(fmt::format("{}_add", name), IntermediateName(context, name, "add"),
                     ir::OpKind::kAdd, {}, {magnitude, ScalarWeight(context, name, "one", 1.0f)});
    context.Emit(name, node.output(0), ir::OpKind::kDiv, {}, {x, denominator});
  } else {
    context.Emit(name, node.output(0), UnaryKind(op_type), {}, {x});
  }
}

void ConvertHardSigmoid(ImportContext& context, const onnx::NodeProto& node,
                        const std::string& name, NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 1);
  attrs.Ignore({"consumed_inputs"});
  const ir::HardSigmoidAttrs hard{.alpha = attrs.Float("alpha", 0.2f),
                                  .beta = attrs.Float("beta", 0.5f)};
  if (!std::isfinite(hard.alpha) || !std::isfinite(hard.beta)) {
    throw FormatError("HardSigmoid alpha and beta must be finite");
  }
  context.Emit(name, node.output(0), ir::OpKind::kHardSigmoid, hard,
               {context.RequireActivation(node.input(0))});
}

void ConvertGelu(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                 NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 1);
  const std::string approximate = attrs.String("approximate", "none");
  if (approximate != "none" && approximate != "tanh") {
    throw FormatError(fmt::format("Gelu approximate '{}' is invalid", approximate));
  }
  context.Emit(name, node.output(0), ir::OpKind::kGelu,
               ir::GeluAttrs{.tanh_approximation = approximate == "tanh"},
               {context.RequireActivation(node.input(0))});
}

void ConvertClip(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                 NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 3);
  float low = -std::numeric_limits<float>::infinity();
  float high = std::numeric_limits<float>::infinity();
  if (context.opset() < 11) {
    attrs.Ignore({"consumed_inputs"});
    low = attrs.Float("min", low);
    high = attrs.Float("max", high);
  } else {
    if (!InputName(node, 1).empty()) low = ScalarInput(context, node.input(1), "Clip min");
    if (!InputName(node, 2).empty()) high = ScalarInput(context, node.input(2), "Clip max");
  }
  if (std::isnan(low) || std::isnan(high)) throw FormatError("a Clip bound is NaN");
  const ir::ValueId x = context.RequireActivation(node.input(0));
  if (low == 0.0f && high == 6.0f) {
    context.Emit(name, node.output(0), ir::OpKind::kRelu6, {}, {x});
  } else if (low == 0.0f && high >= std::numeric_limits<float>::max()) {
    // An unbounded Clip at 0 (the opset-6 default max is FLT_MAX).
    context.Emit(name, node.output(0), ir::OpKind::kRelu, {}, {x});
  } else {
    context.Emit(name, node.output(0), ir::OpKind::kClip, ir::ClipAttrs{.min = low, .max = high},
                 {x});
  }
}

void ConvertCast(ImportContext& context, const onnx::NodeProto& node, const std::string&,
                 NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 1);
  attrs.Ignore({"saturate"});  // float8 targets only
  const int64_t to = attrs.Int("to", onnx::TensorProto::UNDEFINED);
  context.RequireActivation(node.input(0));  // constants were folded
  if (to != onnx::TensorProto::FLOAT) {
    const std::string target =
        to >= std::numeric_limits<int32_t>::min() && to <= std::numeric_limits<int32_t>::max()
            ? DataTypeName(static_cast<int32_t>(to))
            : fmt::format("type {}", to);
    throw UnsupportedModelError(fmt::format(
        "Cast of run-time tensor '{}' to {}; activations are FLOAT only", node.input(0), target));
  }
  context.Alias(node.output(0), node.input(0));  // activations are FLOAT already
}

}  // namespace edgebench::formats::onnx_detail
