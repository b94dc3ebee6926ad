#include "backends/xnnpack/fusion.h"

#include <variant>

namespace edgebench::backends::xnnpack {
namespace {

bool IsGraphOutput(const ir::Graph& graph, ir::ValueId id) {
  for (ir::ValueId output : graph.outputs()) {
    if (output == id) return true;
  }
  return false;
}

// The single node reading `value` as its first input, when nothing else reads it.
ir::NodeId SoleReader(const ir::Graph& graph, const ConsumerIndex& consumers, ir::ValueId value) {
  const std::vector<ir::NodeId>& readers = consumers[static_cast<size_t>(value)];
  if (readers.size() != 1 || IsGraphOutput(graph, value)) return ir::kNoId;
  const ir::Node& reader = graph.node(readers.front());
  for (size_t i = 1; i < reader.inputs.size(); ++i) {
    if (reader.inputs[i] == value) return ir::kNoId;  // also read as a parameter
  }
  return reader.inputs.front() == value ? readers.front() : ir::kNoId;
}

bool AllConstant(const ir::Graph& graph, const ir::Node& node, size_t first) {
  for (size_t i = first; i < node.inputs.size(); ++i) {
    if (graph.value(node.inputs[i]).kind != ir::ValueKind::kConstant) return false;
  }
  return true;
}

}  // namespace

ConsumerIndex IndexConsumers(const ir::Graph& graph) {
  ConsumerIndex consumers(graph.values().size());
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    for (ir::ValueId input : graph.nodes()[n].inputs) {
      std::vector<ir::NodeId>& readers = consumers[static_cast<size_t>(input)];
      // A node reading one value twice (x * x) is one reader.
      if (readers.empty() || readers.back() != static_cast<ir::NodeId>(n)) {
        readers.push_back(static_cast<ir::NodeId>(n));
      }
    }
  }
  return consumers;
}

bool ClampBounds(const ir::Node& node, float& min, float& max) {
  switch (node.op) {
    case ir::OpKind::kRelu:
      min = 0.0f;
      max = std::numeric_limits<float>::infinity();
      return true;
    case ir::OpKind::kRelu6:
      min = 0.0f;
      max = 6.0f;
      return true;
    case ir::OpKind::kClip: {
      const auto& attrs = std::get<ir::ClipAttrs>(node.attrs);
      min = attrs.min;
      max = attrs.max;
      return true;
    }
    default:
      return false;
  }
}

FusedChain PlanChain(const ir::Graph& graph, const ConsumerIndex& consumers, ir::NodeId head) {
  const ir::Node& node = graph.node(head);
  FusedChain chain;
  chain.output = node.outputs.front();
  ir::NodeId next = SoleReader(graph, consumers, chain.output);
  if (node.op == ir::OpKind::kConv && next != ir::kNoId &&
      graph.node(next).op == ir::OpKind::kBatchNorm && AllConstant(graph, graph.node(next), 1)) {
    chain.batch_norm = next;
    chain.output = graph.node(next).outputs.front();
    next = SoleReader(graph, consumers, chain.output);
  }
  float min = 0.0f, max = 0.0f;
  if (next != ir::kNoId && ClampBounds(graph.node(next), min, max) && min < max) {
    chain.activation = next;
    chain.output_min = min;
    chain.output_max = max;
    chain.output = graph.node(next).outputs.front();
  }
  return chain;
}

bool IsAbsorbed(const ir::Graph& graph, const ConsumerIndex& consumers, const ir::Node& node) {
  // Walk back over at most one batch norm to the chain's head.
  ir::NodeId producer = graph.value(node.inputs.front()).producer;
  if (producer != ir::kNoId && graph.node(producer).op == ir::OpKind::kBatchNorm) {
    producer = graph.value(graph.node(producer).inputs.front()).producer;
  }
  if (producer == ir::kNoId) return false;
  const ir::OpKind op = graph.node(producer).op;
  if (op != ir::OpKind::kConv && op != ir::OpKind::kConvTranspose &&
      op != ir::OpKind::kFullyConnected) {
    return false;
  }
  const FusedChain chain = PlanChain(graph, consumers, producer);
  for (ir::NodeId absorbed : {chain.batch_norm, chain.activation}) {
    if (absorbed != ir::kNoId && &graph.node(absorbed) == &node) return true;
  }
  return false;
}

}  // namespace edgebench::backends::xnnpack
