#include "backends/xnnpack/xnnpack_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "backends/xnnpack/layout.h"

namespace edgebench::backends::xnnpack {
namespace {

constexpr size_t kSlackFloats = (XNN_EXTRA_BYTES + sizeof(float) - 1) / sizeof(float);

}  // namespace

XnnpackSession::XnnpackSession(BuiltSubgraph built, ThreadPoolHandle pool, uint32_t runtime_flags)
    : static_data_(std::move(built.static_data)),
      static_int8_(std::move(built.static_int8)),
      static_int32_(std::move(built.static_int32)),
      static_scales_(std::move(built.static_scales)),
      kernels_(std::move(built.kernels)),
      pool_(std::move(pool)) {
  if ((runtime_flags & XNN_FLAG_FORCE_FP16_INFERENCE) != 0) {
    for (KernelUse& kernel : kernels_) {
      if (kernel.precision == "fp32") {
        kernel.precision = "fp16";
        kernel.kernel.replace(kernel.kernel.size() - 4, 4, "fp16 (FORCE_FP16_INFERENCE)");
      }
    }
  }
  std::vector<xnn_external_value> externals;
  for (auto* group : {&built.inputs, &built.outputs}) {
    std::vector<Buffer>& buffers = group == &built.inputs ? inputs_ : outputs_;
    for (ExternalTensor& tensor : *group) {
      const auto count = static_cast<size_t>(ir::ElementCount(tensor.shape));
      buffers.push_back({std::move(tensor), std::vector<float>(count + kSlackFloats, 0.0f)});
    }
  }
  for (auto* buffers : {&inputs_, &outputs_}) {
    for (Buffer& buffer : *buffers) externals.push_back({buffer.tensor.id, buffer.data.data()});
  }
  xnn_runtime_t runtime = nullptr;
  xnn_status status =
      xnn_create_runtime_v2(built.subgraph.get(), pool_.get(), runtime_flags, &runtime);
  if (status == xnn_status_unsupported_hardware &&
      (runtime_flags & XNN_FLAG_FORCE_FP16_INFERENCE) != 0) {
    throw BuildError(
        "fp16 unsupported on this CPU: xnn_create_runtime_v2 with "
        "XNN_FLAG_FORCE_FP16_INFERENCE returned 'unsupported hardware'");
  }
  if (status == xnn_status_unsupported_parameter &&
      (runtime_flags & XNN_FLAG_FORCE_FP16_INFERENCE) != 0) {
    throw BuildError(
        "fp16 unsupported for this model on this backend: XNNPACK's "
        "XNN_FLAG_FORCE_FP16_INFERENCE refuses the subgraph ('unsupported parameter': a node has "
        "no fp16 operator in this XNNPACK; fully connected layers, for one, have none)");
  }
  if (status != xnn_status_success) {
    throw BuildError(fmt::format("xnn_create_runtime_v2 failed: {}", StatusName(status)));
  }
  runtime_.reset(runtime);
  status = xnn_setup_runtime(runtime, externals.size(), externals.data());
  if (status != xnn_status_success) {
    throw BuildError(fmt::format("xnn_setup_runtime failed: {}", StatusName(status)));
  }
}

Status XnnpackSession::SetInputs(const std::vector<HostTensor>& inputs) noexcept {
  if (inputs.size() != inputs_.size()) {
    return Status::Error(fmt::format("expected {} inputs, got {}", inputs_.size(), inputs.size()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    Buffer& buffer = inputs_[i];
    const ir::Shape& shape = buffer.tensor.shape;
    if (inputs[i].shape != shape ||
        static_cast<int64_t>(inputs[i].data.size()) != ir::ElementCount(shape)) {
      return Status::Error(fmt::format("input {} ('{}') has shape {}, the model expects {}", i,
                                       buffer.tensor.name, ir::ShapeToString(inputs[i].shape),
                                       ir::ShapeToString(shape)));
    }
    if (buffer.tensor.nhwc) {
      NchwToNhwc(inputs[i].data.data(), shape, buffer.data.data());
    } else {
      std::copy(inputs[i].data.begin(), inputs[i].data.end(), buffer.data.begin());
    }
  }
  return Status::Ok();
}

Status XnnpackSession::Run() noexcept {
  const xnn_status status = xnn_invoke_runtime(runtime_.get());
  if (status != xnn_status_success) {
    return Status::Error(fmt::format("xnn_invoke_runtime failed: {}", StatusName(status)));
  }
  return Status::Ok();
}

Status XnnpackSession::GetOutputs(std::vector<HostTensor>& outputs) noexcept {
  try {
    outputs.clear();
    for (const Buffer& buffer : outputs_) {
      HostTensor tensor(buffer.tensor.shape);
      if (buffer.tensor.nhwc) {
        NhwcToNchw(buffer.data.data(), tensor.shape, tensor.data.data());
      } else {
        std::copy_n(buffer.data.begin(), tensor.data.size(), tensor.data.begin());
      }
      outputs.push_back(std::move(tensor));
    }
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("reading XNNPACK outputs failed: {}", error.what()));
  }
  return Status::Ok();
}

Status XnnpackSession::Kernels(std::vector<KernelUse>& kernels) const noexcept {
  try {
    kernels = kernels_;
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("listing kernels failed: {}", error.what()));
  }
  return Status::Ok();
}

}  // namespace edgebench::backends::xnnpack
