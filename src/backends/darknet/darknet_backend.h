#pragma once

#include <memory>
#include <string>

#include "backends/backend.h"

namespace edgebench::backends::darknet {

/// Darknet (pjreddie, 2018) as a backend: the graph is written as a Darknet cfg and
/// weights file pair (formats::ExportDarknet) and loaded by libdarknet itself, so what is
/// measured is Darknet's own parser and layers. Darknet exits the process on input it
/// rejects: it is only ever run inside the harness's isolated worker process.
class DarknetBackend final : public Backend {
 public:
  std::string Id() const override { return "darknet"; }
  std::string Version() const override;
  Support Supports(const ir::Graph& graph, const ir::Node& node) const noexcept override;
  Status Prepare(const ir::Graph& graph, const BackendOptions& options,
                 std::unique_ptr<Session>& session) noexcept override;
  bool SessionKeepsGraph() const noexcept override { return false; }
};

}  // namespace edgebench::backends::darknet
