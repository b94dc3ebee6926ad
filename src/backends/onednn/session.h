#pragma once

// A prepared oneDNN session: runs the lowered plan's primitives in order on one stream.

#include <oneapi/dnnl/dnnl.hpp>
#include <vector>

#include "backends/backend.h"
#include "backends/onednn/lowering.h"

namespace edgebench::backends::onednn {

class OneDnnSession final : public Session {
 public:
  /// `threads` is re-applied before each run: OpenMP's thread count belongs to the calling
  /// thread, and the harness may run from another thread than the one that prepared.
  OneDnnSession(dnnl::engine engine, dnnl::stream stream, Plan plan, int threads,
                std::vector<ir::Shape> input_shapes, std::vector<ir::Shape> output_shapes);

  Status SetInputs(const std::vector<HostTensor>& inputs) noexcept override;
  Status Run() noexcept override;
  Status GetOutputs(std::vector<HostTensor>& outputs) noexcept override;
  /// Times each step of the plan (primitive execution plus a stream wait, so the time is
  /// the step's own): fused groups as their anchor's step, reorders as their own rows.
  Status EnableProfiling() noexcept override;
  Status LastProfile(std::vector<LayerTime>& layers) noexcept override;
  Status Kernels(std::vector<KernelUse>& kernels) const noexcept override;

 private:
  dnnl::engine engine_;
  dnnl::stream stream_;
  Plan plan_;
  int threads_;
  std::vector<ir::Shape> input_shapes_;
  std::vector<ir::Shape> output_shapes_;
  bool profiling_ = false;
  std::vector<double> step_seconds_;  // of the last profiled Run(), by step
};

}  // namespace edgebench::backends::onednn
