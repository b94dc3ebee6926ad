#include "backends/backend.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace edgebench::backends {

Support CheckGraphSupport(const Backend& backend, const ir::Graph& graph) {
  for (const ir::Node& node : graph.nodes()) {
    Support support = backend.Supports(graph, node);
    if (!support.supported) {
      return {false,
              fmt::format("node '{}' ({}): {}", node.name, ir::OpName(node.op), support.reason)};
    }
  }
  return {};
}

Support CheckToggleSupport(const Backend& backend, const std::vector<std::string>& toggles) {
  const std::vector<OptimizationToggle> offered = backend.Toggles();
  for (const std::string& name : toggles) {
    bool known = false;
    for (const OptimizationToggle& toggle : offered) known = known || toggle.name == name;
    if (known) continue;
    std::vector<std::string> names;
    for (const OptimizationToggle& toggle : offered) names.push_back(toggle.name);
    return {false,
            fmt::format("backend {} has no optimization toggle '{}' ({})", backend.Id(), name,
                        names.empty() ? std::string("it has none")
                                      : fmt::format("it has: {}", fmt::join(names, ", ")))};
  }
  return {};
}

}  // namespace edgebench::backends
