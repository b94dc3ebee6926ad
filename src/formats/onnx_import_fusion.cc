#include "formats/onnx_import_fusion.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "formats/onnx_import_ops.h"
#include "ir/op_semantics.h"

namespace edgebench::formats::onnx_detail {
namespace {

// The pending node of kind `op` producing `value`, when exactly `uses` readers read it
// (the pattern's own), else nullptr.
PendingNode* SoleProducer(ImportContext& context, ir::ValueId value, ir::OpKind op, int uses = 1) {
  PendingNode* node = context.ProducerOf(value);
  if (node == nullptr || node->op != op || context.ValueUseCount(value) != uses) return nullptr;
  return node;
}

// The value of a one-element IR constant.
std::optional<float> ScalarConstant(ImportContext& context, ir::ValueId value) {
  const ir::Value& v = context.graph().value(value);
  if (v.kind != ir::ValueKind::kConstant || v.data.size() != 1) return std::nullopt;
  return v.data[0];
}

bool Near(float actual, double expected, double tolerance = 1e-5) {
  return std::abs(static_cast<double>(actual) - expected) <= tolerance * std::abs(expected);
}

// For a binary node with a scalar constant operand close to `expected`, the other
// operand; kNoId otherwise. `constant_second` requires the constant to be input #1
// (a divisor).
ir::ValueId OtherThanScalar(ImportContext& context, const PendingNode& node, double expected,
                            bool constant_second = false) {
  if (node.inputs.size() != 2) return ir::kNoId;
  for (size_t c = constant_second ? 1 : 0; c < 2; ++c) {
    const std::optional<float> value = ScalarConstant(context, node.inputs[c]);
    if (value.has_value() && Near(*value, expected)) return node.inputs[1 - c];
  }
  return ir::kNoId;
}

const ir::Shape& ShapeOfValue(ImportContext& context, ir::ValueId value) {
  return context.graph().value(value).shape;
}

// Every node's output has x's shape: the scalar constants did not broadcast anything up.
bool AllShaped(ImportContext& context, const std::vector<PendingNode*>& nodes,
               const ir::Shape& shape) {
  for (const PendingNode* node : nodes) {
    if (ShapeOfValue(context, node->output) != shape) return false;
  }
  return true;
}

// The output shape the binary node being converted would have.
std::optional<ir::Shape> BinaryOutputShape(ImportContext& context, const onnx::NodeProto& node) {
  try {
    return ir::BroadcastShapes(context.ShapeOf(node.input(0)), context.ShapeOf(node.input(1)));
  } catch (const ir::GraphError&) {
    return std::nullopt;
  }
}

void Replace(ImportContext& context, const std::vector<PendingNode*>& nodes) {
  for (PendingNode* node : nodes) context.Retract(*node);
}

// --- Gelu ---

// value = 1 + Erf(x / sqrt(2)) (or x * (1 / sqrt(2))); returns x.
ir::ValueId MatchErfBranch(ImportContext& context, ir::ValueId value,
                           std::vector<PendingNode*>& nodes) {
  PendingNode* add = SoleProducer(context, value, ir::OpKind::kAdd);
  if (add == nullptr) return ir::kNoId;
  PendingNode* erf = SoleProducer(context, OtherThanScalar(context, *add, 1.0), ir::OpKind::kErf);
  if (erf == nullptr) return ir::kNoId;
  const ir::ValueId scaled = erf->inputs[0];
  ir::ValueId x = ir::kNoId;
  PendingNode* scale = SoleProducer(context, scaled, ir::OpKind::kDiv);
  if (scale != nullptr) {
    x = OtherThanScalar(context, *scale, std::sqrt(2.0), true);
  } else if ((scale = SoleProducer(context, scaled, ir::OpKind::kMul)) != nullptr) {
    x = OtherThanScalar(context, *scale, std::sqrt(0.5));
  }
  if (x == ir::kNoId) return ir::kNoId;
  nodes.insert(nodes.end(), {add, erf, scale});
  return x;
}

// value = x^3 as Pow(x, 3), x * (x * x) or (x * x) * x.
bool MatchCube(ImportContext& context, ir::ValueId value, ir::ValueId x,
               std::vector<PendingNode*>& nodes) {
  if (PendingNode* pow = SoleProducer(context, value, ir::OpKind::kPow)) {
    const std::optional<float> exponent = ScalarConstant(context, pow->inputs[1]);
    if (pow->inputs[0] != x || !exponent.has_value() || *exponent != 3.0f) return false;
    nodes.push_back(pow);
    return true;
  }
  PendingNode* outer = SoleProducer(context, value, ir::OpKind::kMul);
  if (outer == nullptr) return false;
  for (size_t s = 0; s < 2; ++s) {
    PendingNode* square = SoleProducer(context, outer->inputs[1 - s], ir::OpKind::kMul);
    if (outer->inputs[s] == x && square != nullptr && square->inputs[0] == x &&
        square->inputs[1] == x) {
      nodes.insert(nodes.end(), {outer, square});
      return true;
    }
  }
  return false;
}

// value = 1 + Tanh(sqrt(2/pi) * (x + 0.044715 * x^3)); returns x.
ir::ValueId MatchTanhBranch(ImportContext& context, ir::ValueId value,
                            std::vector<PendingNode*>& nodes) {
  PendingNode* add = SoleProducer(context, value, ir::OpKind::kAdd);
  if (add == nullptr) return ir::kNoId;
  PendingNode* tanh = SoleProducer(context, OtherThanScalar(context, *add, 1.0), ir::OpKind::kTanh);
  if (tanh == nullptr) return ir::kNoId;
  PendingNode* inner = SoleProducer(context, tanh->inputs[0], ir::OpKind::kMul);
  if (inner == nullptr) return ir::kNoId;
  PendingNode* sum = SoleProducer(context, OtherThanScalar(context, *inner, std::sqrt(2.0 / M_PI)),
                                  ir::OpKind::kAdd);
  if (sum == nullptr || sum->inputs.size() != 2) return ir::kNoId;
  for (size_t s = 0; s < 2; ++s) {
    const ir::ValueId x = sum->inputs[s];
    PendingNode* cubic = SoleProducer(context, sum->inputs[1 - s], ir::OpKind::kMul);
    if (cubic == nullptr) continue;
    std::vector<PendingNode*> cube_nodes;
    if (MatchCube(context, OtherThanScalar(context, *cubic, 0.044715), x, cube_nodes)) {
      nodes.insert(nodes.end(), {add, tanh, inner, sum, cubic});
      nodes.insert(nodes.end(), cube_nodes.begin(), cube_nodes.end());
      return x;
    }
  }
  return ir::kNoId;
}

// The three factors x, 0.5 and the branch, as Mul(Mul(p, q), r) in any arrangement.
bool TryFuseGelu(ImportContext& context, const onnx::NodeProto& node, const std::string& name) {
  const std::string& a = node.input(0);
  const std::string& b = node.input(1);
  if (!context.IsActivation(a) && !context.IsActivation(b)) return false;
  for (int inner_side = 0; inner_side < 2; ++inner_side) {
    const std::string& inner_name = node.input(inner_side);
    const std::string& other_name = node.input(1 - inner_side);
    if (!context.IsActivation(inner_name)) continue;
    const ir::ValueId inner_value = context.RequireActivation(inner_name);
    PendingNode* inner = SoleProducer(context, inner_value, ir::OpKind::kMul);
    if (inner == nullptr || inner->inputs.size() != 2) continue;
    const ir::ValueId other = context.IsActivation(other_name)
                                  ? context.RequireActivation(other_name)
                                  : context.Operand(other_name, ir::WeightRole::kNone, "operand");
    const ir::ValueId factors[3] = {inner->inputs[0], inner->inputs[1], other};
    // Pick which factor is the half and which the branch; the third must be x.
    for (int half = 0; half < 3; ++half) {
      const std::optional<float> value = ScalarConstant(context, factors[half]);
      if (!value.has_value() || *value != 0.5f) continue;
      for (int branch = 0; branch < 3; ++branch) {
        if (branch == half) continue;
        const ir::ValueId x = factors[3 - half - branch];
        for (bool tanh : {false, true}) {
          std::vector<PendingNode*> nodes{inner};
          const ir::ValueId matched = tanh ? MatchTanhBranch(context, factors[branch], nodes)
                                           : MatchErfBranch(context, factors[branch], nodes);
          if (matched == ir::kNoId || matched != x) continue;
          const ir::Shape& shape = ShapeOfValue(context, x);
          if (!AllShaped(context, nodes, shape) || BinaryOutputShape(context, node) != shape) {
            continue;
          }
          Replace(context, nodes);
          context.Emit(name, node.output(0), ir::OpKind::kGelu,
                       ir::GeluAttrs{.tanh_approximation = tanh}, {x});
          return true;
        }
      }
    }
  }
  return false;
}

// --- Silu and HardSwish ---

bool TryFuseGatedActivation(ImportContext& context, const onnx::NodeProto& node,
                            const std::string& name) {
  if (!context.IsActivation(node.input(0)) || !context.IsActivation(node.input(1))) return false;
  const ir::ValueId operands[2] = {context.RequireActivation(node.input(0)),
                                   context.RequireActivation(node.input(1))};
  for (size_t g = 0; g < 2; ++g) {
    const ir::ValueId x = operands[1 - g];
    PendingNode* gate = context.ProducerOf(operands[g]);
    if (gate == nullptr || gate->inputs.size() != 1 || gate->inputs[0] != x ||
        context.ValueUseCount(operands[g]) != 1) {
      continue;
    }
    ir::OpKind fused;
    if (gate->op == ir::OpKind::kSigmoid) {
      fused = ir::OpKind::kSilu;
    } else if (gate->op == ir::OpKind::kHardSigmoid) {
      const auto& hard = std::get<ir::HardSigmoidAttrs>(gate->attrs);
      if (!Near(hard.alpha, 1.0 / 6.0, 1e-6) || hard.beta != 0.5f) continue;
      fused = ir::OpKind::kHardSwish;
    } else {
      continue;
    }
    context.Retract(*gate);
    context.Emit(name, node.output(0), fused, {}, {x});
    return true;
  }
  return false;
}

// --- LayerNorm ---

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

}  // namespace

bool TryFoldBiasAdd(ImportContext& context, const onnx::NodeProto& node,
                    const std::string& activation, const std::string& constant) {
  const ir::ValueId x = context.RequireActivation(activation);
  const ir::Shape x_shape = context.graph().value(x).shape;
  const ir::Shape c_shape = context.ShapeOf(constant);
  PendingNode* producer = context.ProducerOf(x);
  if (producer == nullptr ||
      (producer->op != ir::OpKind::kConv && producer->op != ir::OpKind::kFullyConnected &&
       producer->op != ir::OpKind::kConvTranspose) ||
      context.ValueUseCount(x) != 1 || x_shape.size() < 2) {
    return false;
  }
  // Right-aligned against the activation, the constant may vary only along channels.
  if (c_shape.size() > x_shape.size()) return false;
  const size_t offset = x_shape.size() - c_shape.size();
  for (size_t d = 0; d < c_shape.size(); ++d) {
    const bool channel = d + offset == 1;
    if (c_shape[d] != 1 && !(channel && c_shape[d] == x_shape[1])) return false;
  }
  const ConstTensor& c = context.RequireConstant(constant, "bias");
  if (c.is_int || c.floats.empty()) return false;
  const int64_t channels = x_shape[1];
  std::vector<float> bias(static_cast<size_t>(channels));
  for (int64_t k = 0; k < channels; ++k) {
    bias[static_cast<size_t>(k)] = c.floats[c.floats.size() == 1 ? 0 : static_cast<size_t>(k)];
  }
  if (producer->inputs.size() == 3) {
    const std::vector<float>& existing = context.graph().value(producer->inputs[2]).data;
    for (size_t k = 0; k < bias.size(); ++k) bias[k] += existing[k];
    producer->inputs[2] =
        context.NewWeight(constant, {channels}, ir::WeightRole::kBias, std::move(bias));
  } else {
    producer->inputs.push_back(
        context.NewWeight(constant, {channels}, ir::WeightRole::kBias, std::move(bias)));
  }
  context.Reinfer(*producer);
  context.AliasActivation(node.output(0), x);
  return true;
}

bool TryFuseAdd(ImportContext& context, const onnx::NodeProto& node, const std::string& name) {
  return TryFoldLayerNormAffine(context, node, name, false);
}

bool TryFuseMul(ImportContext& context, const onnx::NodeProto& node, const std::string& name) {
  return TryFuseGatedActivation(context, node, name) || TryFuseGelu(context, node, name) ||
         TryFoldLayerNormAffine(context, node, name, true);
}

bool TryFuseDiv(ImportContext& context, const onnx::NodeProto& node, const std::string& name) {
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

}  // namespace edgebench::formats::onnx_detail
