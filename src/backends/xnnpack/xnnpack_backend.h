#pragma once

// The "xnnpack" backend: XNNPACK's subgraph API on the CPU, the engine behind TFLite's
// default CPU delegate. The IR graph becomes one XNNPACK subgraph at Prepare, in NHWC
// with weights converted once (OHWI filters, 1HWO depthwise filters), as a TFLite model
// would hand it over; Run() is one xnn_invoke_runtime.
//
// Fusion: a batch norm after a convolution is folded into its weights, and a Relu /
// Relu6 / Clip after a convolution, deconvolution or fully connected layer becomes the
// node's output_min / output_max -- what TFLite's converter and delegate do. XNNPACK's own
// subgraph optimizer fuses further clamps itself, so there is no fusion toggle.
//
// Built as the plugin libedgebench_xnnpack.so; nothing outside it includes xnnpack.h.

#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace edgebench::backends::xnnpack {

/// XNNPACK, fp32 only: its fp16 path is a hint ignored on x86 or, forced, emulated at
/// twice fp32's cost there, so it is not offered. Supports() refuses, with the reason,
/// every node this XNNPACK cannot compute exactly as the IR defines it (Concat, LRN,
/// transposes, layout-changing reshapes, ...); such models are unsupported, never run
/// partly elsewhere.
class XnnpackBackend final : public Backend {
 public:
  std::string Id() const override { return "xnnpack"; }
  /// "XNNPACK git 2022-02-16 (ae108ef)": the installed package's snapshot. XNNPACK picks
  /// its kernels for the CPU at run time (cpuinfo); that is recorded with the machine,
  /// not here.
  std::string Version() const override;
  Support Supports(const ir::Graph& graph, const ir::Node& node) const noexcept override;
  /// Builds the subgraph and a runtime on a pthreadpool of options.threads threads; one
  /// thread means no pool at all (XNNPACK then runs on the caller's thread, as TFLite's
  /// delegate does for num_threads = 1). The session copies what it needs.
  Status Prepare(const ir::Graph& graph, const BackendOptions& options,
                 std::unique_ptr<Session>& session) noexcept override;
  bool SessionKeepsGraph() const noexcept override { return false; }
  /// "sparse": XNN_FLAG_HINT_SPARSE_INFERENCE, letting the runtime use sparse NCHW
  /// kernels where weights are sparse enough (dense seeded weights rarely are).
  std::vector<OptimizationToggle> Toggles() const override;
};

/// Initializes XNNPACK (once per process); false with a reason when it cannot start,
/// e.g. on a CPU without the SIMD extensions it requires.
bool InitializeXnnpack(std::string& error);

}  // namespace edgebench::backends::xnnpack
