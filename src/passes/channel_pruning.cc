#include "passes/channel_pruning.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>
#include <variant>

#include "ir/cost.h"
#include "ir/shape_inference.h"
#include "passes/graph_rewrite.h"

namespace edgebench::passes {
namespace {

using Consumers = std::vector<std::vector<ir::NodeId>>;

// A layer whose input channels shrink with the pruned layer's output channels: its weight
// loses columns (axis 1), `block` consecutive ones per channel (spatial positions after a
// Flatten, 1 otherwise).
struct Reader {
  ir::NodeId node = ir::kNoId;
  int64_t block = 1;
};

// Everything one layer's pruning touches.
struct Plan {
  std::vector<ir::NodeId> batch_norms;
  std::vector<ir::NodeId> depthwise;  // convolutions with one group per channel
  std::vector<Reader> readers;
};

// Groups of the convolutions seen so far, as pruning has left them.
using GroupCounts = std::unordered_map<ir::NodeId, int64_t>;

int64_t GroupsOf(const ir::Node& node, ir::NodeId id, const GroupCounts& groups) {
  auto found = groups.find(id);
  return found != groups.end() ? found->second : std::get<ir::ConvAttrs>(node.attrs).groups;
}

bool Exclusive(const Consumers& consumers, ir::ValueId value, ir::NodeId node) {
  const auto& readers = consumers[static_cast<size_t>(value)];
  return readers.size() == 1 && readers.front() == node;
}

bool PassesChannelsThrough(ir::OpKind op) {
  return IsUnaryElementwise(op) || op == ir::OpKind::kMaxPool || op == ir::OpKind::kAvgPool ||
         op == ir::OpKind::kGlobalAvgPool || op == ir::OpKind::kLrn;
}

bool IsGroupedConv(const ir::Node& node) { return std::get<ir::ConvAttrs>(node.attrs).groups != 1; }

// A convolution with one group per channel and one filter per group (channel multiplier
// 1), whose channels therefore pass through it one to one.
bool IsDepthwise(const ir::Graph& graph, const ir::Node& node, ir::NodeId id,
                 const GroupCounts& groups) {
  const ir::Shape& weight = graph.value(node.inputs.at(1)).shape;
  const int64_t count = GroupsOf(node, id, groups);
  return count > 1 && weight.size() >= 2 && weight[0] == count && weight[1] == 1;
}

// Follows `value` (channels on axis 1, `block` elements per channel once flattened) to the
// layers that read its channels; returns the reason when some reader cannot shrink.
std::string Follow(const ir::Graph& graph, const Consumers& consumers, const GroupCounts& groups,
                   ir::ValueId value, int64_t block, Plan& plan) {
  if (IsGraphOutput(graph, value)) {
    return fmt::format("'{}' is a graph output", graph.value(value).name);
  }
  for (ir::NodeId reader_id : consumers[static_cast<size_t>(value)]) {
    const ir::Node& reader = graph.node(reader_id);
    const bool first_input_only =
        reader.inputs.front() == value &&
        std::count(reader.inputs.begin(), reader.inputs.end(), value) == 1;
    const std::string refusal =
        fmt::format("its output reaches {} '{}'", ir::OpName(reader.op), reader.name);
    if (!first_input_only) return refusal;
    if (reader.op == ir::OpKind::kBatchNorm && block == 1) {
      for (size_t i = 1; i < reader.inputs.size(); ++i) {
        if (!Exclusive(consumers, reader.inputs[i], reader_id)) return refusal + " (shared)";
      }
      plan.batch_norms.push_back(reader_id);
    } else if (PassesChannelsThrough(reader.op) && (block == 1 || IsUnaryElementwise(reader.op))) {
      // Falls through to following the output below.
    } else if (reader.op == ir::OpKind::kConv && block == 1 &&
               IsDepthwise(graph, reader, reader_id, groups)) {
      // One filter per channel: losing a channel loses its filter, and the channels pass on.
      for (size_t i = 1; i < reader.inputs.size(); ++i) {
        if (!Exclusive(consumers, reader.inputs[i], reader_id)) return refusal + " (shared)";
      }
      plan.depthwise.push_back(reader_id);
    } else if (reader.op == ir::OpKind::kFlatten && block == 1 &&
               std::get<ir::FlattenAttrs>(reader.attrs).axis == 1) {
      const ir::Shape& shape = graph.value(value).shape;
      int64_t spatial = 1;
      for (size_t d = 2; d < shape.size(); ++d) spatial *= shape[d];
      std::string reason = Follow(graph, consumers, groups, reader.outputs.front(), spatial, plan);
      if (!reason.empty()) return reason;
      continue;
    } else if ((reader.op == ir::OpKind::kConv && block == 1 && !IsGroupedConv(reader)) ||
               (reader.op == ir::OpKind::kFullyConnected && graph.value(value).shape.size() == 2)) {
      if (!Exclusive(consumers, reader.inputs.at(1), reader_id)) return refusal + " (shared)";
      plan.readers.push_back({reader_id, block});
      continue;
    } else {
      return refusal;
    }
    std::string reason = Follow(graph, consumers, groups, reader.outputs.front(), block, plan);
    if (!reason.empty()) return reason;
  }
  return {};
}

// The indices of the `keep` channels with the largest L1 norm of their weight rows
// (ties: the lower index), ascending.
std::vector<int64_t> StrongestChannels(const ir::Value& weight, int64_t keep) {
  const int64_t channels = weight.shape.at(0);
  const int64_t row = ir::ElementCount(weight.shape) / channels;
  std::vector<double> norm(static_cast<size_t>(channels), 0.0);
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t i = 0; i < row; ++i) {
      norm[static_cast<size_t>(c)] += std::fabs(weight.data[static_cast<size_t>(c * row + i)]);
    }
  }
  std::vector<int64_t> order(static_cast<size_t>(channels));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&norm](int64_t a, int64_t b) {
    return norm[static_cast<size_t>(a)] > norm[static_cast<size_t>(b)];
  });
  order.resize(static_cast<size_t>(keep));
  std::sort(order.begin(), order.end());
  return order;
}

