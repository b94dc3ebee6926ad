#include "passes/magnitude_pruning.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace edgebench::passes {

MagnitudePruneReport PruneMagnitude(ir::Graph& graph, double sparsity) {
  if (!(sparsity >= 0.0 && sparsity <= 1.0)) {
    throw ir::GraphError(fmt::format("prune: sparsity {} is not in [0, 1]", sparsity));
  }
  MagnitudePruneReport report;
  std::vector<bool> pruned(graph.values().size(), false);  // a shared weight only once
  for (const ir::Node& node : graph.nodes()) {
    if (node.op != ir::OpKind::kConv && node.op != ir::OpKind::kConvTranspose &&
        node.op != ir::OpKind::kFullyConnected) {
      continue;
    }
    if (node.inputs.size() < 2) continue;
    const ir::ValueId weight_id = node.inputs[1];
    ir::Value& weight = graph.mutable_value(weight_id);
    if (weight.kind != ir::ValueKind::kConstant || pruned[static_cast<size_t>(weight_id)]) {
      continue;
    }
    pruned[static_cast<size_t>(weight_id)] = true;
    std::vector<float>& data = weight.data;
    if (static_cast<int64_t>(data.size()) != ir::ElementCount(weight.shape)) {
      throw ir::GraphError(
          fmt::format("prune: the weights of '{}' are not materialized", node.name));
    }
    const auto count = static_cast<int64_t>(data.size());
    const auto to_zero = static_cast<int64_t>(std::llround(sparsity * static_cast<double>(count)));
    if (to_zero > 0) {
      std::vector<int64_t> order(data.size());
      std::iota(order.begin(), order.end(), 0);
      auto smaller = [&data](int64_t a, int64_t b) {
        const float ma = std::fabs(data[static_cast<size_t>(a)]);
        const float mb = std::fabs(data[static_cast<size_t>(b)]);
        return ma < mb || (ma == mb && a < b);
      };
      std::nth_element(order.begin(), order.begin() + (to_zero - 1), order.end(), smaller);
      for (int64_t i = 0; i < to_zero; ++i) data[static_cast<size_t>(order[i])] = 0.0f;
    }
    const auto zeros = static_cast<int64_t>(std::count(data.begin(), data.end(), 0.0f));
    report.tensors.push_back({node.name, count, zeros});
    report.elements += count;
    report.zeros += zeros;
  }
  if (report.elements > 0) {
    report.achieved_sparsity =
        static_cast<double>(report.zeros) / static_cast<double>(report.elements);
  }
  return report;
}

}  // namespace edgebench::passes
