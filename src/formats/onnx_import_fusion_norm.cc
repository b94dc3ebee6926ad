// The LayerNorm patterns: the normalization (x - mean) / Sqrt(var + eps) as PyTorch
// exports nn.LayerNorm before opset 17, then its Mul (scale) and Add (bias).

#include <fmt/format.h>

#include <optional>

#include "formats/onnx_import_fusion.h"
#include "ir/op_semantics.h"

namespace edgebench::formats::onnx_detail::fusion {
namespace {

// The reduced dims of a kReduceMean with keepdims over the trailing dims of `rank`,
// from the first one on; -1 when it reduces anything else.
int64_t TrailingReduceStart(const PendingNode& node, size_t rank) {
  const auto& reduce = std::get<ir::ReduceAttrs>(node.attrs);
  if (!reduce.keepdims || rank == 0) return -1;
  std::vector<int64_t> axes;
  try {
    axes = reduce.axes.empty() ? std::vector<int64_t>{} : ir::NormalizeAxes(reduce.axes, rank);
  } catch (const ir::GraphError&) {
    return -1;
  }
  if (axes.empty()) return 0;  // every dim
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] != static_cast<int64_t>(rank - axes.size() + i)) return -1;
  }
  return axes.front();
}

// `constant` broadcast to the normalized dims of a LayerNorm of `x_shape` from `axis`;
// nullopt when it varies along any other dim or would change the output's shape.
std::optional<std::vector<float>> AffineParameter(const ConstTensor& constant,
                                                  const ir::Shape& x_shape, int64_t axis) {
  const size_t rank = x_shape.size();
  const size_t c_rank = constant.dims.size();
  if (c_rank > rank || constant.is_int) return std::nullopt;
  const auto first = static_cast<size_t>(axis);
  // Right-aligned dims of the constant: 1 before the normalized dims, the dim or 1 in them.
  for (size_t d = rank - c_rank; d < rank; ++d) {
    const int64_t dim = constant.dims[d - (rank - c_rank)];
    if (dim != 1 && (d < first || dim != x_shape[d])) return std::nullopt;
  }
  const ir::Shape normalized(x_shape.begin() + static_cast<std::ptrdiff_t>(first), x_shape.end());
  const int64_t count = ir::ElementCount(normalized);
  std::vector<float> data(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    // Index of element i of the normalized block in the constant (stride 0 where 1).
    int64_t rest = i;
    int64_t source = 0;
    int64_t stride = 1;
    for (size_t d = rank; d-- > first;) {
      const int64_t coordinate = rest % x_shape[d];
      rest /= x_shape[d];
      if (d >= rank - c_rank) {
        const int64_t dim = constant.dims[d - (rank - c_rank)];
        if (dim != 1) source += coordinate * stride;
        stride *= dim;
      }
    }
    data[static_cast<size_t>(i)] = constant.floats[static_cast<size_t>(source)];
  }
  return data;
}

bool AllOnes(const std::vector<float>& data) {
  for (float v : data) {
    if (v != 1.0f) return false;
  }
  return true;
}

}  // namespace

