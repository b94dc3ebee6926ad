// libtorch-eager: the IR executed node by node with ATen operators, as a PyTorch model's
// forward() runs in eager mode (no graph capture, no fusion, no weight repacking).

#include <ATen/ATen.h>
#include <torch/nn/functional/normalization.h>

#include <chrono>
#include <limits>
#include <optional>
#include <variant>

#include "backends/libtorch/eager_int8.h"
#include "backends/libtorch/eager_modern_ops.h"
#include "backends/libtorch/lowering.h"
#include "backends/libtorch/sessions.h"
#include "backends/libtorch/torch_session.h"

namespace edgebench::backends::libtorch {
namespace {

// One node, with everything about it decided at Prepare time.
struct Step {
  ir::NodeId id = ir::kNoId;
  ir::Node node;  // a copy: the session does not keep the graph
  ir::Shape output_shape;
  size_t spatial_rank = 0;  // of the first input, for 2-D vs 3-D operators
  ConvLowering conv;
  PoolLowering pool;
  at::Tensor divisor;                // average pooling with explicit padding
  ModernPlan modern;                 // the modern op set's plans (eager_modern_ops.h)
  std::vector<ir::ValueId> release;  // activations nothing after this step reads
};

class EagerSession final : public TorchSession {
 public:
  EagerSession(const ir::Graph& graph, const c10::Device& device, int threads)
      : TorchSession(graph, device, threads),
        input_ids_(graph.inputs()),
        output_ids_(graph.outputs()) {}

  /// With an int8 plan, its layers run quantized (eager_int8.h).
  Status Init(const ir::Graph& graph, const Int8Plan* int8) {
    Status status = ConvertWeights(graph, device(), tensors_);
    if (!status.ok) return status;
    quantized_.assign(tensors_.size(), at::Tensor());
    if (int8 != nullptr) int8_.emplace(graph, *int8);
    const std::vector<ir::NodeId> order = graph.ExecutionOrder();
    // Last step reading each value, so activations are dropped as soon as they are dead
    // (as Python's reference counting does in an eager forward()).
    std::vector<int64_t> last_use(graph.values().size(), -1);
    for (size_t s = 0; s < order.size(); ++s) {
      for (ir::ValueId id : graph.node(order[s]).inputs) {
        last_use[static_cast<size_t>(id)] = static_cast<int64_t>(s);
      }
    }
    for (ir::ValueId id : output_ids_) last_use[static_cast<size_t>(id)] = -1;
    for (size_t s = 0; s < order.size(); ++s) {
      const ir::Node& node = graph.node(order[s]);
      Step step{
          .id = order[s], .node = node, .output_shape = graph.value(node.outputs.front()).shape};
      const ir::Shape& input_shape = graph.value(node.inputs.front()).shape;
      step.spatial_rank = input_shape.size() >= 2 ? input_shape.size() - 2 : 0;
      if (node.op == ir::OpKind::kConv) {
        step.conv = LowerConv(std::get<ir::ConvAttrs>(node.attrs));
      } else if (node.op == ir::OpKind::kMaxPool || node.op == ir::OpKind::kAvgPool) {
        step.pool = LowerPool(std::get<ir::PoolAttrs>(node.attrs), node.op == ir::OpKind::kAvgPool,
                              input_shape, step.output_shape);
        if (!step.pool.divisor.empty()) {
          step.divisor = TensorFromHost(step.pool.divisor, step.pool.divisor_shape, device());
        }
      }
      step.modern = PlanModernOp(graph, node, device());
      for (ir::ValueId id : node.inputs) {
        const auto v = static_cast<size_t>(id);
        if (last_use[v] == static_cast<int64_t>(s) &&
            graph.value(id).kind == ir::ValueKind::kActivation) {
          step.release.push_back(id);
        }
      }
      steps_.push_back(std::move(step));
    }
    return Status::Ok();
  }

 protected:
  Status Forward(std::vector<at::Tensor>& outputs) override {
    for (size_t i = 0; i < input_ids_.size(); ++i) {
      tensors_[static_cast<size_t>(input_ids_[i])] = inputs()[i];
    }
    if (profiling_) profile_.clear();
    for (const Step& step : steps_) {
      try {
        const auto start = std::chrono::steady_clock::now();
        if (int8_ && int8_->Covers(step.id)) {
          int8_->Run(step.id, tensors_, quantized_);
        } else {
          for (ir::ValueId id : step.node.inputs) EagerInt8::EnsureFloat(id, tensors_, quantized_);
          tensors_[static_cast<size_t>(step.node.outputs.front())] = Execute(step);
        }
        if (profiling_) {
          // CPU kernels return complete; a device backend would synchronize here.
          profile_.push_back(
              {.layer = step.node.name,
               .ir_nodes = {step.node.name},
               .kind = std::string(ir::OpName(step.node.op)),
               .seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                              .count()});
        }
      } catch (const std::exception& error) {
        return Status::Error(fmt::format("node '{}' ({}): {}", step.node.name,
                                         ir::OpName(step.node.op), Describe(error)));
      }
      for (ir::ValueId id : step.release) {
        tensors_[static_cast<size_t>(id)].reset();
        quantized_[static_cast<size_t>(id)].reset();
      }
    }
    for (ir::ValueId id : output_ids_) {
      EagerInt8::EnsureFloat(id, tensors_, quantized_);
      outputs.push_back(tensors_[static_cast<size_t>(id)]);
    }
    for (ir::ValueId id : output_ids_) tensors_[static_cast<size_t>(id)].reset();
    for (ir::ValueId id : input_ids_) tensors_[static_cast<size_t>(id)].reset();
    // Quantized forms of the inputs, and of values no step released, are this Run's.
    for (at::Tensor& q : quantized_) q.reset();
    return Status::Ok();
  }