// Keeps, along `axis` of the constant, only the `kept` slices, each `block` wide.
void KeepSlices(ir::Value& constant, size_t axis, const std::vector<int64_t>& kept, int64_t block) {
  ir::Shape& shape = constant.shape;
  int64_t outer = 1;
  for (size_t d = 0; d < axis; ++d) outer *= shape[d];
  int64_t inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  const int64_t extent = shape[axis];
  const int64_t slice = block * inner;
  std::vector<float> kept_data;
  kept_data.reserve(static_cast<size_t>(outer) * kept.size() * static_cast<size_t>(slice));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c : kept) {
      const auto begin = constant.data.begin() + (o * extent * inner + c * block * inner);
      kept_data.insert(kept_data.end(), begin, begin + slice);
    }
  }
  constant.data = std::move(kept_data);
  shape[axis] = static_cast<int64_t>(kept.size()) * block;
  constant.quant.reset();  // any calibrated scales belonged to the old channels
}

void CheckMaterialized(const ir::Graph& graph) {
  for (const ir::Value& value : graph.values()) {
    if (value.kind == ir::ValueKind::kConstant &&
        static_cast<int64_t>(value.data.size()) != ir::ElementCount(value.shape)) {
      throw ir::GraphError(
          fmt::format("prune-channels: the weights of '{}' are not materialized", value.name));
    }
  }
}

}  // namespace

ChannelPruneReport PruneChannels(ir::Graph& graph, double fraction) {
  if (!(fraction >= 0.0 && fraction < 1.0)) {
    throw ir::GraphError(fmt::format("prune-channels: fraction {} is not in [0, 1)", fraction));
  }
  CheckMaterialized(graph);
  ChannelPruneReport report;
  report.macs_before = ir::CountGraph(graph).macs;
  const Consumers consumers = ConsumersByValue(graph);
  GroupCounts groups;
  for (ir::NodeId id : graph.ExecutionOrder()) {
    const ir::Node& layer = graph.node(id);
    const bool conv = layer.op == ir::OpKind::kConv;
    if (!conv && layer.op != ir::OpKind::kFullyConnected) continue;
    if (conv && IsGroupedConv(layer)) {
      report.skipped.push_back({layer.name, "grouped or depthwise convolution"});
      continue;
    }
    bool exclusive = true;
    for (size_t i = 1; i < layer.inputs.size(); ++i) {
      exclusive = exclusive && Exclusive(consumers, layer.inputs[i], id);
    }
    if (!exclusive) {
      report.skipped.push_back({layer.name, "its weights are shared"});
      continue;
    }
    Plan plan;
    if (std::string reason = Follow(graph, consumers, groups, layer.outputs.front(), 1, plan);
        !reason.empty()) {
      report.skipped.push_back({layer.name, reason});
      continue;
    }
    const int64_t channels = graph.value(layer.inputs[1]).shape.at(0);
    const bool readers_fit =
        std::all_of(plan.readers.begin(), plan.readers.end(), [&](const Reader& reader) {
          const ir::Value& weight = graph.value(graph.node(reader.node).inputs[1]);
          return weight.shape.size() >= 2 && weight.shape[1] == channels * reader.block;
        });
    if (!readers_fit) {
      report.skipped.push_back({layer.name, "a reader's weights do not match its channels"});
      continue;
    }
    const int64_t removed =
        std::min<int64_t>(channels - 1, std::llround(fraction * static_cast<double>(channels)));
    if (removed <= 0) continue;
    const std::vector<int64_t> kept =
        StrongestChannels(graph.value(layer.inputs[1]), channels - removed);
    for (size_t i = 1; i < layer.inputs.size(); ++i) {
      KeepSlices(graph.mutable_value(layer.inputs[i]), 0, kept, 1);
    }
    for (ir::NodeId bn : plan.batch_norms) {
      for (size_t i = 1; i < graph.node(bn).inputs.size(); ++i) {
        KeepSlices(graph.mutable_value(graph.node(bn).inputs[i]), 0, kept, 1);
      }
    }
    for (ir::NodeId depthwise : plan.depthwise) {
      for (size_t i = 1; i < graph.node(depthwise).inputs.size(); ++i) {
        KeepSlices(graph.mutable_value(graph.node(depthwise).inputs[i]), 0, kept, 1);
      }
      groups[depthwise] = channels - removed;
    }
    for (const Reader& reader : plan.readers) {
      KeepSlices(graph.mutable_value(graph.node(reader.node).inputs[1]), 1, kept, reader.block);
    }
    report.pruned.push_back({layer.name, channels, channels - removed});
  }
  if (groups.empty()) {
    ir::InferShapes(graph);
  } else {
    // Node attributes cannot change in place: the graph is rebuilt with the new groups.
    GraphEdit edit;
    for (const auto& [id, count] : groups) {
      ir::ConvAttrs attrs = std::get<ir::ConvAttrs>(graph.node(id).attrs);
      attrs.groups = count;
      edit.node_attrs[id] = attrs;
    }
    graph = RebuildGraph(graph, edit);
  }
  report.macs_after = ir::CountGraph(graph).macs;
  return report;
}

}  // namespace edgebench::passes
