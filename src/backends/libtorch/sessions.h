#pragma once

// Session factories of the two LibTorch modes, each in its own translation unit. This
// header includes only c10's Device, so the backend class compiles without torch.h.

#include <c10/core/Device.h>

#include <memory>
#include <string>

#include "backends/backend.h"
#include "backends/libtorch/int8_plan.h"
#include "ir/graph.h"

namespace edgebench::backends::libtorch {

/// PyTorch's dynamic graph: weights become device tensors once; every Run walks the IR
/// node by node, one ATen call (or a short fixed sequence, see lowering.h) per node. The
/// session keeps copies of what it needs; the graph may go away after Prepare.
/// With an `int8` plan its layers run on LibTorch's quantized operators (eager_int8.h).
Status PrepareEagerSession(const ir::Graph& graph, const c10::Device& device, int threads,
                           const Int8Plan* int8, std::unique_ptr<Session>& session) noexcept;

/// PyTorch's static graph: the IR becomes TorchScript source defining forward() of a
/// torch::jit::Module whose parameters are the weights; the module is frozen and passed
/// through torch::jit::optimize_for_inference, unless `optimize` is false (the no-fusion
/// toggle: the scripted module runs as written). `passes` receives which of those ran.
/// With an `int8` plan its layers run on LibTorch's quantized operators, with weights
/// packed for the quantized engine selected now (SelectQuantizedEngine), and the session
/// reports the plan's kernels.
Status PrepareScriptSession(const ir::Graph& graph, const c10::Device& device, int threads,
                            const Int8Plan* int8, bool optimize, std::unique_ptr<Session>& session,
                            std::string& passes) noexcept;

}  // namespace edgebench::backends::libtorch
