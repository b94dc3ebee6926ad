#pragma once

// A prepared XNNPACK model: the runtime created from the built subgraph, its thread pool,
// the static weights it reads, and padded input/output buffers bound to it once. Run() is
// xnn_invoke_runtime alone; layout conversion (NCHW <-> NHWC) happens in SetInputs and
// GetOutputs, outside the timed call, as it would outside a TFLite interpreter fed NHWC.

#include <pthreadpool.h>
#include <xnnpack.h>

#include <memory>
#include <vector>

#include "backends/backend.h"
#include "backends/xnnpack/subgraph_builder.h"

namespace edgebench::backends::xnnpack {

struct ThreadPoolDeleter {
  void operator()(pthreadpool_t pool) const { pthreadpool_destroy(pool); }
};
using ThreadPoolHandle = std::unique_ptr<pthreadpool, ThreadPoolDeleter>;

struct RuntimeDeleter {
  void operator()(xnn_runtime_t runtime) const { xnn_delete_runtime(runtime); }
};
using RuntimeHandle = std::unique_ptr<xnn_runtime, RuntimeDeleter>;

class XnnpackSession final : public Session {
 public:
  /// Takes the built subgraph's weights and bindings and runs on `pool` (null: the
  /// calling thread only); `runtime_flags` go to xnn_create_runtime_v2. Throws BuildError
  /// when XNNPACK refuses the runtime.
  XnnpackSession(BuiltSubgraph built, ThreadPoolHandle pool, uint32_t runtime_flags);

  Status SetInputs(const std::vector<HostTensor>& inputs) noexcept override;
  Status Run() noexcept override;
  Status GetOutputs(std::vector<HostTensor>& outputs) noexcept override;
  /// The XNNPACK node and datatypes each convolution and fully connected layer was defined
  /// with (XNNPACK validates them at definition; this version exposes no operator list of
  /// its runtime). Under XNN_FLAG_FORCE_FP16_INFERENCE, which fails rather than run fp32,
  /// the fp32 ones are reported as fp16.
  Status Kernels(std::vector<KernelUse>& kernels) const noexcept override;
  /// The installed XNNPACK (git 2022-02-16) predates runtime profiling
  /// (xnn_get_runtime_profiling_info, XNN_FLAG_BASIC_PROFILING): it runs the whole subgraph
  /// in one xnn_invoke_runtime call and reports no per-operator time.
  Status EnableProfiling() noexcept override {
    return Status::Error(
        "this XNNPACK version has none (no xnn_get_runtime_profiling_info or "
        "XNN_FLAG_BASIC_PROFILING in its xnnpack.h; the subgraph runs as one "
        "xnn_invoke_runtime call)");
  }

 private:
  struct Buffer {
    ExternalTensor tensor;
    std::vector<float> data;  // stored layout, with XNN_EXTRA_BYTES of slack
  };

  // Declaration order is destruction order reversed: the runtime goes first, then the
  // pool it runs on and the weights it reads.
  std::vector<std::vector<float>> static_data_;
  std::vector<std::vector<int8_t>> static_int8_;
  std::vector<std::vector<int32_t>> static_int32_;
  std::vector<std::vector<float>> static_scales_;
  std::vector<KernelUse> kernels_;
  std::vector<Buffer> inputs_;
  std::vector<Buffer> outputs_;
  ThreadPoolHandle pool_;
  RuntimeHandle runtime_;
};

}  // namespace edgebench::backends::xnnpack
