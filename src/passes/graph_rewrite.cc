#include "passes/graph_rewrite.h"

#include <algorithm>

#include "ir/shape_inference.h"

namespace edgebench::passes {

std::vector<std::vector<ir::NodeId>> ConsumersByValue(const ir::Graph& graph) {
  std::vector<std::vector<ir::NodeId>> consumers(graph.values().size());
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    for (ir::ValueId input : graph.nodes()[n].inputs) {
      consumers[static_cast<size_t>(input)].push_back(static_cast<ir::NodeId>(n));
    }
  }
  return consumers;
}

bool IsGraphOutput(const ir::Graph& graph, ir::ValueId value) {
  const auto& outputs = graph.outputs();
  return std::find(outputs.begin(), outputs.end(), value) != outputs.end();
}

ir::Graph RebuildGraph(const ir::Graph& graph, const GraphEdit& edit) {
  const size_t value_count = graph.values().size();
  std::vector<bool> dropped(graph.nodes().size(), false);
  for (ir::NodeId node : edit.drop_nodes) dropped.at(static_cast<size_t>(node)) = true;
  auto resolve = [&edit](ir::ValueId value) {
    // A replacement may itself be replaced (chains of folded nodes).
    for (auto found = edit.replace.find(value); found != edit.replace.end();
         found = edit.replace.find(value)) {
      value = found->second;
    }
    return value;
  };
  auto inputs_of = [&](size_t n) {
    auto custom = edit.node_inputs.find(static_cast<ir::NodeId>(n));
    std::vector<ir::ValueId> inputs =
        custom != edit.node_inputs.end() ? custom->second : graph.nodes()[n].inputs;
    for (ir::ValueId& input : inputs) input = resolve(input);
    return inputs;
  };

  std::vector<bool> used(value_count, false);
  for (ir::ValueId input : graph.inputs()) used[static_cast<size_t>(input)] = true;
  for (ir::ValueId output : graph.outputs()) used[static_cast<size_t>(resolve(output))] = true;
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    if (dropped[n]) continue;
    for (ir::ValueId input : inputs_of(n)) used[static_cast<size_t>(input)] = true;
    for (ir::ValueId output : graph.nodes()[n].outputs) used[static_cast<size_t>(output)] = true;
  }

  ir::Graph result(graph.name());
  std::vector<ir::ValueId> new_id(value_count, ir::kNoId);
  for (size_t v = 0; v < value_count; ++v) {
    if (!used[v]) continue;
    const ir::Value& value = graph.values()[v];
    auto renamed = edit.rename.find(static_cast<ir::ValueId>(v));
    const std::string& name = renamed != edit.rename.end() ? renamed->second : value.name;
    ir::ValueId id = ir::kNoId;
    switch (value.kind) {
      case ir::ValueKind::kInput:
        id = result.AddInput(name, value.shape, value.dtype);
        break;
      case ir::ValueKind::kConstant:
        id = result.AddConstant(name, value.shape, value.role, value.init);
        break;
      case ir::ValueKind::kActivation:
        id = result.DeclareActivation(name);
        break;
    }
    ir::Value& copy = result.mutable_value(id);
    copy.dtype = value.dtype;
    copy.data = value.data;
    copy.quant = value.quant;
    new_id[v] = id;
  }
  auto mapped = [&new_id](ir::ValueId value) { return new_id[static_cast<size_t>(value)]; };
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    if (dropped[n]) continue;
    const ir::Node& node = graph.nodes()[n];
    std::vector<ir::ValueId> inputs = inputs_of(n);
    for (ir::ValueId& input : inputs) input = mapped(input);
    auto attrs = edit.node_attrs.find(static_cast<ir::NodeId>(n));
    result.AddNodeWithOutput(node.name, node.op,
                             attrs != edit.node_attrs.end() ? attrs->second : node.attrs,
                             std::move(inputs), mapped(node.outputs.front()));
  }
  for (ir::ValueId output : graph.outputs()) result.MarkOutput(mapped(resolve(output)));
  ir::InferShapes(result);
  return result;
}

bool IsUnaryElementwise(ir::OpKind op) {
  switch (op) {
    case ir::OpKind::kRelu:
    case ir::OpKind::kRelu6:
    case ir::OpKind::kLeakyRelu:
    case ir::OpKind::kSigmoid:
    case ir::OpKind::kHardSigmoid:
    case ir::OpKind::kHardSwish:
    case ir::OpKind::kSilu:
    case ir::OpKind::kTanh:
    case ir::OpKind::kExp:
    case ir::OpKind::kLog:
    case ir::OpKind::kSqrt:
    case ir::OpKind::kAbs:
    case ir::OpKind::kNeg:
    case ir::OpKind::kErf:
    case ir::OpKind::kGelu:
    case ir::OpKind::kClip:
      return true;
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
    case ir::OpKind::kPow:
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
      return false;
  }
  return false;
}

}  // namespace edgebench::passes