 public:
  Status Kernels(std::vector<KernelUse>& kernels) const noexcept override {
    kernels.clear();
    if (!int8_) return Status::Error("libtorch-eager reports its kernels for int8 jobs only");
    try {
      kernels = int8_->kernels();
    } catch (const std::exception& error) {
      return Status::Error(error.what());
    }
    return Status::Ok();
  }

 public:
  // One IR node is one step of this interpreter, so each step's time is its node's row.
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

 private:
  const at::Tensor& In(const Step& step, size_t i) const {
    return tensors_[static_cast<size_t>(step.node.inputs[i])];
  }

  at::Tensor Execute(const Step& step) const {
    const ir::Node& node = step.node;
    const at::Tensor& x = In(step, 0);
    switch (node.op) {
      case ir::OpKind::kSub:
      case ir::OpKind::kMul:
      case ir::OpKind::kDiv:
      case ir::OpKind::kPow:
      case ir::OpKind::kMaximum:
      case ir::OpKind::kMinimum:
      case ir::OpKind::kHardSigmoid:
      case ir::OpKind::kHardSwish:
      case ir::OpKind::kSilu:
      case ir::OpKind::kTanh:
      case ir::OpKind::kExp:
      case ir::OpKind::kLog:
      case ir::OpKind::kSqrt:
      case ir::OpKind::kAbs:
      case ir::OpKind::kNeg:
      case ir::OpKind::kErf:
      case ir::OpKind::kGelu:
      case ir::OpKind::kClip:
      case ir::OpKind::kReduceMean:
      case ir::OpKind::kReduceSum:
      case ir::OpKind::kReduceMax:
      case ir::OpKind::kTranspose:
      case ir::OpKind::kSlice:
      case ir::OpKind::kSqueeze:
      case ir::OpKind::kUnsqueeze:
      case ir::OpKind::kPad:
      case ir::OpKind::kGather:
      case ir::OpKind::kMatMul:
      case ir::OpKind::kConvTranspose:
      case ir::OpKind::kResize:
      case ir::OpKind::kLayerNorm:
        return RunModernOp(node, step.modern, tensors_, step.output_shape);
      case ir::OpKind::kConv:
        return Conv(step);
      case ir::OpKind::kBatchNorm:
        return at::batch_norm(x, In(step, 1), In(step, 2), In(step, 3), In(step, 4),
                              /*training=*/false, /*momentum=*/0.1,
                              std::get<ir::BatchNormAttrs>(node.attrs).epsilon,
                              /*cudnn_enabled=*/true);
      case ir::OpKind::kRelu:
        return at::relu(x);
      case ir::OpKind::kRelu6:
        return at::hardtanh(x, 0.0, 6.0);
      case ir::OpKind::kLeakyRelu:
        return at::leaky_relu(x, std::get<ir::LeakyReluAttrs>(node.attrs).alpha);
      case ir::OpKind::kSigmoid:
        return at::sigmoid(x);
      case ir::OpKind::kSoftmax:
        return at::softmax(x, std::get<ir::SoftmaxAttrs>(node.attrs).axis);
      case ir::OpKind::kMaxPool:
      case ir::OpKind::kAvgPool:
        return Pool(step);
      case ir::OpKind::kGlobalAvgPool:
        return step.spatial_rank == 2 ? at::adaptive_avg_pool2d(x, {1, 1})
                                      : at::adaptive_avg_pool3d(x, {1, 1, 1});
      case ir::OpKind::kFullyConnected:
        return at::linear(x, In(step, 1), Optional(step, 2));
      case ir::OpKind::kAdd:
        return at::add(x, In(step, 1));
      case ir::OpKind::kConcat: {
        std::vector<at::Tensor> parts;
        for (size_t i = 0; i < node.inputs.size(); ++i) parts.push_back(In(step, i));
        return at::cat(parts, std::get<ir::ConcatAttrs>(node.attrs).axis);
      }
      case ir::OpKind::kFlatten:
      case ir::OpKind::kReshape:
        // The IR already knows the target shape; torch's flatten(axis) would keep the
        // leading dims separate, the IR's Flatten does not.
        return x.reshape(at::IntArrayRef(step.output_shape));
      case ir::OpKind::kUpsampleNearest: {
        const auto& scales = std::get<ir::UpsampleAttrs>(node.attrs).scales;
        const at::IntArrayRef size(step.output_shape.data() + 2, step.spatial_rank);
        auto scale = [&](size_t d) { return static_cast<double>(scales[d]); };
        return step.spatial_rank == 2
                   ? at::upsample_nearest2d(x, size, scale(0), scale(1))
                   : at::upsample_nearest3d(x, size, scale(0), scale(1), scale(2));
      }
      case ir::OpKind::kLrn: {
        // PyTorch's functional LRN computes x / (k + alpha / size * sum)^beta over `size`
        // channels centred on c (zero-padded), the IR's (ONNX) definition for odd sizes.
        const auto& attrs = std::get<ir::LrnAttrs>(node.attrs);
        return torch::nn::functional::local_response_norm(
            x, torch::nn::functional::LocalResponseNormFuncOptions(attrs.size)
                   .alpha(attrs.alpha)
                   .beta(attrs.beta)
                   .k(attrs.bias));
      }
    }
    throw std::logic_error("unknown op");
  }

