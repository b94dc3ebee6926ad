#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/host_tensor.h"
#include "ir/graph.h"

namespace edgebench::backends {

/// Outcome of a backend call. Backends never let exceptions escape: adapters catch the
/// framework's and return a Status whose message says which model, node and why.
struct Status {
  bool ok = true;
  std::string message;

  static Status Ok() { return {}; }
  static Status Error(std::string why) { return {false, std::move(why)}; }
};

/// Whether a backend can run a node, and if not, why (recorded, not an error).
struct Support {
  bool supported = true;
  std::string reason;
};

/// An optimization a backend can switch on or off for a measurable comparison, e.g.
/// {"no-fusion", "conv + bias + activation run as separate primitives"}.
struct OptimizationToggle {
  std::string name;
  std::string effect;
};

/// The toggle name every backend that can turn its graph fusion off uses for it, so one
/// `--opt no-fusion` means the same thing on each.
inline constexpr const char* kNoFusion = "no-fusion";

/// Options every backend honours (or reports it cannot).
struct BackendOptions {
  int threads = 1;
  std::string precision = "fp32";
  /// Toggles asked for, sorted and unique; each is one the backend lists in
  /// Backend::Toggles() (the harness refuses a job asking for any other).
  std::vector<std::string> toggles;
  /// For int8: the inputs the graph's int8 ranges (ir::Value::quant) were calibrated over,
  /// one tensor per graph input each, for a library whose quantizer calibrates from data
  /// rather than taking ranges (OpenCV's Net::quantize). Empty otherwise.
  std::vector<std::vector<HostTensor>> calibration_inputs;

  bool Has(const std::string& toggle) const {
    for (const std::string& t : toggles) {
      if (t == toggle) return true;
    }
    return false;
  }
};

/// One row of a backend's per-layer profile of its last Run(): a layer (or primitive, or
/// step) as the framework names it, the IR nodes it computes (several when the framework
/// fused them; none for work the framework added itself, such as a reorder or a layout
/// conversion) and the wall-clock time it took.
struct LayerTime {
  std::string layer;                  // the framework's own name
  std::vector<std::string> ir_nodes;  // IR node names covered, in execution order
  std::string kind;                   // the framework's layer type, e.g. "Convolution"
  double seconds = 0;
};

/// One kernel a prepared session runs, as the library itself names it: the evidence that a
/// reduced-precision job really runs reduced-precision kernels.
struct KernelUse {
  std::string op;         // the IR op it computes, as ir::OpName names it, e.g. "conv"
  std::string kernel;     // the library's own name, e.g. "jit_int8:avx2" or "qs8 convolution"
  std::string precision;  // what it computes in: "fp32", "fp16", "bf16" or "int8"
};

/// Precisions a job may ask for (BackendOptions::precision).
inline constexpr const char* kPrecisions[] = {"fp32", "fp16", "bf16", "int8"};

/// A model prepared for repeated inference. Inputs are staged before timing; Run() is the
/// timed call and returns only when the outputs are complete (GPU backends synchronize).
class Session {
 public:
  virtual ~Session() = default;
  /// Copies inputs into the backend's own buffers (not timed).
  virtual Status SetInputs(const std::vector<HostTensor>& inputs) noexcept = 0;
  /// One inference on the staged inputs.
  virtual Status Run() noexcept = 0;
  /// Copies the outputs of the last Run() out, in graph output order (not timed).
  virtual Status GetOutputs(std::vector<HostTensor>& outputs) noexcept = 0;
  /// Switches per-layer timing on for the Run() calls that follow (it may slow them). An
  /// error's message says why this backend cannot time its layers; the default has none.
  virtual Status EnableProfiling() noexcept {
    return Status::Error("the backend does not implement per-layer timing");
  }
  /// The per-layer times of the last Run() made with profiling on, in execution order.
  virtual Status LastProfile(std::vector<LayerTime>& layers) noexcept {
    layers.clear();
    return Status::Error("the backend does not implement per-layer timing");
  }
  /// The kernels of the compute-heavy nodes (convolutions, fully connected layers) the
  /// session runs, one entry per node. An error's message says why the backend cannot
  /// tell; a backend that runs a reduced precision must be able to.
  virtual Status Kernels(std::vector<KernelUse>& kernels) const noexcept {
    kernels.clear();
    return Status::Error("the backend does not report its kernels");
  }
};

/// An inference engine. Lifecycle phases are separate calls so the harness can time each:
/// creation (library load) -> Prepare (build, pack weights, plan) -> first Run -> Run.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string Id() const = 0;
  /// Version of the underlying library, e.g. "oneDNN 2.6.3"; the edgebench version for
  /// built-in engines.
  virtual std::string Version() const = 0;
  /// Asked for every node before Prepare, so unsupported models are skipped cleanly.
  virtual Support Supports(const ir::Graph& graph, const ir::Node& node) const noexcept = 0;
  /// Builds a session for a graph whose weights are materialized.
  virtual Status Prepare(const ir::Graph& graph, const BackendOptions& options,
                         std::unique_ptr<Session>& session) noexcept = 0;
  /// Whether a prepared session still reads the graph (and its weights). A backend that
  /// copied what it needs answers false, and the harness then frees the graph's weights
  /// before measuring, so the worker's memory is the backend's own.
  virtual bool SessionKeepsGraph() const noexcept { return true; }
  /// The optimization toggles this backend honours (empty: none). A job that asks for a
  /// toggle the backend does not list is unsupported, never silently run without it.
  virtual std::vector<OptimizationToggle> Toggles() const { return {}; }
};

/// First unsupported node of `graph` for `backend`, with the reason; supported=true when
/// every node is.
Support CheckGraphSupport(const Backend& backend, const ir::Graph& graph);

/// Unsupported, naming the toggle and those the backend has, when `toggles` asks for one
/// that Backend::Toggles() does not list; supported=true otherwise.
Support CheckToggleSupport(const Backend& backend, const std::vector<std::string>& toggles);

}  // namespace edgebench::backends
