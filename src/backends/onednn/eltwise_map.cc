#include "backends/onednn/eltwise_map.h"

#include <fmt/format.h>

#include <cmath>

namespace edgebench::backends::onednn {

using dnnl::algorithm;

namespace {

std::optional<std::vector<EltwiseOp>> One(algorithm alg, float alpha = 0.0f, float beta = 0.0f) {
  return std::vector<EltwiseOp>{{alg, alpha, beta}};
}

// Pow is binary in the IR; oneDNN expresses it only as alpha * x^beta with a constant
// exponent, i.e. when the second operand is a single known number.
std::optional<std::vector<EltwiseOp>> PowChain(const ir::Graph& graph, const ir::Node& node,
                                               std::string& why) {
  const ir::Value& exponent = graph.value(node.inputs[1]);
  if (exponent.kind != ir::ValueKind::kConstant || ir::ElementCount(exponent.shape) != 1) {
    why = "pow: oneDNN 2.6 has pow only as eltwise_pow with one constant exponent";
    return std::nullopt;
  }
  const ir::Value& base = graph.value(node.inputs[0]);
  if (ir::ElementCount(base.shape) < ir::ElementCount(exponent.shape) ||
      base.shape.size() < exponent.shape.size()) {
    why = "pow: the scalar exponent would broadcast the base to a higher rank";
    return std::nullopt;
  }
  if (exponent.data.empty()) {
    // Supports() runs before weights are materialized; the value is needed only to lower.
    return One(algorithm::eltwise_pow, 1.0f, 0.0f);
  }
  return One(algorithm::eltwise_pow, 1.0f, exponent.data.front());
}

}  // namespace

std::optional<std::vector<EltwiseOp>> EltwiseChainFor(const ir::Graph& graph, const ir::Node& node,
                                                      std::string& why) {
  why.clear();
  switch (node.op) {
    case ir::OpKind::kRelu:
      return One(algorithm::eltwise_relu);
    case ir::OpKind::kRelu6:
      return One(algorithm::eltwise_clip_v2, 0.0f, 6.0f);
    case ir::OpKind::kLeakyRelu:
      return One(algorithm::eltwise_relu, std::get<ir::LeakyReluAttrs>(node.attrs).alpha);
    case ir::OpKind::kSigmoid:
      return One(algorithm::eltwise_logistic);
    case ir::OpKind::kTanh:
      return One(algorithm::eltwise_tanh);
    case ir::OpKind::kExp:
      return One(algorithm::eltwise_exp);
    case ir::OpKind::kLog:
      return One(algorithm::eltwise_log);
    case ir::OpKind::kSqrt:
      return One(algorithm::eltwise_sqrt);
    case ir::OpKind::kAbs:
      return One(algorithm::eltwise_abs);
    case ir::OpKind::kNeg:
      return One(algorithm::eltwise_linear, -1.0f, 0.0f);
    case ir::OpKind::kSilu:
      return One(algorithm::eltwise_swish, 1.0f);
    case ir::OpKind::kHardSwish:
      return One(algorithm::eltwise_hardswish);
    case ir::OpKind::kGelu:
      return One(std::get<ir::GeluAttrs>(node.attrs).tanh_approximation
                     ? algorithm::eltwise_gelu_tanh
                     : algorithm::eltwise_gelu_erf);
    case ir::OpKind::kHardSigmoid: {
      // 2.6 has no hardsigmoid algorithm: alpha * x + beta, then clipped to [0, 1].
      const auto& attrs = std::get<ir::HardSigmoidAttrs>(node.attrs);
      return std::vector<EltwiseOp>{{algorithm::eltwise_linear, attrs.alpha, attrs.beta},
                                    {algorithm::eltwise_clip_v2, 0.0f, 1.0f}};
    }
    case ir::OpKind::kClip: {
      const auto& attrs = std::get<ir::ClipAttrs>(node.attrs);
      if (std::isnan(attrs.min) || std::isnan(attrs.max)) {
        why = "clip: a NaN bound has no eltwise_clip equivalent";
        return std::nullopt;
      }
      // Infinite bounds are plain floats to max/min, so they pass through unchanged.
      return One(algorithm::eltwise_clip_v2, attrs.min, attrs.max);
    }
    case ir::OpKind::kPow:
      return PowChain(graph, node, why);
    case ir::OpKind::kErf:
      why = "erf: oneDNN 2.6 has erf only inside gelu_erf, not as an eltwise algorithm";
      return std::nullopt;
    case ir::OpKind::kConv:
    case ir::OpKind::kBatchNorm:
    case ir::OpKind::kSoftmax:
    case ir::OpKind::kMaxPool:
    case ir::OpKind::kAvgPool:
    case ir::OpKind::kGlobalAvgPool:
    case ir::OpKind::kFullyConnected:
    case ir::OpKind::kAdd:
    case ir::OpKind::kConcat:
    case ir::OpKind::kFlatten:
    case ir::OpKind::kReshape:
    case ir::OpKind::kUpsampleNearest:
    case ir::OpKind::kLrn:
    case ir::OpKind::kSub:
    case ir::OpKind::kMul:
    case ir::OpKind::kDiv:
    case ir::OpKind::kMaximum:
    case ir::OpKind::kMinimum:
    case ir::OpKind::kReduceMean:
    case ir::OpKind::kReduceSum:
    case ir::OpKind::kReduceMax:
    case ir::OpKind::kTranspose:
    case ir::OpKind::kSlice:
    case ir::OpKind::kSqueeze:
    case ir::OpKind::kUnsqueeze:
    case ir::OpKind::kPad:
    case ir::OpKind::kGather:
    case ir::OpKind::kMatMul:
    case ir::OpKind::kConvTranspose:
    case ir::OpKind::kResize:
    case ir::OpKind::kLayerNorm:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace edgebench::backends::onednn
