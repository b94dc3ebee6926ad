#include "ir/cost.h"

#include <algorithm>
#include <limits>

namespace edgebench::ir {
namespace {

// Counts saturate instead of overflowing: an imported graph may reuse huge tensors in
// ways no real model does, and a pinned maximum is a clearer answer than garbage.
int64_t Add(int64_t a, int64_t b) {
  int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<int64_t>::max() : sum;
}

int64_t Mul(int64_t a, int64_t b) {
  int64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? std::numeric_limits<int64_t>::max() : product;
}

int64_t Bytes(const Value& value) { return Mul(ElementCount(value.shape), DTypeSize(value.dtype)); }

bool IsTrainable(WeightRole role) {
  return role != WeightRole::kBnMean && role != WeightRole::kBnVariance;
}

// Per-element FLOPs of the elementwise ops, as documented in cost.h.
constexpr int64_t kSimpleFlops = 1;              // add, compare, negate, clamp, ...
constexpr int64_t kElementaryFlops = 4;          // exp, log, sqrt, tanh, erf, pow, sigmoid
constexpr int64_t kHardSigmoidFlops = 3;         // multiply-add, clamp
constexpr int64_t kHardSwishFlops = 4;           // hard sigmoid, multiply
constexpr int64_t kSiluFlops = 5;                // sigmoid, multiply
constexpr int64_t kGeluFlops = 8;                // erf or tanh, about four multiply-adds
constexpr int64_t kBatchNormFlops = 2;           // folded scale and shift
constexpr int64_t kSoftmaxFlops = 3;             // max, exponentiate-and-sum, divide passes
constexpr int64_t kLayerNormFlops = 7;           // mean 1, variance 3, normalize 2, scale 1
constexpr int64_t kLinearResizeCornerFlops = 2;  // weight multiply, accumulate

// Linear resize blends 2^k input elements per output element, k being the number of dims
// whose extent changes.
int64_t LinearResizeCorners(const Shape& in, const Shape& out) {
  int64_t corners = 1;
  for (size_t d = 0; d < in.size() && d < out.size(); ++d) {
    if (in[d] != out[d]) corners = Mul(corners, 2);
  }
  return corners;
}

}  // namespace

NodeCost CountNode(const Graph& graph, const Node& node) {
  NodeCost cost;
  const Value& out = graph.value(node.outputs.front());
  const int64_t out_elements = ElementCount(out.shape);
  cost.output_bytes = Bytes(out);
  for (ValueId input : node.inputs) {
    const Value& value = graph.value(input);
    if (value.kind != ValueKind::kConstant) continue;
    cost.weight_bytes = Add(cost.weight_bytes, Bytes(value));
    if (IsTrainable(value.role)) cost.params = Add(cost.params, ElementCount(value.shape));
  }
  const Shape& in = graph.value(node.inputs.front()).shape;
  const bool has_bias = node.inputs.size() == 3;
  switch (node.op) {
    case OpKind::kConv: {
      // Each output element accumulates over (C/groups) x kernel taps.
      const Shape& w = graph.value(node.inputs[1]).shape;
      cost.macs = Mul(out_elements, ElementCount(Shape(w.begin() + 1, w.end())));
      cost.flops = Add(Mul(2, cost.macs), has_bias ? out_elements : 0);
      break;
    }
    case OpKind::kConvTranspose: {
      // Each input element scatters into (O/groups) output channels x kernel taps.
      const Shape& w = graph.value(node.inputs[1]).shape;
      cost.macs = Mul(ElementCount(in), ElementCount(Shape(w.begin() + 1, w.end())));
      cost.flops = Add(Mul(2, cost.macs), has_bias ? out_elements : 0);
      break;
    }
    case OpKind::kFullyConnected:
      cost.macs = Mul(out_elements, in[1]);
      cost.flops = Add(Mul(2, cost.macs), has_bias ? out_elements : 0);
      break;
    case OpKind::kMatMul:
      // K is the last dim of a, also when a is 1-D.
      cost.macs = Mul(out_elements, in.back());
      cost.flops = Mul(2, cost.macs);
      break;
    case OpKind::kMaxPool:
    case OpKind::kAvgPool:
      cost.flops = Mul(out_elements, ElementCount(std::get<PoolAttrs>(node.attrs).kernel));
      break;
    case OpKind::kGlobalAvgPool:
    case OpKind::kReduceMean:
    case OpKind::kReduceSum:
    case OpKind::kReduceMax:
      cost.flops = ElementCount(in);
      break;
    case OpKind::kLrn:
      cost.flops = Mul(out_elements, std::get<LrnAttrs>(node.attrs).size + 3);
      break;
    case OpKind::kBatchNorm:
      cost.flops = Mul(out_elements, kBatchNormFlops);
      break;
    case OpKind::kSoftmax:
      cost.flops = Mul(out_elements, kSoftmaxFlops);
      break;
    case OpKind::kLayerNorm:
      cost.flops = Mul(out_elements, kLayerNormFlops + (has_bias ? 1 : 0));
      break;
    case OpKind::kRelu:
    case OpKind::kRelu6:
    case OpKind::kLeakyRelu:
    case OpKind::kClip:
    case OpKind::kAbs:
    case OpKind::kNeg:
    case OpKind::kAdd:
    case OpKind::kSub:
    case OpKind::kMul:
    case OpKind::kDiv:
    case OpKind::kMaximum:
    case OpKind::kMinimum:
      cost.flops = Mul(out_elements, kSimpleFlops);
      break;
    case OpKind::kSigmoid:
    case OpKind::kTanh:
    case OpKind::kExp:
    case OpKind::kLog:
    case OpKind::kSqrt:
    case OpKind::kErf:
    case OpKind::kPow:
      cost.flops = Mul(out_elements, kElementaryFlops);
      break;
    case OpKind::kHardSigmoid:
      cost.flops = Mul(out_elements, kHardSigmoidFlops);
      break;
    case OpKind::kHardSwish:
      cost.flops = Mul(out_elements, kHardSwishFlops);
      break;
    case OpKind::kSilu:
      cost.flops = Mul(out_elements, kSiluFlops);
      break;
    case OpKind::kGelu:
      cost.flops = Mul(out_elements, kGeluFlops);
      break;
    case OpKind::kResize:
      if (std::get<ResizeAttrs>(node.attrs).mode == ResizeMode::kLinear) {
        cost.flops =
            Mul(out_elements, Mul(kLinearResizeCornerFlops, LinearResizeCorners(in, out.shape)));
      }
      break;
    case OpKind::kConcat:
    case OpKind::kFlatten:
    case OpKind::kReshape:
    case OpKind::kUpsampleNearest:
    case OpKind::kTranspose:
    case OpKind::kSlice:
    case OpKind::kSqueeze:
    case OpKind::kUnsqueeze:
    case OpKind::kPad:
    case OpKind::kGather:
      break;  // data movement: no arithmetic
  }
  return cost;
}

GraphCost CountGraph(const Graph& graph) {
  GraphCost total;
  total.nodes.resize(graph.nodes().size());
  const std::vector<NodeId> order = graph.ExecutionOrder();
  const size_t value_count = graph.values().size();

  // Last step at which each value is read; graph outputs are never freed.
  std::vector<size_t> last_use(value_count, 0);
  std::vector<bool> consumed(value_count, false);
  std::vector<bool> is_output(value_count, false);
  for (ValueId output : graph.outputs()) is_output[static_cast<size_t>(output)] = true;
  for (size_t step = 0; step < order.size(); ++step) {
    for (ValueId input : graph.node(order[step]).inputs) {
      last_use[static_cast<size_t>(input)] = step;
      consumed[static_cast<size_t>(input)] = true;
    }
  }

  // A constant shared by several nodes is stored once, so totals count it once.
  for (size_t v = 0; v < value_count; ++v) {
    const Value& value = graph.values()[v];
    if (value.kind != ValueKind::kConstant || !consumed[v]) continue;
    total.weight_bytes = Add(total.weight_bytes, Bytes(value));
    if (IsTrainable(value.role)) total.params = Add(total.params, ElementCount(value.shape));
  }

  int64_t live = 0;
  for (ValueId input : graph.inputs()) live = Add(live, Bytes(graph.value(input)));
  total.activation_bytes = live;
  total.peak_activation_bytes = live;
  for (size_t step = 0; step < order.size(); ++step) {
    const Node& node = graph.node(order[step]);
    NodeCost cost = CountNode(graph, node);
    total.nodes[static_cast<size_t>(order[step])] = cost;
    total.macs = Add(total.macs, cost.macs);
    total.flops = Add(total.flops, cost.flops);
    total.activation_bytes = Add(total.activation_bytes, cost.output_bytes);

    live = Add(live, cost.output_bytes);  // inputs and output coexist while the node runs
    total.peak_activation_bytes = std::max(total.peak_activation_bytes, live);
    for (ValueId output : node.outputs) {
      auto v = static_cast<size_t>(output);
      if (!consumed[v] && !is_output[v]) live -= Bytes(graph.value(output));
    }
    std::vector<ValueId> freed;
    for (ValueId input : node.inputs) {
      auto v = static_cast<size_t>(input);
      if (graph.value(input).kind == ValueKind::kConstant || is_output[v]) continue;
      if (last_use[v] != step) continue;
      if (std::find(freed.begin(), freed.end(), input) != freed.end()) continue;
      freed.push_back(input);
      live -= Bytes(graph.value(input));
    }
  }
  return total;
}

}  // namespace edgebench::ir
