#pragma once

// Pieces both LibTorch modes share: converting IR constants to tensors and a Session base
// that stages inputs into preallocated tensors and copies outputs back to the host. Only
// torch_eager.cc and torch_script.cc include this (each torch TU costs ~40 s to compile).

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <fmt/format.h>

#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "ir/graph.h"

namespace edgebench::backends::libtorch {

/// The message of an exception; for c10::Error without the C++ backtrace its what()
/// carries, which would swamp a result's error column.
inline std::string Describe(const std::exception& error) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&error)) {
    return c10_error->what_without_backtrace();
  }
  return error.what();
}

/// A contiguous f32 tensor on `device` holding `data` reshaped to `shape` (an owned copy).
inline at::Tensor TensorFromHost(const std::vector<float>& data, const ir::Shape& shape,
                                 const c10::Device& device) {
  // from_blob only views the buffer (hence the const_cast: nothing writes through it);
  // clone() takes the copy the tensor owns before `data` can go away.
  at::Tensor view = at::from_blob(const_cast<float*>(data.data()), at::IntArrayRef(shape),
                                  at::TensorOptions().dtype(at::kFloat));
  return view.clone().contiguous().to(device);
}

/// A 1-D int64 tensor on `device` holding `indices` (an owned copy), for index_select.
inline at::Tensor IndexTensorFromHost(const std::vector<int64_t>& indices,
                                      const c10::Device& device) {
  at::Tensor view =
      at::from_blob(const_cast<int64_t*>(indices.data()), {static_cast<int64_t>(indices.size())},
                    at::TensorOptions().dtype(at::kLong));
  return view.clone().to(device);
}

/// Converts every materialized constant of `graph` (weights) to a tensor, indexed by
/// ValueId; other slots stay undefined. Fails naming the first constant without data.
inline Status ConvertWeights(const ir::Graph& graph, const c10::Device& device,
                             std::vector<at::Tensor>& tensors) {
  tensors.assign(graph.values().size(), at::Tensor());
  for (size_t v = 0; v < graph.values().size(); ++v) {
    const ir::Value& value = graph.values()[v];
    if (value.kind != ir::ValueKind::kConstant) continue;
    if (static_cast<int64_t>(value.data.size()) != ir::ElementCount(value.shape)) {
      return Status::Error(fmt::format("weights of '{}' are not materialized", value.name));
    }
    tensors[v] = TensorFromHost(value.data, value.shape, device);
  }
  return Status::Ok();
}

/// Session base: the graph's input and output shapes, preallocated input tensors on the
/// device, and the outputs of the last Run. Subclasses implement Forward().
class TorchSession : public Session {
 public:
  TorchSession(const ir::Graph& graph, const c10::Device& device, int threads)
      : device_(device), threads_(threads) {
    for (ir::ValueId id : graph.inputs()) {
      input_shapes_.push_back(graph.value(id).shape);
      inputs_.push_back(at::zeros(at::IntArrayRef(input_shapes_.back()),
                                  at::TensorOptions().dtype(at::kFloat).device(device)));
    }
    for (ir::ValueId id : graph.outputs()) output_shapes_.push_back(graph.value(id).shape);
  }

  Status SetInputs(const std::vector<HostTensor>& inputs) noexcept override {
    if (inputs.size() != inputs_.size()) {
      return Status::Error(
          fmt::format("expected {} inputs, got {}", inputs_.size(), inputs.size()));
    }
    try {
      for (size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].shape != input_shapes_[i] ||
            static_cast<int64_t>(inputs[i].data.size()) != ir::ElementCount(input_shapes_[i])) {
          return Status::Error(fmt::format("input {} has shape {}, model expects {}", i,
                                           ir::ShapeToString(inputs[i].shape),
                                           ir::ShapeToString(input_shapes_[i])));
        }
        // copy_ from a host view works for any device, so staging needs no device case.
        at::Tensor host =
            at::from_blob(const_cast<float*>(inputs[i].data.data()),
                          at::IntArrayRef(input_shapes_[i]), at::TensorOptions().dtype(at::kFloat));
        inputs_[i].copy_(host);
      }
    } catch (const std::exception& error) {
      return Status::Error(fmt::format("libtorch: staging inputs failed: {}", Describe(error)));
    }
    return Status::Ok();
  }

  Status Run() noexcept override {
    try {
      // Inference semantics throughout: no autograd recording, no version counters.
      c10::InferenceMode guard;
      // The intra-op pool is process-wide: another session may have resized it since
      // Prepare. Asking is cheap (omp_get_max_threads).
      if (at::get_num_threads() != threads_) at::set_num_threads(threads_);
      outputs_.clear();
      // A CUDA device will need a synchronize after Forward (Run returns only once the
      // outputs are complete); CPU ops are synchronous.
      return Forward(outputs_);
    } catch (const std::exception& error) {  // c10::Error derives from std::exception
      return Status::Error(fmt::format("libtorch: {}", Describe(error)));
    }
  }

  Status GetOutputs(std::vector<HostTensor>& outputs) noexcept override {
    if (outputs_.size() != output_shapes_.size()) {
      return Status::Error("libtorch: no outputs (Run has not succeeded)");
    }
    try {
      outputs.clear();
      for (size_t i = 0; i < outputs_.size(); ++i) {
        const at::Tensor host = outputs_[i].to(at::kCPU).to(at::kFloat).contiguous();
        HostTensor out(output_shapes_[i]);
        if (host.numel() != static_cast<int64_t>(out.data.size())) {
          return Status::Error(fmt::format("libtorch: output {} has {} elements, expected {}", i,
                                           host.numel(), ir::ShapeToString(output_shapes_[i])));
        }
        std::memcpy(out.data.data(), host.data_ptr<float>(), out.data.size() * sizeof(float));
        outputs.push_back(std::move(out));
      }
    } catch (const std::exception& error) {
      return Status::Error(fmt::format("libtorch: reading outputs failed: {}", Describe(error)));
    }
    return Status::Ok();
  }

 protected:
  /// One inference on inputs(); appends the graph outputs in order. Runs in InferenceMode;
  /// may throw (Run turns exceptions into a Status).
  virtual Status Forward(std::vector<at::Tensor>& outputs) = 0;

  const std::vector<at::Tensor>& inputs() const { return inputs_; }
  const c10::Device& device() const { return device_; }

 private:
  c10::Device device_;
  int threads_;
  std::vector<ir::Shape> input_shapes_;
  std::vector<ir::Shape> output_shapes_;
  std::vector<at::Tensor> inputs_;   // preallocated on device_, refilled by SetInputs
  std::vector<at::Tensor> outputs_;  // of the last Run
};

}  // namespace edgebench::backends::libtorch
