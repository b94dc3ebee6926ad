#pragma once

#include <functional>

#include "backends/backend.h"

namespace edgebench::backends::reference {

/// The built-in oracle: runs every IR op with the naive kernels of kernels.h, one thread,
/// double accumulation. Slow by design; every other backend is verified against it.
class ReferenceBackend final : public Backend {
 public:
  std::string Id() const override { return "reference"; }
  std::string Version() const override;
  Support Supports(const ir::Graph& graph, const ir::Node& node) const noexcept override;
  /// The graph (and its weights) must outlive the session.
  Status Prepare(const ir::Graph& graph, const BackendOptions& options,
                 std::unique_ptr<Session>& session) noexcept override;
};

/// Sees each node's output as the reference computes it (tests, diagnostics).
using NodeObserver = std::function<void(const ir::Node& node, const HostTensor& output)>;

/// Digest of the reference engine's sources: part of every cached reference output's key,
/// so a kernel fix never reuses outputs the old kernels computed.
const char* ReferenceEngineRevision();

/// Runs a graph once on the reference kernels: the convenience the verifier and tests
/// use. `observer`, when set, is called after every node.
Status RunReference(const ir::Graph& graph, const std::vector<HostTensor>& inputs,
                    std::vector<HostTensor>& outputs, const NodeObserver& observer = {});

}  // namespace edgebench::backends::reference