// Mul(layer_norm, constant) or Add(layer_norm, constant): the constant becomes the
// LayerNorm's scale (when its scale is still all ones) or bias (when it has none).
bool TryFoldLayerNormAffine(ImportContext& context, const onnx::NodeProto& node,
                            const std::string& name, bool scale) {
  for (int side = 0; side < 2; ++side) {
    const std::string& activation = node.input(side);
    const std::string& constant_name = node.input(1 - side);
    if (!context.IsActivation(activation) || !context.IsConstant(constant_name)) continue;
    const ir::ValueId y = context.RequireActivation(activation);
    PendingNode* norm = SoleProducer(context, y, ir::OpKind::kLayerNorm);
    if (norm == nullptr || norm->inputs.size() != 2) continue;
    if (scale && !AllOnes(context.graph().value(norm->inputs[1]).data)) continue;
    const ir::Shape& x_shape = ShapeOfValue(context, norm->inputs[0]);
    const auto attrs = std::get<ir::LayerNormAttrs>(norm->attrs);
    const int64_t axis = ir::NormalizeAxis(attrs.axis, x_shape.size());
    const ConstTensor& constant = context.RequireConstant(constant_name, "operand");
    std::optional<std::vector<float>> data = AffineParameter(constant, x_shape, axis);
    if (!data.has_value()) continue;
    const ir::Shape normalized(x_shape.begin() + axis, x_shape.end());
    const ir::WeightRole role = scale ? ir::WeightRole::kWeight : ir::WeightRole::kBias;
    // A constant already shaped like the normalized dims is kept as it is, name and all.
    const ir::ValueId parameter =
        constant.dims == normalized
            ? context.Weight(constant_name, role, "LayerNorm parameter")
            : context.NewWeight(constant_name, normalized, role, std::move(*data));
    std::vector<ir::ValueId> inputs = norm->inputs;
    if (scale) {
      inputs[1] = parameter;
    } else {
      inputs.push_back(parameter);
    }
    context.Retract(*norm);
    context.Emit(name, node.output(0), ir::OpKind::kLayerNorm, attrs, std::move(inputs));
    return true;
  }
  return false;
}

bool TryFoldLayerNormPattern(ImportContext& context, const onnx::NodeProto& node,
                             const std::string& name) {
  if (!context.IsActivation(node.input(0)) || !context.IsActivation(node.input(1))) return false;
  const ir::ValueId centered = context.RequireActivation(node.input(0));
  const ir::ValueId deviation = context.RequireActivation(node.input(1));
  PendingNode* sqrt = SoleProducer(context, deviation, ir::OpKind::kSqrt);
  if (sqrt == nullptr) return false;
  PendingNode* add_eps = SoleProducer(context, sqrt->inputs[0], ir::OpKind::kAdd);
  if (add_eps == nullptr || add_eps->inputs.size() != 2) return false;
  // Either operand may be the epsilon.
  size_t eps_index = ScalarConstant(context, add_eps->inputs[1]).has_value() ? 1 : 0;
  const std::optional<float> epsilon = ScalarConstant(context, add_eps->inputs[eps_index]);
  if (!epsilon.has_value() || !(*epsilon >= 0.0f)) return false;
  PendingNode* variance =
      SoleProducer(context, add_eps->inputs[1 - eps_index], ir::OpKind::kReduceMean);
  if (variance == nullptr) return false;
  PendingNode* square = SoleProducer(context, variance->inputs[0], ir::OpKind::kPow);
  if (square == nullptr || square->inputs[0] != centered ||
      ScalarConstant(context, square->inputs[1]) != 2.0f) {
    return false;
  }
  // The centered input feeds exactly the square and this Div.
  PendingNode* subtract = SoleProducer(context, centered, ir::OpKind::kSub, 2);
  if (subtract == nullptr) return false;
  const ir::ValueId x = subtract->inputs[0];
  PendingNode* mean = SoleProducer(context, subtract->inputs[1], ir::OpKind::kReduceMean);
  if (mean == nullptr || mean->inputs[0] != x ||
      context.graph().value(x).kind == ir::ValueKind::kConstant) {
    return false;
  }
  const ir::Shape& x_shape = ShapeOfValue(context, x);
  const int64_t axis = TrailingReduceStart(*mean, x_shape.size());
  if (axis < 0 || TrailingReduceStart(*variance, x_shape.size()) != axis ||
      ShapeOfValue(context, centered) != x_shape || BinaryOutputShape(context, node) != x_shape) {
    return false;
  }
  Replace(context, {mean, subtract, square, variance, add_eps, sqrt});
  const ir::Shape normalized(x_shape.begin() + axis, x_shape.end());
  const ir::ValueId ones = context.NewWeight(
      name + "_scale", normalized, ir::WeightRole::kWeight,
      std::vector<float>(static_cast<size_t>(ir::ElementCount(normalized)), 1.0f));
  context.Emit(name, node.output(0), ir::OpKind::kLayerNorm,
               ir::LayerNormAttrs{.axis = axis, .epsilon = *epsilon}, {x, ones});
  return true;
}

}  // namespace edgebench::formats::onnx_detail::fusion
