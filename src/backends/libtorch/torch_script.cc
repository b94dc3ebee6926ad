// libtorch-script: the IR as a TorchScript module, the form a PyTorch model takes for
// deployment (torch.jit.script -> freeze -> optimize_for_inference). The forward() source
// is generated from the IR and compiled by TorchScript's own frontend; weights are module
// parameters, so freezing folds them into the graph as constants (conv-bn folding, and
// oneDNN weight prepacking in optimize_for_inference, work on those constants).

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/frontend/resolver.h>
#include <torch/csrc/jit/frontend/sugared_value.h>
#include <torch/script.h>

#include <cstdlib>
#include <optional>

#include "backends/libtorch/quantized_layers.h"
#include "backends/libtorch/script_profile.h"
#include "backends/libtorch/script_writer.h"
#include "backends/libtorch/sessions.h"
#include "backends/libtorch/torch_session.h"

namespace edgebench::backends::libtorch {
namespace {

namespace profiler = torch::autograd::profiler;

// The 1-based source line of a profiler stack entry "<string>(12): forward"; 0 for none.
int LineOfStack(const std::vector<std::string>& stack) {
  if (stack.empty()) return 0;
  const std::string& frame = stack.front();
  const size_t open = frame.rfind('(');
  if (open == std::string::npos) return 0;
  return std::atoi(frame.c_str() + open + 1);
}

// The top-level operators of the profiled forward() (events nested in an operator are
// its own calls), on the thread that ran it, and when forward() ended.
std::vector<ScriptOpEvent> TopLevelOperators(const profiler::thread_event_lists& lists,
                                             double& end_us) {
  std::vector<ScriptOpEvent> events;
  end_us = 0;
  for (const std::vector<profiler::LegacyEvent>& list : lists) {
    const profiler::LegacyEvent* origin = nullptr;
    std::vector<std::string> open;  // names of the ranges open now
    std::vector<ScriptOpEvent> found;
    double end = 0;
    for (const profiler::LegacyEvent& event : list) {
      if (origin == nullptr) origin = &event;
      const std::string kind = event.kindStr();
      if (kind == "push") {
        const std::string name = event.name();
        const bool top =
            name != "forward" && std::all_of(open.begin(), open.end(),
                                             [](const std::string& o) { return o == "forward"; });
        if (top) found.push_back({origin->cpuElapsedUs(event), LineOfStack(event.stack()), name});
        open.push_back(name);
      } else if (kind == "pop" && !open.empty()) {
        open.pop_back();
        if (open.empty()) end = origin->cpuElapsedUs(event);
      }
    }
    if (found.size() > events.size()) {
      events = std::move(found);
      end_us = end;
    }
  }
  return events;
}

// Which operators of the optimized graph sit on each source line.
std::vector<std::vector<std::string>> KindsByLine(const torch::jit::Graph& graph, size_t lines) {
  std::vector<std::vector<std::string>> kinds(lines);
  for (const torch::jit::Node* node : graph.nodes()) {
    if (node->kind() == c10::prim::Constant) continue;
    const torch::jit::SourceRange& range = node->sourceRange();
    if (!range.source()) continue;
    const size_t line = range.source()->lineno_for_offset(range.start());
    if (line < lines) kinds[line].push_back(node->kind().toQualString());
  }
  return kinds;
}

// Resolves the generated source's `quantized.<op>` to the quantized:: operators (the
// native resolver knows only `torch`, i.e. aten::); everything else as the native one.
class QuantizedOpsResolver final : public torch::jit::Resolver {
 public:
  std::shared_ptr<torch::jit::SugaredValue> resolveValue(
      const std::string& name, torch::jit::GraphFunction& function,
      const torch::jit::SourceRange& loc) override {
    if (name == "quantized") return std::make_shared<torch::jit::BuiltinModule>("quantized");
    return native_->resolveValue(name, function, loc);
  }
  c10::TypePtr resolveType(const std::string& name, const torch::jit::SourceRange& loc) override {
    return native_->resolveType(name, loc);
  }

 private:
  std::shared_ptr<torch::jit::Resolver> native_ = torch::jit::nativeResolver();
};

class ScriptSession final : public TorchSession {
 public:
  ScriptSession(const ir::Graph& graph, const c10::Device& device, int threads,
                torch::jit::Module module, ScriptProfileLayout layout,
                std::optional<std::vector<KernelUse>> kernels)
      : TorchSession(graph, device, threads),
        module_(std::move(module)),
        layout_(std::move(layout)),
        kernels_(std::move(kernels)) {}

  // Known for int8 sessions, whose plan chose each layer's operator; an fp32 module's
  // convolutions are whatever optimize_for_inference rewrote them into.
  Status Kernels(std::vector<KernelUse>& kernels) const noexcept override {
    kernels.clear();
    if (!kernels_) return Status::Error("libtorch-script reports its kernels for int8 jobs only");
    try {
      kernels = *kernels_;
    } catch (const std::exception& error) {
      return Status::Error(error.what());
    }
    return Status::Ok();
  }

  // LibTorch's own profiler, with stacks: each aten operator of the frozen graph carries
  // the line of our source it came from, and so its IR node (script_profile.h).
  Status EnableProfiling() noexcept override {
    profiling_ = true;
    return Status::Ok();
  }

