#include "formats/darknet_export_plan.h"

#include <fmt/format.h>

#include <exception>
#include <vector>

#include "formats/darknet_export_layers.h"

namespace edgebench::formats::darknet {

bool Plan::ok() const {
  if (!graph_problem.empty()) return false;
  for (const std::string& problem : node_problems) {
    if (!problem.empty()) return false;
  }
  return true;
}

std::string Plan::FirstProblem(const ir::Graph& graph) const {
  if (!graph_problem.empty()) return graph_problem;
  for (size_t i = 0; i < node_problems.size(); ++i) {
    if (!node_problems[i].empty()) {
      return fmt::format("node '{}' ({}): {}", graph.node(static_cast<ir::NodeId>(i)).name,
                         ir::OpName(graph.node(static_cast<ir::NodeId>(i)).op), node_problems[i]);
    }
  }
  return "";
}

namespace {

bool IsAlias(ir::OpKind op) {
  return op == ir::OpKind::kFlatten || op == ir::OpKind::kReshape || op == ir::OpKind::kSqueeze ||
         op == ir::OpKind::kUnsqueeze;
}

// Whether the graph input must first be copied into a layer of its own: Darknet's
// [route] and [shortcut] can only name layers, never the network input, and only the
// first layer reads the input implicitly. Reshapes of the input are the input.
bool InputNeedsCopy(const ir::Graph& graph, ir::ValueId input) {
  int uses = 0;
  bool named_use = false;
  std::vector<ir::ValueId> same_buffer{input};
  for (size_t next = 0; next < same_buffer.size(); ++next) {
    const ir::ValueId value = same_buffer[next];
    for (const ir::Node& node : graph.nodes()) {
      for (ir::ValueId operand : node.inputs) {
        if (operand != value) continue;
        if (IsAlias(node.op)) {
          same_buffer.push_back(node.outputs[0]);
          continue;
        }
        ++uses;
        if (node.op == ir::OpKind::kAdd || node.op == ir::OpKind::kConcat) named_use = true;
      }
    }
    for (ir::ValueId output : graph.outputs()) {
      if (output == value) ++uses;
    }
  }
  return uses != 1 || named_use;
}

}  // namespace

Plan PlanGraph(const ir::Graph& graph, bool with_weights) {
  Plan plan;
  plan.node_problems.assign(graph.nodes().size(), "");
  if (graph.inputs().size() != 1) {
    plan.graph_problem = fmt::format("a Darknet network has exactly one input, this graph has {}",
                                     graph.inputs().size());
    return plan;
  }
  const ir::ValueId input = graph.inputs()[0];
  const ir::Shape& shape = graph.value(input).shape;
  if (shape.size() != 4 || shape[0] != 1) {
    plan.graph_problem =
        fmt::format("a Darknet network reads one 1xCxHxW image; the input '{}' is {}",
                    graph.value(input).name, ir::ShapeToString(shape));
    return plan;
  }
  plan.channels = shape[1];
  plan.height = shape[2];
  plan.width = shape[3];
  std::vector<ir::NodeId> order;
  try {
    order = graph.ExecutionOrder();
  } catch (const std::exception& error) {
    plan.graph_problem = error.what();
    return plan;
  }
  LayerBuilder builder(graph, with_weights, plan);
  if (InputNeedsCopy(graph, input)) builder.CopyInput(input);
  for (ir::NodeId id : order) {
    if (builder.IsFused(id)) continue;
    plan.node_problems[static_cast<size_t>(id)] = builder.Add(graph.node(id));
  }
  for (ir::ValueId output : graph.outputs()) {
    if (builder.IsView(output)) {
      plan.graph_problem = fmt::format(
          "graph output '{}' is a strided or channel-cut copy of a layer, which no Darknet "
          "layer holds",
          graph.value(output).name);
    }
    const int layer = builder.LayerOf(output);
    if (layer < 0 && layer != LayerBuilder::kUnknownLayer) {
      plan.graph_problem =
          fmt::format("graph output '{}' is the network input itself, which no Darknet layer holds",
                      graph.value(output).name);
    }
    plan.output_layers.push_back(layer);
  }
  if (plan.layers.empty() && plan.ok()) {
    plan.graph_problem = "the graph computes nothing Darknet would run as a layer";
  }
  return plan;
}

}  // namespace edgebench::formats::darknet
