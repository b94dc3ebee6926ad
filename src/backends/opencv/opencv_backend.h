#pragma once

// The "opencv" backend: OpenCV's DNN module on the CPU (DNN_BACKEND_OPENCV,
// DNN_TARGET_CPU). The IR graph reaches OpenCV the way a user's model would -- as ONNX,
// exported in memory by formats::ExportOnnx and read with cv::dnn::readNetFromONNX -- so
// the benchmark measures OpenCV's own importer, layer fusion and kernels.
//
// Built as the plugin libedgebench_opencv.so; nothing outside the plugin includes OpenCV.

#include <memory>
#include <string>

#include "backends/backend.h"

namespace edgebench::backends::opencv {

/// OpenCV DNN, fp32, CPU. Supports() rejects up front the constructs OpenCV's ONNX
/// importer cannot load or computes differently from the IR (each with OpenCV's reason),
/// so those models become "unsupported" results rather than failures or wrong numbers.
class OpenCvBackend final : public Backend {
 public:
  std::string Id() const override { return "opencv"; }
  /// "OpenCV 4.6.0 (DNN, CPU, 2 threads)" ("1 thread" for one): the library's run-time
  /// version and the thread count of the last Prepare, or OpenCV's setting before any.
  std::string Version() const override;
  Support Supports(const ir::Graph& graph, const ir::Node& node) const noexcept override;
  /// Exports the graph to ONNX, loads it into OpenCV and sets OpenCV's (process-wide)
  /// thread count to options.threads. Only fp32 is supported. The session keeps its own
  /// copy of everything it needs; the graph may be destroyed afterwards. OpenCV itself
  /// fuses layers and allocates blobs lazily, so that work lands in the first Run().
  Status Prepare(const ir::Graph& graph, const BackendOptions& options,
                 std::unique_ptr<Session>& session) noexcept override;
  /// The session holds its own copy of the weights (packed into framework tensors).
  bool SessionKeepsGraph() const noexcept override { return false; }
  /// no-fusion: Net::enableFusion(false).
  std::vector<OptimizationToggle> Toggles() const override;

 private:
  int threads_ = 0;  // of the last successful Prepare; 0 before any
};

}  // namespace edgebench::backends::opencv