  Status LastProfile(std::vector<LayerTime>& layers) noexcept override {
    try {
      layers = profile_;
    } catch (const std::exception& error) {
      return Status::Error(error.what());
    }
    return Status::Ok();
  }

 protected:
  Status Forward(std::vector<at::Tensor>& outputs) override {
    if (!profiling_) return Call(outputs);
    profiler::enableProfilerLegacy(profiler::ProfilerConfig(profiler::ProfilerState::CPU,
                                                            /*report_input_shapes=*/false,
                                                            /*profile_memory=*/false,
                                                            /*with_stack=*/true));
    Status status;
    try {
      status = Call(outputs);
    } catch (...) {
      profiler::disableProfilerLegacy();
      throw;
    }
    const profiler::thread_event_lists lists = profiler::disableProfilerLegacy();
    double end_us = 0;
    const std::vector<ScriptOpEvent> events = TopLevelOperators(lists, end_us);
    profile_ = ScriptLayerTimes(events, end_us, layout_);
    return status;
  }

 private:
  Status Call(std::vector<at::Tensor>& outputs) {
    std::vector<c10::IValue> arguments(inputs().begin(), inputs().end());
    const c10::IValue result = module_.forward(std::move(arguments));
    if (result.isTensor()) {
      outputs.push_back(result.toTensor());
    } else {
      for (const c10::IValue& element : result.toTupleRef().elements()) {
        outputs.push_back(element.toTensor());
      }
    }
    return Status::Ok();
  }

  torch::jit::Module module_;
  ScriptProfileLayout layout_;
  std::optional<std::vector<KernelUse>> kernels_;
  bool profiling_ = false;
  std::vector<LayerTime> profile_;
};

// The session around the module that will run (frozen and optimized, or as scripted).
Status FinishScriptSession(const ir::Graph& graph, const c10::Device& device, int threads,
                           const Int8Plan* int8, const ScriptWriter& writer,
                           torch::jit::Module module, std::unique_ptr<Session>& session) {
  ScriptProfileLayout layout = MakeScriptProfileLayout(graph, writer.line_nodes());
  layout.line_kinds = KindsByLine(*module.get_method("forward").graph(), layout.line_nodes.size());
  std::optional<std::vector<KernelUse>> kernels;
  if (int8 != nullptr) kernels = int8->kernels;
  session = std::make_unique<ScriptSession>(graph, device, threads, std::move(module),
                                            std::move(layout), std::move(kernels));
  return Status::Ok();
}

}  // namespace

Status PrepareScriptSession(const ir::Graph& graph, const c10::Device& device, int threads,
                            const Int8Plan* int8, bool optimize, std::unique_ptr<Session>& session,
                            std::string& passes) noexcept {
  std::string source;
  try {
    std::vector<at::Tensor> weights;
    Status status = ConvertWeights(graph, device, weights);
    if (!status.ok) return status;
    ScriptWriter writer(graph, int8);
    source = writer.Write();

    torch::jit::Module module("edgebench_model");
    for (size_t v = 0; v < weights.size(); ++v) {
      if (weights[v].defined()) {
        module.register_parameter(fmt::format("c{}", v), weights[v], /*is_buffer=*/false);
      }
    }
    for (const ScriptWriter::Buffer& buffer : writer.buffers()) {
      module.register_buffer(buffer.name, buffer.index
                                              ? IndexTensorFromHost(buffer.indices, device)
                                              : TensorFromHost(buffer.data, buffer.shape, device));
    }
    if (int8 != nullptr) {
      // The packed weights are attributes of the quantized-params class types, which
      // freeze() folds into constants like the fp32 weights; optimize_for_inference leaves
      // the quantized:: calls alone (LibTorch 1.13: both passes run on these graphs, and
      // a failing one is skipped below and named in the version string).
      const std::vector<c10::IValue> packed = PackInt8Layers(graph, *int8);
      for (size_t i = 0; i < packed.size(); ++i) {
        if (int8->layers[i].IsAdd()) continue;
        module.register_attribute(int8->layers[i].packed_name, packed[i].type(), packed[i]);
      }
    }
    module.define(source, std::make_shared<QuantizedOpsResolver>());
    // freeze() requires eval mode: the IR is inference-only, and so must the module be.
    module.eval();
    if (!optimize) {
      // What fusion buys is measured against the module as scripted: no constant folding
      // of the weights, no conv-bn-relu fusion, no oneDNN layout conversion.
      passes = "none (no-fusion)";
      return FinishScriptSession(graph, device, threads, int8, writer, std::move(module), session);
    }
    torch::jit::Module frozen = torch::jit::freeze(module);
    passes = "freeze";
    try {
      // Conv-bn/add/mul folding, conv-add-relu fusion and oneDNN (MKLDNN) conversion of the
      // frozen graph: what torch.jit.optimize_for_inference does for a deployed model.
      frozen = torch::jit::optimize_for_inference(frozen);
      passes += " + optimize_for_inference";
    } catch (const std::exception& error) {
      // The pass may have left the graph half-rewritten: freeze afresh and run that; the
      // version string records what was skipped.
      frozen = torch::jit::freeze(module);
      passes += fmt::format(" (optimize_for_inference failed: {})", Describe(error));
    }
    return FinishScriptSession(graph, device, threads, int8, writer, std::move(frozen), session);
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("libtorch-script prepare failed: {}", Describe(error)));
  }
  return Status::Ok();
}

}  // namespace edgebench::backends::libtorch
