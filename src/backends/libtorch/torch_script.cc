// libtorch-script: the IR as a TorchScript module, the form a PyTorch model takes for
// deployment (torch.jit.script -> freeze -> optimize_for_inference). The forward() source
// is generated from the IR and compiled by TorchScript's own frontend; weights are module
// parameters, so freezing folds them into the graph as constants (conv-bn folding, and
// oneDNN weight prepacking in optimize_for_inference, work on those constants).

#include <torch/csrc/jit/api/module.h>
#include <torch/script.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <variant>

#include "backends/libtorch/lowering.h"
#include "backends/libtorch/sessions.h"
#include "backends/libtorch/torch_session.h"

namespace edgebench::backends::libtorch {
namespace {

std::string IntList(const std::vector<int64_t>& values) {
  return fmt::format("[{}]", fmt::join(values, ", "));
}

// A TorchScript float literal: always with a '.' or an exponent, since a bare "6" is an
// int and float parameters do not accept ints; 17 digits so the value round-trips.
std::string FloatLiteral(double value) {
  if (std::isinf(value)) return value > 0 ? "float(\"inf\")" : "float(\"-inf\")";
  std::string text = fmt::format("{:.17g}", value);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

const char* Bool(bool value) { return value ? "True" : "False"; }

// Node names go into comments that TorchScript's error messages quote, so they point at
// the failing node; anything that could end the comment line is replaced.
std::string CommentSafe(const std::string& name) {
  std::string safe = name;
  for (char& c : safe) {
    if (c < 0x20 || c == 0x7f) c = '?';
  }
  return safe;
}

// Writes forward() for a graph. Activations are locals "v<id>", weights are module
// parameters "c<id>", per-node helper tensors (average-pool divisors) buffers "d<id>".
class ScriptWriter {
 public:
  explicit ScriptWriter(const ir::Graph& graph) : graph_(graph) {}

  // Buffers the source refers to beyond the weights: name -> host data and shape.
  struct Buffer {
    std::string name;
    std::vector<float> data;
    ir::Shape shape;
  };

  std::string Write() {
    std::vector<std::string> params;
    for (ir::ValueId id : graph_.inputs()) params.push_back(fmt::format("v{}: Tensor", id));
    out_ << fmt::format("def forward(self, {}):\n", fmt::join(params, ", "));
    for (ir::NodeId id : graph_.ExecutionOrder()) Emit(graph_.node(id));
    std::vector<std::string> results;
    for (ir::ValueId id : graph_.outputs()) results.push_back(Name(id));
    if (results.size() == 1) {
      out_ << fmt::format("    return {}\n", results.front());
    } else {
      out_ << fmt::format("    return ({})\n", fmt::join(results, ", "));
    }
    return out_.str();
  }

  const std::vector<Buffer>& buffers() const { return buffers_; }

 private:
  std::string Name(ir::ValueId id) const {
    return graph_.value(id).kind == ir::ValueKind::kConstant ? fmt::format("self.c{}", id)
                                                             : fmt::format("v{}", id);
  }
  std::string In(const ir::Node& node, size_t i) const { return Name(node.inputs[i]); }
  std::string Optional(const ir::Node& node, size_t i) const {
    return node.inputs.size() > i ? In(node, i) : "None";
  }
  size_t SpatialRank(const ir::Node& node) const {
    return graph_.value(node.inputs.front()).shape.size() - 2;
  }

  void Line(const ir::Node& node, const std::string& target, const std::string& expression) {
    out_ << fmt::format("    {} = {}  # {}\n", target, expression, CommentSafe(node.name));
  }

  void Emit(const ir::Node& node) {
    const std::string y = fmt::format("v{}", node.outputs.front());
    const std::string x = In(node, 0);
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
        throw std::runtime_error("PLACEHOLDER: torch_script.cc lacks this op");
      case ir::OpKind::kConv:
        return EmitConv(node, y);
      case ir::OpKind::kBatchNorm:
        return Line(node, y,
                    fmt::format("torch.batch_norm({}, {}, {}, {}, {}, False, 0.1, {}, True)", x,
                                In(node, 1), In(node, 2), In(node, 3), In(node, 4),
                                FloatLiteral(std::get<ir::BatchNormAttrs>(node.attrs).epsilon)));
      case ir::OpKind::kRelu:
        return Line(node, y, fmt::format("torch.relu({})", x));
      case ir::OpKind::kRelu6:
        return Line(node, y, fmt::format("torch.hardtanh({}, 0.0, 6.0)", x));
      case ir::OpKind::kLeakyRelu:
        return Line(node, y,
                    fmt::format("torch.leaky_relu({}, {})", x,
                                FloatLiteral(std::get<ir::LeakyReluAttrs>(node.attrs).alpha)));
      case ir::OpKind::kSigmoid:
        return Line(node, y, fmt::format("torch.sigmoid({})", x));
      case ir::OpKind::kSoftmax:
        return Line(
            node, y,
            fmt::format("torch.softmax({}, {})", x, std::get<ir::SoftmaxAttrs>(node.attrs).axis));
      case ir::OpKind::kMaxPool:
      case ir::OpKind::kAvgPool:
        return EmitPool(node, y);
      case ir::OpKind::kGlobalAvgPool:
        return Line(node, y,
                    fmt::format("torch.adaptive_avg_pool{}d({}, {})", SpatialRank(node), x,
                                IntList(std::vector<int64_t>(SpatialRank(node), 1))));
      case ir::OpKind::kFullyConnected:
        return Line(node, y,
                    fmt::format("torch.linear({}, {}, {})", x, In(node, 1), Optional(node, 2)));
      case ir::OpKind::kAdd:
        return Line(node, y, fmt::format("torch.add({}, {})", x, In(node, 1)));
      case ir::OpKind::kConcat: {
        std::vector<std::string> parts;
        for (size_t i = 0; i < node.inputs.size(); ++i) parts.push_back(In(node, i));
        return Line(node, y,
                    fmt::format("torch.cat([{}], {})", fmt::join(parts, ", "),
                                std::get<ir::ConcatAttrs>(node.attrs).axis));
      }
      case ir::OpKind::kFlatten:
      case ir::OpKind::kReshape:
        return Line(node, y, fmt::format("torch.reshape({}, {})", x, IntList(OutputShape(node))));
      case ir::OpKind::kUpsampleNearest: {
        const ir::Shape& shape = OutputShape(node);
        std::vector<std::string> scales;
        for (int64_t s : std::get<ir::UpsampleAttrs>(node.attrs).scales) {
          scales.push_back(FloatLiteral(static_cast<double>(s)));
        }
        return Line(node, y,
                    fmt::format("torch.upsample_nearest{}d({}, {}, {})", SpatialRank(node), x,
                                IntList(std::vector<int64_t>(shape.begin() + 2, shape.end())),
                                fmt::join(scales, ", ")));
      }
      case ir::OpKind::kLrn:
        return EmitLrn(node, y);
    }
  }

  const ir::Shape& OutputShape(const ir::Node& node) const {
    return graph_.value(node.outputs.front()).shape;
  }

  void EmitConv(const ir::Node& node, const std::string& y) {
    const auto& attrs = std::get<ir::ConvAttrs>(node.attrs);
    const ConvLowering lowering = LowerConv(attrs);
    std::string x = In(node, 0);
    if (!lowering.explicit_pad.empty()) {
      Line(node, y,
           fmt::format("torch.constant_pad_nd({}, {}, 0.0)", x, IntList(lowering.explicit_pad)));
      x = y;
    }
    Line(node, y,
         fmt::format("torch.conv{}d({}, {}, {}, {}, {}, {}, {})", SpatialRank(node), x, In(node, 1),
                     Optional(node, 2), IntList(attrs.strides), IntList(lowering.padding),
                     IntList(attrs.dilations), attrs.groups));
  }

  void EmitPool(const ir::Node& node, const std::string& y) {
    const auto& attrs = std::get<ir::PoolAttrs>(node.attrs);
    const bool average = node.op == ir::OpKind::kAvgPool;
    const size_t rank = SpatialRank(node);
    PoolLowering lowering =
        LowerPool(attrs, average, graph_.value(node.inputs.front()).shape, OutputShape(node));
    std::string x = In(node, 0);
    if (!lowering.explicit_pad.empty()) {
      // -inf never wins a max, as the IR's padding never does; zeros add nothing to a sum.
      const double fill = average ? 0.0 : -std::numeric_limits<double>::infinity();
      Line(node, y,
           fmt::format("torch.constant_pad_nd({}, {}, {})", x, IntList(lowering.explicit_pad),
                       FloatLiteral(fill)));
      x = y;
    }
    if (average) {
      // With explicit padding ATen only sums (divisor 1); the IR divisor follows below.
      Line(node, y,
           fmt::format("torch.avg_pool{}d({}, {}, {}, {}, {}, {}, {})", rank, x,
                       IntList(attrs.kernel), IntList(attrs.strides), IntList(lowering.padding),
                       Bool(attrs.ceil_mode), Bool(attrs.count_include_pad),
                       lowering.divisor.empty() ? "None" : "1"));
    } else {
      Line(node, y,
           fmt::format("torch.max_pool{}d({}, {}, {}, {}, {}, {})", rank, x, IntList(attrs.kernel),
                       IntList(attrs.strides), IntList(lowering.padding),
                       IntList(std::vector<int64_t>(rank, 1)), Bool(attrs.ceil_mode)));
    }
    for (size_t d = 0; d < lowering.trim.size(); ++d) {
      if (lowering.trim[d] >= 0) {
        Line(node, y, fmt::format("torch.narrow({}, {}, 0, {})", y, 2 + d, lowering.trim[d]));
      }
    }
    if (!lowering.divisor.empty()) {
      const std::string name = fmt::format("d{}", node.outputs.front());
      Line(node, y, fmt::format("torch.div({}, self.{})", y, name));
      buffers_.push_back({name, std::move(lowering.divisor), std::move(lowering.divisor_shape)});
    }
  }

  // torch.nn.functional.local_response_norm is Python, which a C++-defined module cannot
  // call; this is the same computation in ATen operators: the mean of x^2 over `size`
  // zero-padded channels (an average pool along C counting the padding), then
  // x / (k + alpha * mean)^beta -- the IR's x / (k + alpha / size * sum)^beta.
  void EmitLrn(const ir::Node& node, const std::string& y) {
    const auto& attrs = std::get<ir::LrnAttrs>(node.attrs);
    const ir::Shape& shape = OutputShape(node);
    int64_t plane = 1;
    for (size_t d = 2; d < shape.size(); ++d) plane *= shape[d];
    const std::string x = In(node, 0);
    const std::string mean = fmt::format("s{}", node.outputs.front());
    Line(node, mean,
         fmt::format("torch.reshape(torch.mul({}, {}), [{}, 1, {}, {}])", x, x, shape[0], shape[1],
                     plane));
    Line(node, mean,
         fmt::format("torch.avg_pool2d({}, [{}, 1], [1, 1], [{}, 0], False, True, None)", mean,
                     attrs.size, attrs.size / 2));
    Line(node, mean, fmt::format("torch.reshape({}, {})", mean, IntList(shape)));
    Line(
        node, y,
        fmt::format("torch.div({}, torch.pow(torch.add(torch.mul({}, {}), {}), {}))", x, mean,
                    FloatLiteral(attrs.alpha), FloatLiteral(attrs.bias), FloatLiteral(attrs.beta)));
  }

  const ir::Graph& graph_;
  std::ostringstream out_;
  std::vector<Buffer> buffers_;
};

class ScriptSession final : public TorchSession {
 public:
  ScriptSession(const ir::Graph& graph, const c10::Device& device, int threads,
                torch::jit::Module module)
      : TorchSession(graph, device, threads), module_(std::move(module)) {}

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
      module.register_buffer(buffer.name, TensorFromHost(buffer.data, buffer.shape, device));
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
