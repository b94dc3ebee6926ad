#pragma once

// The state shared while an IR graph is lowered to oneDNN primitives: where each IR value
// lives (a dnnl::memory with the layout its producer chose), the ordered list of steps
// Run() executes, and helpers that insert the reorders a consumer's layout implies.

#include <cstdint>
#include <oneapi/dnnl/dnnl.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "backends/backend.h"
#include "ir/graph.h"

namespace edgebench::backends::onednn {

/// What convolutions and fully connected layers compute in; every other primitive stays
/// fp32 (their inputs are converted per layer, their outputs leave as fp32).
enum class ComputePrecision { kFp32, kBf16, kInt8 };

/// One primitive execution of the plan.
struct Step {
  dnnl::primitive primitive;
  std::unordered_map<int, dnnl::memory> args;
  /// For the per-layer profile: the IR nodes this step computes (the anchor and what is
  /// fused into it), empty for a layout conversion oneDNN's chosen layouts required.
  std::vector<std::string> ir_nodes;
  std::string name;  // e.g. "conv1 (convolution)" or "reorder before conv2"
  std::string kind;  // the primitive kind, e.g. "convolution"
};

/// Dense row-major ("plain") dims and strides of an IR shape; a scalar is one element.
dnnl::memory::dims DimsOf(const ir::Shape& shape);
dnnl::memory::dims PlainStrides(const dnnl::memory::dims& dims);
/// Plain layout of `dims` (an IR shape is accepted as is: empty means one element).
dnnl::memory::desc PlainDesc(const dnnl::memory::dims& dims);
/// An md of `dims` with format_tag::any, for primitives that pick their own layout.
dnnl::memory::desc AnyDesc(const dnnl::memory::dims& dims,
                           dnnl::memory::data_type type = dnnl::memory::data_type::f32);

class PlanBuilder {
 public:
  PlanBuilder(const ir::Graph& graph, dnnl::engine engine, dnnl::stream stream,
              ComputePrecision precision = ComputePrecision::kFp32);

  const ir::Graph& graph() const { return graph_; }
  ComputePrecision precision() const { return precision_; }
  const dnnl::engine& engine() const { return engine_; }

  /// Memory of a value in whatever layout it has; constants are copied in (plain) on
  /// first use. Throws if the value has not been produced yet.
  dnnl::memory Get(ir::ValueId value);
  /// The value in plain layout (a reorder step is added once, then reused).
  dnnl::memory Plain(ir::ValueId value);
  /// The value in layout `desc` (a reorder step when it differs).
  dnnl::memory InLayout(ir::ValueId value, const dnnl::memory::desc& desc);
  /// A plain view of a value with other dims but the same element order (reshape family).
  dnnl::memory PlainView(ir::ValueId value, const dnnl::memory::dims& dims);

  /// Records where a value lives. `exclusive`: its buffer was written whole by the step
  /// that produced it and nobody else shares it, so a sum post-op may accumulate into it.
  void Set(ir::ValueId value, dnnl::memory memory, bool exclusive);
  bool IsExclusive(ir::ValueId value) const;
  /// The same buffer now also backs another value: neither may be overwritten in place.
  void MarkShared(ir::ValueId value);

  /// A fresh buffer of layout `desc`, owned by the plan.
  dnnl::memory NewMemory(const dnnl::memory::desc& desc);
  /// Constant data as a plain memory of `dims` (copied).
  dnnl::memory ConstantMemory(const std::vector<float>& data, const dnnl::memory::dims& dims);
  /// A one-off reorder executed now (weights packing); the result is owned by the plan.
  dnnl::memory ReorderNow(const dnnl::memory& source, const dnnl::memory::desc& desc);

  /// The IR nodes the steps added next compute (the node being lowered and what is fused
  /// into it); layout reorders added meanwhile are attributed to none of them.
  void SetCurrentNodes(std::vector<std::string> nodes) { current_nodes_ = std::move(nodes); }

  void AddStep(dnnl::primitive primitive, std::unordered_map<int, dnnl::memory> args);
  /// A reorder step from `source` into `destination` (both views may be sub-memories).
  void AddReorder(const dnnl::memory& source, const dnnl::memory& destination);

  /// Number of nodes reading a value plus one if it is a graph output.
  int Readers(ir::ValueId value) const;

  /// Records the kernel oneDNN picked for the node being lowered (the first current node).
  void RecordKernel(std::string kernel, std::string precision);
  std::vector<KernelUse> TakeKernels() { return std::move(kernels_); }

  std::vector<Step> TakeSteps() { return std::move(steps_); }
  /// Every buffer the plan allocated; views made with a raw handle do not own theirs, so
  /// the session keeps these alive.
  std::vector<dnnl::memory> TakeBuffers() { return std::move(buffers_); }

 private:
  struct Slot {
    dnnl::memory memory;
    bool exclusive = false;
    std::optional<dnnl::memory> plain;  // cached plain copy of a non-plain value
  };

  const ir::Graph& graph_;
  ComputePrecision precision_;
  std::vector<KernelUse> kernels_;
  dnnl::engine engine_;
  dnnl::stream stream_;
  std::unordered_map<ir::ValueId, Slot> slots_;
  std::unordered_map<ir::ValueId, int> readers_;
  // A reorder into the layout a consumer (or a graph output) needs: framework work.
  void AddLayoutReorder(const dnnl::memory& source, const dnnl::memory& destination);

  std::vector<Step> steps_;
  std::vector<std::string> current_nodes_;
  std::vector<dnnl::memory> buffers_;
};

}  // namespace edgebench::backends::onednn
