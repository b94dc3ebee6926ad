#include "backends/onednn/session.h"

#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <cstring>
#include <exception>
#include <utility>

namespace edgebench::backends::onednn {

OneDnnSession::OneDnnSession(dnnl::engine engine, dnnl::stream stream, Plan plan, int threads,
                             std::vector<ir::Shape> input_shapes,
                             std::vector<ir::Shape> output_shapes)
    : engine_(std::move(engine)),
      stream_(std::move(stream)),
      plan_(std::move(plan)),
      threads_(threads),
      input_shapes_(std::move(input_shapes)),
      output_shapes_(std::move(output_shapes)) {}

Status OneDnnSession::SetInputs(const std::vector<HostTensor>& inputs) noexcept {
  try {
    if (inputs.size() != input_shapes_.size()) {
      return Status::Error(
          fmt::format("expected {} inputs, got {}", input_shapes_.size(), inputs.size()));
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].shape != input_shapes_[i] ||
          static_cast<int64_t>(inputs[i].data.size()) != ir::ElementCount(input_shapes_[i])) {
        return Status::Error(fmt::format("input {} has shape {}, model expects {}", i,
                                         ir::ShapeToString(inputs[i].shape),
                                         ir::ShapeToString(input_shapes_[i])));
      }
      std::memcpy(plan_.inputs[i].get_data_handle(), inputs[i].data.data(),
                  inputs[i].data.size() * sizeof(float));
    }
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("staging inputs failed: {}", error.what()));
  }
  return Status::Ok();
}

Status OneDnnSession::Run() noexcept {
  try {
    omp_set_num_threads(threads_);
    if (profiling_) {
      step_seconds_.assign(plan_.steps.size(), 0.0);
      for (size_t i = 0; i < plan_.steps.size(); ++i) {
        const auto start = std::chrono::steady_clock::now();
        plan_.steps[i].primitive.execute(stream_, plan_.steps[i].args);
        stream_.wait();
        step_seconds_[i] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
      return Status::Ok();
    }
    for (Step& step : plan_.steps) step.primitive.execute(stream_, step.args);
    stream_.wait();
  } catch (const dnnl::error& error) {
    return Status::Error(fmt::format("oneDNN execution failed: {}", error.what()));
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("oneDNN execution failed: {}", error.what()));
  }
  return Status::Ok();
}

Status OneDnnSession::EnableProfiling() noexcept {
  profiling_ = true;
  return Status::Ok();
}

Status OneDnnSession::LastProfile(std::vector<LayerTime>& layers) noexcept {
  try {
    layers.clear();
    for (size_t i = 0; i < step_seconds_.size() && i < plan_.steps.size(); ++i) {
      const Step& step = plan_.steps[i];
      layers.push_back({.layer = step.name,
                        .ir_nodes = step.ir_nodes,
                        .kind = step.kind,
                        .seconds = step_seconds_[i]});
    }
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("reading the oneDNN profile failed: {}", error.what()));
  }
  return Status::Ok();
}

Status OneDnnSession::GetOutputs(std::vector<HostTensor>& outputs) noexcept {
  try {
    outputs.clear();
    for (size_t i = 0; i < output_shapes_.size(); ++i) {
      HostTensor tensor(output_shapes_[i]);
      std::memcpy(tensor.data.data(), plan_.outputs[i].get_data_handle(),
                  tensor.data.size() * sizeof(float));
      outputs.push_back(std::move(tensor));
    }
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("reading oneDNN outputs failed: {}", error.what()));
  }
  return Status::Ok();
}

Status OneDnnSession::Kernels(std::vector<KernelUse>& kernels) const noexcept {
  try {
    kernels = plan_.kernels;
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("listing kernels failed: {}", error.what()));
  }
  return Status::Ok();
}

}  // namespace edgebench::backends::onednn
