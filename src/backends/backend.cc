#include "backends/backend.h"

#include <fmt/format.h>

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

}  // namespace edgebench::backends
