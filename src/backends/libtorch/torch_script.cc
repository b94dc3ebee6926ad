// libtorch-script: the IR as a TorchScript module, the form a PyTorch model takes for
// deployment (torch.jit.script -> freeze -> optimize_for_inference). The forward() source
// is generated from the IR and compiled by TorchScript's own frontend; weights are module
// parameters, so freezing folds them into the graph as constants (conv-bn folding, and
// oneDNN weight prepacking in optimize_for_inference, work on those constants).

#include <torch/csrc/jit/api/module.h>
#include <torch/script.h>

#include "backends/libtorch/script_writer.h"
#include "backends/libtorch/sessions.h"
#include "backends/libtorch/torch_session.h"

namespace edgebench::backends::libtorch {
namespace {

class ScriptSession final : public TorchSession {
 public:
  ScriptSession(const ir::Graph& graph, const c10::Device& device, int threads,
                torch::jit::Module module)
      : TorchSession(graph, device, threads), module_(std::move(module)) {}

  // LibTorch's profiler would name aten operators of the frozen graph, which no longer
  // say which IR node they came from; libtorch-eager runs the same kernels node by node.
  Status EnableProfiling() noexcept override {
    return Status::Error(
        "the frozen TorchScript graph runs as one forward() call whose aten operators carry no "
        "IR node names (libtorch-eager times the same kernels node by node)");
  }

 protected:
  Status Forward(std::vector<at::Tensor>& outputs) override {
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

 private:
  torch::jit::Module module_;
};

}  // namespace

Status PrepareScriptSession(const ir::Graph& graph, const c10::Device& device, int threads,
                            std::unique_ptr<Session>& session, std::string& passes) noexcept {
  std::string source;
  try {
    std::vector<at::Tensor> weights;
    Status status = ConvertWeights(graph, device, weights);
    if (!status.ok) return status;
    ScriptWriter writer(graph);
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
    module.define(source);
    // freeze() requires eval mode: the IR is inference-only, and so must the module be.
    module.eval();
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
    session = std::make_unique<ScriptSession>(graph, device, threads, std::move(frozen));
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("libtorch-script prepare failed: {}", Describe(error)));
  }
  return Status::Ok();
}

}  // namespace edgebench::backends::libtorch
