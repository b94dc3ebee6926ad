#include "harness/layer_profile.h"

#include <cmath>

#include "common/json_integer.h"

namespace edgebench::harness {

using nlohmann::json;

namespace {

// JSON has no NaN: a missing figure travels as null.
json Real(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }
double RealFrom(const json& value) { return value.is_null() ? NAN : value.get<double>(); }

}  // namespace

double LayerProfile::RowSeconds() const {
  double total = 0;
  for (const ProfileRow& row : rows) total += row.seconds;
  return total;
}

json ToJson(const std::vector<ProfiledNode>& nodes) {
  json list = json::array();
  for (const ProfiledNode& node : nodes) {
    list.push_back({{"name", node.name}, {"op", node.op}, {"macs", node.macs}});
  }
  return list;
}

std::vector<ProfiledNode> ProfiledNodesFromJson(const json& j) {
  std::vector<ProfiledNode> nodes;
  for (const json& node : j) {
    nodes.push_back({.name = node.at("name").get<std::string>(),
                     .op = node.at("op").get<std::string>(),
                     .macs = JsonInteger<int64_t>(node.at("macs"))});
  }
  return nodes;
}

json ToJson(const LayerProfile& profile) {
  json rows = json::array();
  for (const ProfileRow& row : profile.rows) {
    rows.push_back({{"layer", row.layer},
                    {"ir_nodes", row.ir_nodes},
                    {"kind", row.kind},
                    {"seconds", Real(row.seconds)},
                    {"macs", row.macs}});
  }
  return {{"no_profiler_reason", profile.no_profiler_reason},
          {"runs", profile.runs},
          {"unprofiled_p50", Real(profile.unprofiled_p50)},
          {"profiled_p50", Real(profile.profiled_p50)},
          {"attributed_p50", Real(profile.attributed_p50)},
          {"rows", rows},
          {"nodes", ToJson(profile.nodes)}};
}

LayerProfile LayerProfileFromJson(const json& j) {
  LayerProfile profile;
  profile.no_profiler_reason = j.at("no_profiler_reason").get<std::string>();
  profile.runs = JsonInteger<int64_t>(j.at("runs"));
  profile.unprofiled_p50 = RealFrom(j.at("unprofiled_p50"));
  profile.profiled_p50 = RealFrom(j.at("profiled_p50"));
  profile.attributed_p50 = RealFrom(j.at("attributed_p50"));
  for (const json& row : j.at("rows")) {
    profile.rows.push_back({.layer = row.at("layer").get<std::string>(),
                            .ir_nodes = row.at("ir_nodes").get<std::vector<std::string>>(),
                            .kind = row.at("kind").get<std::string>(),
                            .seconds = RealFrom(row.at("seconds")),
                            .macs = JsonInteger<int64_t>(row.at("macs"))});
  }
  profile.nodes = ProfiledNodesFromJson(j.at("nodes"));
  return profile;
}

std::string NoProfilerText(const LayerProfile& profile) {
  return "no per-layer profiler: " + profile.no_profiler_reason;
}

}  // namespace edgebench::harness