  // An absent optional input (bias) is an undefined tensor, which ATen reads as None.
  at::Tensor Optional(const Step& step, size_t i) const {
    return step.node.inputs.size() > i ? In(step, i) : at::Tensor();
  }

  at::Tensor Conv(const Step& step) const {
    const auto& attrs = std::get<ir::ConvAttrs>(step.node.attrs);
    at::Tensor x = In(step, 0);
    if (!step.conv.explicit_pad.empty()) x = at::constant_pad_nd(x, step.conv.explicit_pad, 0.0);
    if (step.spatial_rank == 2) {
      return at::conv2d(x, In(step, 1), Optional(step, 2), attrs.strides, step.conv.padding,
                        attrs.dilations, attrs.groups);
    }
    return at::conv3d(x, In(step, 1), Optional(step, 2), attrs.strides, step.conv.padding,
                      attrs.dilations, attrs.groups);
  }

  at::Tensor Pool(const Step& step) const {
    const auto& attrs = std::get<ir::PoolAttrs>(step.node.attrs);
    const bool average = step.node.op == ir::OpKind::kAvgPool;
    const PoolLowering& pool = step.pool;
    at::Tensor x = In(step, 0);
    if (!pool.explicit_pad.empty()) {
      // -inf never wins a max, as the IR's padding never does; zeros add nothing to a sum.
      const double fill = average ? 0.0 : -std::numeric_limits<double>::infinity();
      x = at::constant_pad_nd(x, pool.explicit_pad, fill);
    }
    at::Tensor y;
    if (average) {
      // With explicit padding ATen only sums (divisor 1); the IR divisor follows below.
      const c10::optional<int64_t> divisor_override =
          step.divisor.defined() ? c10::optional<int64_t>(1) : c10::nullopt;
      y = step.spatial_rank == 2
              ? at::avg_pool2d(x, attrs.kernel, attrs.strides, pool.padding, attrs.ceil_mode,
                               attrs.count_include_pad, divisor_override)
              : at::avg_pool3d(x, attrs.kernel, attrs.strides, pool.padding, attrs.ceil_mode,
                               attrs.count_include_pad, divisor_override);
    } else {
      const std::vector<int64_t> dilation(step.spatial_rank, 1);
      y = step.spatial_rank == 2 ? at::max_pool2d(x, attrs.kernel, attrs.strides, pool.padding,
                                                  dilation, attrs.ceil_mode)
                                 : at::max_pool3d(x, attrs.kernel, attrs.strides, pool.padding,
                                                  dilation, attrs.ceil_mode);
    }
    for (size_t d = 0; d < pool.trim.size(); ++d) {
      if (pool.trim[d] >= 0) y = y.narrow(static_cast<int64_t>(2 + d), 0, pool.trim[d]);
    }
    if (step.divisor.defined()) y = at::div(y, step.divisor);
    return y;
  }

  std::vector<ir::ValueId> input_ids_;
  std::vector<ir::ValueId> output_ids_;
  std::vector<Step> steps_;
  bool profiling_ = false;
  std::vector<LayerTime> profile_;  // of the last Run() with profiling on
  // Indexed by ValueId: weights for the session's lifetime, activations during a Run.
  std::vector<at::Tensor> tensors_;
  std::vector<at::Tensor> quantized_;  // int8: the quint8 form of activations, when made
  std::optional<EagerInt8> int8_;
};

}  // namespace

Status PrepareEagerSession(const ir::Graph& graph, const c10::Device& device, int threads,
                           const Int8Plan* int8, std::unique_ptr<Session>& session) noexcept {
  try {
    auto eager = std::make_unique<EagerSession>(graph, device, threads);
    Status status = eager->Init(graph, int8);
    if (!status.ok) return status;
    session = std::move(eager);
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("libtorch-eager prepare failed: {}", Describe(error)));
  }
  return Status::Ok();
}

}  // namespace edgebench::backends::libtorch
