#pragma once

// The LibTorch backends: PyTorch 1.13's C++ runtime running the IR two ways,
//   libtorch-eager   the dynamic graph: ATen operators called node by node;
//   libtorch-script  the static graph: a generated TorchScript module, frozen and passed
//                    through optimize_for_inference.
// Both share one lowering of IR ops to ATen (lowering.h), so they differ only in what
// PyTorch's graph machinery adds. Built as the plugin libedgebench_libtorch.so, which
// serves both ids; nothing outside the plugin includes torch.

#include <c10/core/Device.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/libtorch/int8_plan.h"

namespace edgebench::backends::libtorch {

enum class Mode { kEager, kScript };

/// LibTorch, fp32 and int8 (int8_plan.h). Thread settings are process-wide in PyTorch:
/// Prepare sets the intra-op pool to options.threads and the inter-op pool to 1 (the IR
/// is run sequentially).
class LibTorchBackend final : public Backend {
 public:
  explicit LibTorchBackend(Mode mode) : mode_(mode) {}

  std::string Id() const override;
  /// One line: "LibTorch 1.13.0 (eager, cpu; 2 intra-op threads, 1 inter-op; oneDNN on,
  /// OpenMP; BLAS openblas-pthread/libblas.so.3)"; the script mode names the graph passes
  /// its last Prepare ran.
  std::string Version() const override;
  Support Supports(const ir::Graph& graph, const ir::Node& node) const noexcept override;
  /// Converts the weights to device tensors (and, for script, builds and optimizes the
  /// module). The session keeps its own copies; the graph may go away afterwards.
  Status Prepare(const ir::Graph& graph, const BackendOptions& options,
                 std::unique_ptr<Session>& session) noexcept override;
  /// "qnnpack": an int8 job's layers on LibTorch's QNNPACK engine (the
  /// ARM default) instead of oneDNN's. Script mode adds "no-fusion": no freeze and no
  /// optimize_for_inference.
  std::vector<OptimizationToggle> Toggles() const override;
  /// The session holds its own copy of the weights (packed into framework tensors).
  bool SessionKeepsGraph() const noexcept override { return false; }

 private:
  /// An int8 job's plan, with the quantized engine chosen and selected.
  Status PlanInt8Job(const ir::Graph& graph, const BackendOptions& options,
                     std::optional<Int8Plan>& plan);

  Mode mode_;
  c10::Device device_{c10::kCPU};                           // of the last Prepare
  std::string passes_ = "freeze + optimize_for_inference";  // script: as last run
  std::string int8_;  // the int8 engine of the last Prepare, "" when it was not int8
};

}  // namespace edgebench::backends::libtorch
