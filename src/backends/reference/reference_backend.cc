#include "backends/reference/reference_backend.h"

#include <fmt/format.h>

#include <chrono>

#include "backends/reference/kernels.h"
#include "common/build_info.h"

namespace edgebench::backends::reference {
namespace {

class ReferenceSession final : public Session {
 public:
  ReferenceSession(const ir::Graph& graph, NodeObserver observer)
      : graph_(graph),
        order_(graph.ExecutionOrder()),
        tensors_(graph.values().size()),
        observer_(std::move(observer)) {
    for (size_t v = 0; v < graph.values().size(); ++v) {
      const ir::Value& value = graph.values()[v];
      tensors_[v].shape = value.shape;
      if (value.kind == ir::ValueKind::kConstant) {
        tensors_[v].data = value.data;
      } else {
        tensors_[v].data.assign(static_cast<size_t>(ir::ElementCount(value.shape)), 0.0f);
      }
    }
  }

  Status SetInputs(const std::vector<HostTensor>& inputs) noexcept override {
    if (inputs.size() != graph_.inputs().size()) {
      return Status::Error(
          fmt::format("expected {} inputs, got {}", graph_.inputs().size(), inputs.size()));
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      HostTensor& slot = tensors_[static_cast<size_t>(graph_.inputs()[i])];
      if (inputs[i].shape != slot.shape) {
        return Status::Error(fmt::format("input {} has shape {}, model expects {}", i,
                                         ir::ShapeToString(inputs[i].shape),
                                         ir::ShapeToString(slot.shape)));
      }
      slot.data = inputs[i].data;
    }
    return Status::Ok();
  }

  Status Run() noexcept override {
    try {
      if (profiling_) profile_.clear();
      for (ir::NodeId id : order_) {
        const ir::Node& node = graph_.node(id);
        const auto start = std::chrono::steady_clock::now();
        Execute(node);
        if (profiling_) {
          const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
          profile_.push_back({.layer = node.name,
                              .ir_nodes = {node.name},
                              .kind = std::string(ir::OpName(node.op)),
                              .seconds = took.count()});
        }
        if (observer_) observer_(node, tensors_[static_cast<size_t>(node.outputs.front())]);
      }
    } catch (const std::exception& error) {
      return Status::Error(fmt::format("reference run failed: {}", error.what()));
    }
    return Status::Ok();
  }

  Status GetOutputs(std::vector<HostTensor>& outputs) noexcept override {
    try {
      outputs.clear();
      for (ir::ValueId id : graph_.outputs()) outputs.push_back(tensors_[static_cast<size_t>(id)]);
    } catch (const std::exception& error) {
      return Status::Error(error.what());
    }
    return Status::Ok();
  }

  // One IR node is one kernel call here, so each node's own time is its row.
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
  const HostTensor& In(const ir::Node& node, size_t i) const {
    return tensors_[static_cast<size_t>(node.inputs[i])];
  }
  const HostTensor* OptionalIn(const ir::Node& node, size_t i) const {
    return node.inputs.size() > i ? &In(node, i) : nullptr;
  }

