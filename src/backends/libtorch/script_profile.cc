#include "backends/libtorch/script_profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace edgebench::backends::libtorch {

ScriptProfileLayout MakeScriptProfileLayout(const ir::Graph& graph,
                                            const std::vector<std::string>& line_nodes) {
  ScriptProfileLayout layout;
  layout.line_nodes = line_nodes;
  layout.line_kinds.resize(line_nodes.size());
  std::map<ir::ValueId, std::string> producer;
  for (ir::NodeId id : graph.ExecutionOrder()) {
    const ir::Node& node = graph.node(id);
    std::string first;
    for (ir::ValueId input : node.inputs) {
      auto found = producer.find(input);
      if (found != producer.end()) {
        first = found->second;
        break;
      }
    }
    layout.node_order.push_back(node.name);
    layout.first_producer.push_back(first);
    for (ir::ValueId output : node.outputs) producer[output] = node.name;
  }
  return layout;
}

namespace {

// The kinds the optimized graph has on the lines of `nodes`, joined: "" when none.
std::string KindsOf(const std::vector<std::string>& nodes, const ScriptProfileLayout& layout) {
  std::vector<std::string> kinds;
  for (size_t line = 0; line < layout.line_nodes.size(); ++line) {
    if (std::find(nodes.begin(), nodes.end(), layout.line_nodes[line]) == nodes.end()) continue;
    if (line >= layout.line_kinds.size()) continue;
    for (const std::string& kind : layout.line_kinds[line]) {
      if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
    }
  }
  return fmt::format("{}", fmt::join(kinds, "+"));
}

}  // namespace

std::vector<LayerTime> ScriptLayerTimes(const std::vector<ScriptOpEvent>& events, double end_us,
                                        const ScriptProfileLayout& layout) {
  std::map<std::string, size_t> position;  // IR node -> index in execution order
  for (size_t n = 0; n < layout.node_order.size(); ++n) position[layout.node_order[n]] = n;
  // IR nodes whose line has no operator left in the optimized graph: folded away, or
  // rewritten into operators that lost their source line (a frozen linear layer becomes
  // matmul + add without one).
  std::set<std::string> lineless;
  for (const std::string& node : layout.node_order) {
    if (KindsOf({node}, layout).empty()) lineless.insert(node);
  }
  std::vector<LayerTime> rows;
  std::vector<std::vector<std::string>> row_ops;  // operators each row took
  std::map<std::string, size_t> node_row;         // IR node -> its row
  std::map<std::string, int> op_count;            // framework-added operator -> occurrences
  std::string last_key;
  size_t next_node = 0;  // execution-order position after the last node with a row
  auto add_to_node = [&](const std::string& node, const std::string& op, double seconds) {
    auto [it, added] = node_row.emplace(node, rows.size());
    if (added) {
      rows.push_back({.layer = node, .ir_nodes = {node}, .kind = "", .seconds = 0});
      row_ops.emplace_back();
    }
    rows[it->second].seconds += seconds;
    std::vector<std::string>& ops = row_ops[it->second];
    if (std::find(ops.begin(), ops.end(), op) == ops.end()) ops.push_back(op);
    last_key = node;
    next_node = std::max(next_node, position[node] + 1);
  };
  for (size_t i = 0; i < events.size(); ++i) {
    const ScriptOpEvent& event = events[i];
    const double end = i + 1 < events.size() ? events[i + 1].start_us : end_us;
    const double seconds = std::max(0.0, end - event.start_us) * 1e-6;
    const bool has_line = event.line >= 1 &&
                          static_cast<size_t>(event.line) <= layout.line_nodes.size() &&
                          !layout.line_nodes[static_cast<size_t>(event.line) - 1].empty();
    if (has_line) {
      add_to_node(layout.line_nodes[static_cast<size_t>(event.line) - 1], event.op, seconds);
      continue;
    }
    // An operator without a line, right where the next node's operators lost theirs, is
    // that node's rewritten form (all of it: matmul and then add).
    if (lineless.count(last_key)) {
      add_to_node(last_key, event.op, seconds);
      continue;
    }
    if (next_node < layout.node_order.size() && lineless.count(layout.node_order[next_node])) {
      add_to_node(layout.node_order[next_node], event.op, seconds);
      continue;
    }
    // Consecutive calls of one added operator (e.g. a reorder's inner steps) stay one row.
    if (!rows.empty() && last_key == "op:" + event.op) {
      rows.back().seconds += seconds;
      continue;
    }
    const int count = ++op_count[event.op];
    rows.push_back({.layer = count == 1 ? event.op : fmt::format("{} #{}", event.op, count),
                    .ir_nodes = {},
                    .kind = event.op,
                    .seconds = seconds});
    row_ops.push_back({event.op});
    last_key = "op:" + event.op;
  }
  if (rows.empty()) return rows;
  // IR nodes whose operators never ran join the row of their producer, else the row of
  // the closest node before them that has one.
  size_t previous_row = SIZE_MAX;
  for (size_t n = 0; n < layout.node_order.size(); ++n) {
    const std::string& node = layout.node_order[n];
    if (auto own = node_row.find(node); own != node_row.end()) {
      previous_row = own->second;
      continue;
    }
    size_t target = previous_row;
    if (auto producer = node_row.find(layout.first_producer[n]); producer != node_row.end()) {
      target = producer->second;
    }
    if (target == SIZE_MAX) {
      // Nothing ran before it: the first row takes it (nothing better names its time).
      target = 0;
    }
    rows[target].ir_nodes.push_back(node);
    node_row.emplace(node, target);
  }
  // Rows list their IR nodes in execution order, and take the optimized graph's kinds
  // (else the operators the profiler saw).
  for (size_t r = 0; r < rows.size(); ++r) {
    LayerTime& row = rows[r];
    if (row.ir_nodes.empty()) continue;
    std::sort(
        row.ir_nodes.begin(), row.ir_nodes.end(),
        [&](const std::string& a, const std::string& b) { return position[a] < position[b]; });
    row.layer = row.ir_nodes.front();
    row.kind = KindsOf(row.ir_nodes, layout);
    if (row.kind.empty()) row.kind = fmt::format("{}", fmt::join(row_ops[r], "+"));
  }
  return rows;
}

}  // namespace edgebench::backends::libtorch
