#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace edgebench::harness {

/// One row of a job's per-layer profile: a framework layer (or the group of IR nodes it
/// fused), its median time per inference over the profiled runs, and the MACs of the IR
/// nodes it covers. A row covering no IR node is work the framework added (a reorder, a
/// layout conversion).
struct ProfileRow {
  std::string layer;                  // the framework's own name
  std::vector<std::string> ir_nodes;  // IR nodes covered, in execution order
  std::string kind;                   // the framework's layer type
  double seconds = 0;                 // median over the profiled runs
  int64_t macs = 0;                   // sum over `ir_nodes` (ir::CountNode)
};

/// An IR node of the profiled model, so a profile read back from the database can be laid
/// out against the model without loading it.
struct ProfiledNode {
  std::string name;
  std::string op;  // ir::OpName
  int64_t macs = 0;
};

/// A job's per-layer profile, or why its backend has none.
struct LayerProfile {
  /// Empty when the backend profiled; else why not (shown as "no per-layer profiler: ...").
  std::string no_profiler_reason;
  int64_t runs = 0;           // profiled inferences the medians are taken over
  double unprofiled_p50 = 0;  // end-to-end median without profiling (the job's samples)
  double profiled_p50 = 0;    // end-to-end median of the profiled runs
  /// Median over the profiled runs of each run's sum of layer times: what the profiler
  /// accounts for, comparable with profiled_p50 (the rows' medians need not add up to it).
  double attributed_p50 = 0;
  std::vector<ProfileRow> rows;     // in the framework's execution order
  std::vector<ProfiledNode> nodes;  // the model's IR nodes in execution order

  bool available() const { return no_profiler_reason.empty(); }
  /// Sum of the rows' medians.
  double RowSeconds() const;
};

nlohmann::json ToJson(const std::vector<ProfiledNode>& nodes);
std::vector<ProfiledNode> ProfiledNodesFromJson(const nlohmann::json& json);
nlohmann::json ToJson(const LayerProfile& profile);
/// Inverse of ToJson. Throws nlohmann::json::exception on malformed input.
LayerProfile LayerProfileFromJson(const nlohmann::json& json);

/// The text a table shows for a backend without a profiler.
std::string NoProfilerText(const LayerProfile& profile);

}  // namespace edgebench::harness