  void Execute(const ir::Node& node) {
    HostTensor& y = tensors_[static_cast<size_t>(node.outputs.front())];
    switch (node.op) {
      case ir::OpKind::kSub:
        Sub(In(node, 0), In(node, 1), y);
        break;
      case ir::OpKind::kMul:
        Mul(In(node, 0), In(node, 1), y);
        break;
      case ir::OpKind::kDiv:
        Div(In(node, 0), In(node, 1), y);
        break;
      case ir::OpKind::kPow:
        Pow(In(node, 0), In(node, 1), y);
        break;
      case ir::OpKind::kMaximum:
        Maximum(In(node, 0), In(node, 1), y);
        break;
      case ir::OpKind::kMinimum:
        Minimum(In(node, 0), In(node, 1), y);
        break;
      case ir::OpKind::kHardSigmoid:
        HardSigmoid(std::get<ir::HardSigmoidAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kHardSwish:
        HardSwish(In(node, 0), y);
        break;
      case ir::OpKind::kSilu:
        Silu(In(node, 0), y);
        break;
      case ir::OpKind::kTanh:
        Tanh(In(node, 0), y);
        break;
      case ir::OpKind::kExp:
        Exp(In(node, 0), y);
        break;
      case ir::OpKind::kLog:
        Log(In(node, 0), y);
        break;
      case ir::OpKind::kSqrt:
        Sqrt(In(node, 0), y);
        break;
      case ir::OpKind::kAbs:
        Abs(In(node, 0), y);
        break;
      case ir::OpKind::kNeg:
        Neg(In(node, 0), y);
        break;
      case ir::OpKind::kErf:
        Erf(In(node, 0), y);
        break;
      case ir::OpKind::kGelu:
        Gelu(std::get<ir::GeluAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kClip:
        Clip(std::get<ir::ClipAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kReduceMean:
        ReduceMean(std::get<ir::ReduceAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kReduceSum:
        ReduceSum(std::get<ir::ReduceAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kReduceMax:
        ReduceMax(std::get<ir::ReduceAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kTranspose:
        Transpose(std::get<ir::TransposeAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kSlice:
        Slice(std::get<ir::SliceAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kPad:
        Pad(std::get<ir::PadAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kGather:
        Gather(std::get<ir::GatherAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kMatMul:
        MatMul(In(node, 0), In(node, 1), y);
        break;
      case ir::OpKind::kConvTranspose:
        ConvTranspose(std::get<ir::ConvTransposeAttrs>(node.attrs), In(node, 0), In(node, 1),
                      OptionalIn(node, 2), y);
        break;
      case ir::OpKind::kResize:
        Resize(std::get<ir::ResizeAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kLayerNorm:
        LayerNorm(std::get<ir::LayerNormAttrs>(node.attrs), In(node, 0), In(node, 1),
                  OptionalIn(node, 2), y);
        break;
      case ir::OpKind::kConv:
        Conv(std::get<ir::ConvAttrs>(node.attrs), In(node, 0), In(node, 1), OptionalIn(node, 2), y);
        break;
      case ir::OpKind::kBatchNorm:
        BatchNorm(std::get<ir::BatchNormAttrs>(node.attrs).epsilon, In(node, 0), In(node, 1),
                  In(node, 2), In(node, 3), In(node, 4), y);
        break;
      case ir::OpKind::kRelu:
        Relu(In(node, 0), y);
        break;
      case ir::OpKind::kRelu6:
        Relu6(In(node, 0), y);
        break;
      case ir::OpKind::kLeakyRelu:
        LeakyRelu(std::get<ir::LeakyReluAttrs>(node.attrs).alpha, In(node, 0), y);
        break;
      case ir::OpKind::kSigmoid:
        Sigmoid(In(node, 0), y);
        break;
      case ir::OpKind::kSoftmax:
        Softmax(std::get<ir::SoftmaxAttrs>(node.attrs).axis, In(node, 0), y);
        break;
      case ir::OpKind::kMaxPool:
        MaxPool(std::get<ir::PoolAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kAvgPool:
        AvgPool(std::get<ir::PoolAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kGlobalAvgPool:
        GlobalAvgPool(In(node, 0), y);
        break;
      case ir::OpKind::kFullyConnected:
        FullyConnected(In(node, 0), In(node, 1), OptionalIn(node, 2), y);
        break;
      case ir::OpKind::kAdd:
        Add(In(node, 0), In(node, 1), y);
        break;
      case ir::OpKind::kConcat: {
        std::vector<const HostTensor*> xs;
        for (size_t i = 0; i < node.inputs.size(); ++i) xs.push_back(&In(node, i));
        Concat(std::get<ir::ConcatAttrs>(node.attrs).axis, xs, y);
        break;
      }
      case ir::OpKind::kFlatten:
      case ir::OpKind::kReshape:
      case ir::OpKind::kSqueeze:
      case ir::OpKind::kUnsqueeze:
        CopyData(In(node, 0), y);
        break;
      case ir::OpKind::kUpsampleNearest:
        UpsampleNearest(std::get<ir::UpsampleAttrs>(node.attrs), In(node, 0), y);
        break;
      case ir::OpKind::kLrn:
        Lrn(std::get<ir::LrnAttrs>(node.attrs), In(node, 0), y);
        break;
    }
  }

  const ir::Graph& graph_;
  std::vector<ir::NodeId> order_;
  std::vector<HostTensor> tensors_;  // indexed by ValueId
  NodeObserver observer_;
  bool profiling_ = false;
  std::vector<LayerTime> profile_;  // of the last Run() with profiling on
};

Status PrepareReference(const ir::Graph& graph, const BackendOptions& options,
                        NodeObserver observer, std::unique_ptr<Session>& session) noexcept {
  if (options.precision != "fp32") {
    return Status::Error(fmt::format(
        "{} unsupported on this backend: the reference engine is the fp32 oracle every other "
        "backend is checked against",
        options.precision));
  }
  try {
    for (const ir::Value& value : graph.values()) {
      if (value.kind == ir::ValueKind::kConstant &&
          static_cast<int64_t>(value.data.size()) != ir::ElementCount(value.shape)) {
        return Status::Error(fmt::format("weights of '{}' are not materialized", value.name));
      }
    }
    session = std::make_unique<ReferenceSession>(graph, std::move(observer));
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("reference prepare failed: {}", error.what()));
  }
  return Status::Ok();
}

}  // namespace

std::string ReferenceBackend::Version() const {
  return fmt::format("edgebench {}", BuildVersion());
}

Support ReferenceBackend::Supports(const ir::Graph&, const ir::Node&) const noexcept {
  return {};  // every IR op has a reference kernel
}

Status ReferenceBackend::Prepare(const ir::Graph& graph, const BackendOptions& options,
                                 std::unique_ptr<Session>& session) noexcept {
  return PrepareReference(graph, options, {}, session);
}

const char* ReferenceEngineRevision() { return EDGEBENCH_REFERENCE_REVISION; }

Status RunReference(const ir::Graph& graph, const std::vector<HostTensor>& inputs,
                    std::vector<HostTensor>& outputs, const NodeObserver& observer) {
  std::unique_ptr<Session> session;
  Status status = PrepareReference(graph, {}, observer, session);
  if (status.ok) status = session->SetInputs(inputs);
  if (status.ok) status = session->Run();
  if (status.ok) status = session->GetOutputs(outputs);
  return status;
}

}  // namespace edgebench::backends::reference
