#include "harness/profile_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "harness/monotonic_clock.h"
#include "harness/statistics.h"
#include "ir/cost.h"

namespace edgebench::harness {
namespace {

double Median(std::vector<double> values) {
  if (values.empty()) return NAN;
  std::sort(values.begin(), values.end());
  return Quantile(values, 0.5);
}

// A layer's identity across runs: the same name may cover other nodes in another run
// only if the framework re-planned, and then it is another row.
std::string RowKey(const backends::LayerTime& layer) {
  std::string key = layer.layer;
  for (const std::string& node : layer.ir_nodes) key += '\x1f' + node;
  return key;
}

}  // namespace

std::vector<ProfileRow> MedianRows(const std::vector<std::vector<backends::LayerTime>>& runs,
                                   const ir::Graph& graph) {
  std::map<std::string, size_t> index;  // row key -> position in `rows`
  std::vector<ProfileRow> rows;
  std::vector<std::vector<double>> times;  // per row, per run
  for (size_t run = 0; run < runs.size(); ++run) {
    for (const backends::LayerTime& layer : runs[run]) {
      auto [found, inserted] = index.emplace(RowKey(layer), rows.size());
      if (inserted) {
        rows.push_back({.layer = layer.layer, .ir_nodes = layer.ir_nodes, .kind = layer.kind});
        times.emplace_back(runs.size(), 0.0);
      }
      times[found->second][run] += layer.seconds;
    }
  }
  std::unordered_map<std::string, ir::NodeId> node_ids;
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    node_ids.emplace(graph.nodes()[n].name, static_cast<ir::NodeId>(n));
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    rows[r].seconds = Median(times[r]);
    for (const std::string& name : rows[r].ir_nodes) {
      auto found = node_ids.find(name);
      if (found != node_ids.end())
        rows[r].macs += ir::CountNode(graph, graph.node(found->second)).macs;
    }
  }
  return rows;
}

void ProfileSession(backends::Session& session, const ir::Graph& graph, int64_t runs,
                    JobResult& result) {
  LayerProfile profile;
  profile.unprofiled_p50 = Median(result.samples);
  for (ir::NodeId id : graph.ExecutionOrder()) {
    const ir::Node& node = graph.node(id);
    profile.nodes.push_back({.name = node.name,
                             .op = std::string(ir::OpName(node.op)),
                             .macs = ir::CountNode(graph, node).macs});
  }
  const auto fail = [&result](const std::string& what, const backends::Status& status) {
    result.status = JobStatus::kFailed;
    result.error = fmt::format("{}: {}", what, status.message);
  };
  if (backends::Status status = session.EnableProfiling(); !status.ok) {
    profile.no_profiler_reason = status.message;
    result.layer_profile = std::move(profile);
    return;
  }
  // The first profiled inference may set the profiler up (buffers, timers): not timed.
  if (backends::Status status = session.Run(); !status.ok) {
    return fail("a profiled inference failed", status);
  }
  std::vector<double> end_to_end;
  std::vector<std::vector<backends::LayerTime>> layers;
  for (int64_t i = 0; i < runs; ++i) {
    const double start = MonotonicSeconds();
    const backends::Status status = session.Run();
    end_to_end.push_back(MonotonicSeconds() - start);
    if (!status.ok) return fail("a profiled inference failed", status);
    layers.emplace_back();
    if (backends::Status read = session.LastProfile(layers.back()); !read.ok) {
      return fail("reading the per-layer profile failed", read);
    }
  }
  profile.runs = runs;
  profile.profiled_p50 = Median(end_to_end);
  std::vector<double> attributed;
  for (const std::vector<backends::LayerTime>& run : layers) {
    double total = 0;
    for (const backends::LayerTime& layer : run) total += layer.seconds;
    attributed.push_back(total);
  }
  profile.attributed_p50 = Median(attributed);
  profile.rows = MedianRows(layers, graph);
  result.layer_profile = std::move(profile);
}

}  // namespace edgebench::harness
