#include "passes/fold_batch_norm.h"

#include <fmt/format.h>

#include <cmath>
#include <variant>

#include "passes/graph_rewrite.h"

namespace edgebench::passes {
namespace {

// The constant's data, which the fold needs; throws when the weights were never generated.
const std::vector<float>& DataOf(const ir::Graph& graph, ir::ValueId id, int64_t expected) {
  const ir::Value& value = graph.value(id);
  if (value.kind != ir::ValueKind::kConstant ||
      static_cast<int64_t>(value.data.size()) != expected) {
    throw ir::GraphError(fmt::format("fold-bn: '{}' is not a constant of {} materialized values",
                                     value.name, expected));
  }
  return value.data;
}

bool ReadOnlyBy(const std::vector<std::vector<ir::NodeId>>& consumers, ir::ValueId value,
                ir::NodeId node) {
  const auto& readers = consumers[static_cast<size_t>(value)];
  return readers.size() == 1 && readers.front() == node;
}

}  // namespace

std::vector<FoldedBatchNorm> FoldBatchNorm(ir::Graph& graph) {
  std::vector<FoldedBatchNorm> folded;
  const auto consumers = ConsumersByValue(graph);
  ir::Graph work = graph;
  GraphEdit edit;
  for (size_t b = 0; b < graph.nodes().size(); ++b) {
    const ir::Node& bn = graph.nodes()[b];
    if (bn.op != ir::OpKind::kBatchNorm || bn.inputs.size() != 5) continue;
    const ir::ValueId conv_out = bn.inputs[0];
    const ir::NodeId conv_id = graph.value(conv_out).producer;
    if (conv_id == ir::kNoId) continue;
    const ir::Node& conv = graph.node(conv_id);
    if (conv.op != ir::OpKind::kConv || conv.inputs.size() < 2) continue;
    if (!ReadOnlyBy(consumers, conv_out, static_cast<ir::NodeId>(b)) ||
        IsGraphOutput(graph, conv_out)) {
      continue;
    }
    bool exclusive_weights = true;
    for (size_t i = 1; i < conv.inputs.size(); ++i) {
      exclusive_weights = exclusive_weights && ReadOnlyBy(consumers, conv.inputs[i], conv_id);
    }
    if (!exclusive_weights) continue;

    const ir::ValueId weight_id = conv.inputs[1];
    const ir::Shape& weight_shape = graph.value(weight_id).shape;
    const int64_t channels = weight_shape.at(0);
    const int64_t per_channel = ir::ElementCount(weight_shape) / channels;
    const float epsilon = std::get<ir::BatchNormAttrs>(bn.attrs).epsilon;
    const auto& scale = DataOf(graph, bn.inputs[1], channels);
    const auto& shift = DataOf(graph, bn.inputs[2], channels);
    const auto& mean = DataOf(graph, bn.inputs[3], channels);
    const auto& variance = DataOf(graph, bn.inputs[4], channels);
    std::vector<float>& weight = work.mutable_value(weight_id).data;
    if (static_cast<int64_t>(weight.size()) != channels * per_channel) {
      throw ir::GraphError(
          fmt::format("fold-bn: the weights of '{}' are not materialized", conv.name));
    }
    std::vector<float> bias(static_cast<size_t>(channels), 0.0f);
    if (conv.inputs.size() > 2) bias = DataOf(graph, conv.inputs[2], channels);

    for (int64_t o = 0; o < channels; ++o) {
      const auto c = static_cast<size_t>(o);
      const double s = static_cast<double>(scale[c]) /
                       std::sqrt(static_cast<double>(variance[c]) + static_cast<double>(epsilon));
      for (int64_t i = 0; i < per_channel; ++i) {
        float& w = weight[static_cast<size_t>(o * per_channel + i)];
        w = static_cast<float>(static_cast<double>(w) * s);
      }
      bias[c] = static_cast<float>((static_cast<double>(bias[c]) - mean[c]) * s + shift[c]);
    }
    if (conv.inputs.size() > 2) {
      work.mutable_value(conv.inputs[2]).data = std::move(bias);
    } else {
      std::string name = conv.name + "_folded_bias";
      while (work.FindValue(name) != ir::kNoId) name += "_";
      const ir::ValueId bias_id =
          work.AddConstant(name, {channels}, ir::WeightRole::kBias, ir::WeightInit{});
      work.mutable_value(bias_id).data = std::move(bias);
      edit.node_inputs[conv_id] = {conv.inputs[0], conv.inputs[1], bias_id};
    }
    const ir::ValueId bn_out = bn.outputs.front();
    edit.drop_nodes.push_back(static_cast<ir::NodeId>(b));
    edit.replace[bn_out] = conv_out;
    edit.rename[conv_out] = graph.value(bn_out).name;
    folded.push_back({conv.name, bn.name});
  }
  if (!folded.empty()) graph = RebuildGraph(work, edit);
  return folded;
}

}  // namespace edgebench::passes
