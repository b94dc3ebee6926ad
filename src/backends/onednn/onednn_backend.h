#pragma once

// The "onednn" backend: oneDNN 2.x primitives on the CPU, the engine under TensorFlow's
// and PyTorch's x86 path. The IR graph is lowered at Prepare to a list of primitives
// (convolutions in the blocked layouts oneDNN picks, with weights reordered once), with
// conv + BatchNorm + activations + residual Add fused unless "no-fusion" is asked for.
//
// Built as the plugin libedgebench_onednn.so; nothing outside the plugin includes oneDNN.

#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace edgebench::backends::onednn {

class OneDnnBackend final : public Backend {
 public:
  std::string Id() const override { return "onednn"; }
  /// "oneDNN 2.6.3 (OpenMP, avx2)": the library's run-time version, its CPU threading
  /// runtime and the widest instruction set it dispatches to on this machine.
  std::string Version() const override;
  Support Supports(const ir::Graph& graph, const ir::Node& node) const noexcept override;
  /// Lowers the graph to primitives on options.threads OpenMP threads (an error when the
  /// OpenMP runtime cannot give that many). fp32 only.
  Status Prepare(const ir::Graph& graph, const BackendOptions& options,
                 std::unique_ptr<Session>& session) noexcept override;
  /// Weights are copied (and reordered) into oneDNN memory at Prepare.
  bool SessionKeepsGraph() const noexcept override { return false; }
  std::vector<OptimizationToggle> Toggles() const override;
};

}  // namespace edgebench::backends::onednn
