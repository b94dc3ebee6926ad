#include "formats/onnx_import_fusion.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "formats/onnx_import_ops.h"
#include "ir/op_semantics.h"

namespace edgebench::formats::onnx_detail {
namespace fusion {

// The pending node of kind `op` producing `value`, when exactly `uses` readers read it
// (the pattern's own), else nullptr.
PendingNode* SoleProducer(ImportContext& context, ir::ValueId value, ir::OpKind op, int uses) {
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

bool Near(float actual, double expected, double tolerance) {
  return std::abs(static_cast<double>(actual) - expected) <= tolerance * std::abs(expected);
}

// For a binary node with a scalar constant operand close to `expected`, the other
// operand; kNoId otherwise. `constant_second` requires the constant to be input #1
// (a divisor).
ir::ValueId OtherThanScalar(ImportContext& context, const PendingNode& node, double expected,
                            bool constant_second) {
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

}  // namespace fusion

namespace {

using fusion::AllShaped;
using fusion::BinaryOutputShape;
using fusion::Near;
using fusion::OtherThanScalar;
using fusion::Replace;
using fusion::ScalarConstant;
using fusion::ShapeOfValue;
using fusion::SoleProducer;

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
  return fusion::TryFoldLayerNormAffine(context, node, name, false);
}

bool TryFuseMul(ImportContext& context, const onnx::NodeProto& node, const std::string& name) {
  return TryFuseGatedActivation(context, node, name) || TryFuseGelu(context, node, name) ||
         fusion::TryFoldLayerNormAffine(context, node, name, true);
}
bool TryFuseDiv(ImportContext& context, const onnx::NodeProto& node, const std::string& name) {
  return fusion::TryFoldLayerNormPattern(context, node, name);
}

}  // namespace edgebench::formats::onnx_detail
