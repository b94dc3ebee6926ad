// Reductions (ReduceMean/Sum/Max natively; ReduceMin, ReduceSumSquare, ReduceL1/L2,
// ReduceLogSum/LogSumExp as short chains around them) and LayerNormalization.

#include <fmt/format.h>

#include <map>

#include "formats/onnx_import_ops.h"

namespace edgebench::formats::onnx_detail {
namespace {

// How a reduction is built: an elementwise step before, the IR reduction, one after.
struct ReducePlan {
  ir::OpKind reduce;
  std::optional<ir::OpKind> before;  // kMul squares (x * x)
  std::optional<ir::OpKind> after;
  int64_t axes_input_opset;  // from this opset on, axes come as input #1
};

const ReducePlan& PlanFor(const std::string& op_type) {
  using K = ir::OpKind;
  static const std::map<std::string, ReducePlan, std::less<>> kPlans = {
      {"ReduceMean", {K::kReduceMean, std::nullopt, std::nullopt, 18}},
      {"ReduceSum", {K::kReduceSum, std::nullopt, std::nullopt, 13}},
      {"ReduceMax", {K::kReduceMax, std::nullopt, std::nullopt, 18}},
      // min(x) = -max(-x), exactly.
      {"ReduceMin", {K::kReduceMax, K::kNeg, K::kNeg, 18}},
      {"ReduceSumSquare", {K::kReduceSum, K::kMul, std::nullopt, 18}},
      {"ReduceL1", {K::kReduceSum, K::kAbs, std::nullopt, 18}},
      {"ReduceL2", {K::kReduceSum, K::kMul, K::kSqrt, 18}},
      {"ReduceLogSum", {K::kReduceSum, std::nullopt, K::kLog, 18}},
      {"ReduceLogSumExp", {K::kReduceSum, K::kExp, K::kLog, 18}},
  };
  return kPlans.at(op_type);
}

}  // namespace

void ConvertReduce(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                   NodeAttributes& attrs) {
  const ReducePlan& plan = PlanFor(node.op_type());
  const bool axes_input = context.opset() >= plan.axes_input_opset;
  ExpectInputCount(node, 1, axes_input ? 2 : 1);
  ir::ReduceAttrs reduce{.keepdims = attrs.Int("keepdims", 1) != 0};
  bool noop_when_empty = false;
  if (axes_input) {
    noop_when_empty = attrs.Int("noop_with_empty_axes", 0) != 0;
    if (!InputName(node, 1).empty()) reduce.axes = IntsInput(context, node.input(1), "axes");
  } else {
    reduce.axes = attrs.Ints("axes");
  }
  ir::ValueId x = context.RequireActivation(node.input(0));
  if (reduce.axes.empty() && noop_when_empty) {
    if (plan.before.has_value() || plan.after.has_value()) {
      throw UnsupportedModelError(
          fmt::format("{} with noop_with_empty_axes and no axes", node.op_type()));
    }
    return context.Alias(node.output(0), node.input(0));
  }
  if (plan.before.has_value()) {
    std::vector<ir::ValueId> inputs{x};
    if (*plan.before == ir::OpKind::kMul) inputs.push_back(x);
    x = context.Emit(fmt::format("{}_pre", name), IntermediateName(context, name, "pre"),
                     *plan.before, {}, std::move(inputs));
  }
  if (!plan.after.has_value()) {
    context.Emit(name, node.output(0), plan.reduce, std::move(reduce), {x});
    return;
  }
  const ir::ValueId reduced =
      context.Emit(fmt::format("{}_reduce", name), IntermediateName(context, name, "reduce"),
                   plan.reduce, std::move(reduce), {x});
  context.Emit(name, node.output(0), *plan.after, {}, {reduced});
}

void ConvertLayerNorm(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                      NodeAttributes& attrs) {
  ExpectInputCount(node, 2, 3);
  attrs.Ignore({"stash_type"});  // the precision of Mean/InvStdDev; we compute in f32
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const ir::Shape x_shape = context.graph().value(x).shape;
  const int64_t axis_attr = attrs.Int("axis", -1);
  const auto rank = static_cast<int64_t>(x_shape.size());
  if (axis_attr < -rank || axis_attr >= rank) {
    throw FormatError(fmt::format("axis {} out of range for rank {}", axis_attr, rank));
  }
  const int64_t axis = axis_attr < 0 ? axis_attr + rank : axis_attr;
  const float epsilon = attrs.Float("epsilon", 1e-5f);
  if (!(epsilon >= 0.0f) || !std::isfinite(epsilon)) {
    throw FormatError(fmt::format("epsilon {} is invalid", epsilon));
  }
  const ir::Shape normalized(x_shape.begin() + axis, x_shape.end());
  const int64_t count = ir::ElementCount(normalized);
  // Scale and bias: the normalized dims' elements in any shape that holds exactly them
  // (the ONNX function flattens them), or one value for all.
  auto parameter = [&](const std::string& input, ir::WeightRole role, const char* what) {
    const ConstTensor& tensor = context.RequireConstant(input, what);
    if (tensor.is_int) throw FormatError(fmt::format("{} '{}' has an integer type", what, input));
    if (tensor.dims == normalized) return context.Weight(input, role, what);
    std::vector<float> data;
    if (tensor.size() == count) {
      data = tensor.floats;
    } else if (tensor.size() == 1) {
      data.assign(static_cast<size_t>(count), tensor.floats.front());
    } else {
      throw FormatError(fmt::format("{} '{}' has dims {}; the normalized dims are {}", what, input,
                                    fmt::join(tensor.dims, "x"), fmt::join(normalized, "x")));
    }
    return context.NewWeight(input, normalized, role, std::move(data));
  };
  std::vector<ir::ValueId> inputs{x, parameter(node.input(1), ir::WeightRole::kWeight, "scale")};
  if (!InputName(node, 2).empty()) {
    inputs.push_back(parameter(node.input(2), ir::WeightRole::kBias, "bias"));
  }
  context.Emit(name, node.output(0), ir::OpKind::kLayerNorm,
               ir::LayerNormAttrs{.axis = axis, .epsilon = epsilon}, std::move(inputs));

  // Training-style outputs: Mean and 1 / sqrt(Var + eps), each over the normalized dims.
  const std::string mean_output = node.output_size() > 1 ? node.output(1) : std::string();
  const std::string inv_output = node.output_size() > 2 ? node.output(2) : std::string();
  const bool want_mean = !mean_output.empty() && context.UseCount(mean_output) > 0;
  const bool want_inv = !inv_output.empty() && context.UseCount(inv_output) > 0;
  if (!want_mean && !want_inv) return;
  ir::ReduceAttrs over_normalized{.keepdims = true};
  for (int64_t d = axis; d < rank; ++d) over_normalized.axes.push_back(d);
  const ir::ValueId mean =
      context.Emit(fmt::format("{}_mean", name),
                   want_mean ? mean_output : IntermediateName(context, name, "mean"),
                   ir::OpKind::kReduceMean, over_normalized, {x});
  if (!want_inv) return;
  auto step = [&](const char* suffix, ir::OpKind op, std::vector<ir::ValueId> operands) {
    return context.Emit(fmt::format("{}_{}", name, suffix), IntermediateName(context, name, suffix),
                        op, {}, std::move(operands));
  };
  const ir::ValueId centered = step("centered", ir::OpKind::kSub, {x, mean});
  const ir::ValueId square = step("square", ir::OpKind::kMul, {centered, centered});
  const ir::ValueId variance =
      context.Emit(fmt::format("{}_variance", name), IntermediateName(context, name, "variance"),
                   ir::OpKind::kReduceMean, over_normalized, {square});
  const ir::ValueId shifted =
      step("shifted", ir::OpKind::kAdd,
           {variance, context.NewWeight(name + "_epsilon", {}, ir::WeightRole::kNone, {epsilon})});
  const ir::ValueId deviation = step("deviation", ir::OpKind::kSqrt, {shifted});
  context.Emit(fmt::format("{}_inv_std_dev", name), inv_output, ir::OpKind::kDiv, {},
               {context.NewWeight(name + "_one", {}, ir::WeightRole::kNone, {1.0f}), deviation});
}

}  // namespace edgebench::formats::onnx_detail
