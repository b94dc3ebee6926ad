#include "backends/libtorch/script_writer.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <variant>

#include "backends/libtorch/lowering.h"
#include "backends/libtorch/modern_lowering.h"

namespace edgebench::backends::libtorch {
namespace {

// Node names go into comments that TorchScript's error messages quote, so they point at
// the failing node; anything that could end the comment line is replaced.
std::string CommentSafe(const std::string& name) {
  std::string safe = name;
  for (char& c : safe) {
    if (c < 0x20 || c == 0x7f) c = '?';
  }
  return safe;
}

}  // namespace

std::string IntList(const std::vector<int64_t>& values) {
  if (values.empty()) return "no_ints";
  return fmt::format("[{}]", fmt::join(values, ", "));
}

std::string FloatLiteral(double value) {
  if (std::isinf(value)) return value > 0 ? "float(\"inf\")" : "float(\"-inf\")";
  std::string text = fmt::format("{:.17g}", value);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

const char* Bool(bool value) { return value ? "True" : "False"; }

std::string ScriptWriter::Write() {
  std::vector<std::string> params;
  for (ir::ValueId id : graph_.inputs()) params.push_back(fmt::format("v{}: Tensor", id));
  out_ << fmt::format("def forward(self, {}):\n", fmt::join(params, ", "));
  // The typed empty list IntList() names; unused ones cost nothing after freezing.
  out_ << "    no_ints: List[int] = []\n";
  line_nodes_.assign(2, "");
  quantized_.assign(graph_.values().size(), false);
  float_.assign(graph_.values().size(), true);
  for (ir::NodeId id : graph_.ExecutionOrder()) {
    if (int8_ != nullptr && (EmitInt8(id) || EmitQuantizedMaxPool(id))) continue;
    const ir::Node& node = graph_.node(id);
    for (ir::ValueId input : node.inputs) EnsureFloat(node, input);
    Emit(node);
  }
  std::vector<std::string> results;
  for (ir::ValueId id : graph_.outputs()) {
    if (!float_[static_cast<size_t>(id)]) EnsureFloat(graph_.node(graph_.value(id).producer), id);
    results.push_back(Name(id));
  }
  if (results.size() == 1) {
    out_ << fmt::format("    return {}\n", results.front());
  } else {
    out_ << fmt::format("    return ({})\n", fmt::join(results, ", "));
  }
  return out_.str();
}

std::string ScriptWriter::Name(ir::ValueId id) const {
  return graph_.value(id).kind == ir::ValueKind::kConstant ? fmt::format("self.c{}", id)
                                                           : fmt::format("v{}", id);
}

std::string ScriptWriter::Optional(const ir::Node& node, size_t i) const {
  return node.inputs.size() > i ? In(node, i) : "None";
}

size_t ScriptWriter::SpatialRank(const ir::Node& node) const { return InputShape(node).size() - 2; }

const ir::Shape& ScriptWriter::InputShape(const ir::Node& node) const {
  return graph_.value(node.inputs.front()).shape;
}

const ir::Shape& ScriptWriter::OutputShape(const ir::Node& node) const {
  return graph_.value(node.outputs.front()).shape;
}

void ScriptWriter::Line(const ir::Node& node, const std::string& target,
                        const std::string& expression) {
  out_ << fmt::format("    {} = {}  # {}\n", target, expression, CommentSafe(node.name));
  line_nodes_.push_back(node.name);
}

std::string ScriptWriter::AddBuffer(const ir::Node& node, Buffer buffer) {
  size_t count = 0;
  const std::string prefix = fmt::format("d{}", node.outputs.front());
  for (const Buffer& existing : buffers_) {
    if (existing.name.rfind(prefix, 0) == 0) ++count;
  }
  buffer.name = count == 0 ? prefix : fmt::format("{}_{}", prefix, count);
  buffers_.push_back(std::move(buffer));
  return "self." + buffers_.back().name;
}

void ScriptWriter::Emit(const ir::Node& node) {
  const std::string y = fmt::format("v{}", node.outputs.front());
  const std::string x = In(node, 0);
  auto call = [&](const char* function) {
    Line(node, y, fmt::format("torch.{}({})", function, x));
  };
  auto call2 = [&](const char* function) {
    Line(node, y, fmt::format("torch.{}({}, {})", function, x, In(node, 1)));
  };
  switch (node.op) {
    case ir::OpKind::kConv:
      return EmitConv(node, y);
    case ir::OpKind::kBatchNorm:
      return Line(node, y,
                  fmt::format("torch.batch_norm({}, {}, {}, {}, {}, False, 0.1, {}, True)", x,
                              In(node, 1), In(node, 2), In(node, 3), In(node, 4),
                              FloatLiteral(std::get<ir::BatchNormAttrs>(node.attrs).epsilon)));
    case ir::OpKind::kRelu:
      return call("relu");
    case ir::OpKind::kRelu6:
      return Line(node, y, fmt::format("torch.hardtanh({}, 0.0, 6.0)", x));
    case ir::OpKind::kLeakyRelu:
      return Line(node, y,
                  fmt::format("torch.leaky_relu({}, {})", x,
                              FloatLiteral(std::get<ir::LeakyReluAttrs>(node.attrs).alpha)));
    case ir::OpKind::kSigmoid:
      return call("sigmoid");
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
      return call2("add");
    case ir::OpKind::kConcat: {
      std::vector<std::string> parts;
      for (size_t i = 0; i < node.inputs.size(); ++i) parts.push_back(In(node, i));
      return Line(node, y,
                  fmt::format("torch.cat([{}], {})", fmt::join(parts, ", "),
                              std::get<ir::ConcatAttrs>(node.attrs).axis));
    }
    case ir::OpKind::kFlatten:
    case ir::OpKind::kReshape:
    case ir::OpKind::kSqueeze:
    case ir::OpKind::kUnsqueeze:
      // The IR knows the output shape; a reshape to it is what each of these computes.
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
    case ir::OpKind::kSub:
      return call2("sub");
    case ir::OpKind::kMul:
      return call2("mul");
    case ir::OpKind::kDiv:
      return call2("div");
    case ir::OpKind::kPow:
      return call2("pow");
    case ir::OpKind::kMaximum:
      return call2("maximum");
    case ir::OpKind::kMinimum:
      return call2("minimum");
    case ir::OpKind::kHardSigmoid:
      return EmitHardSigmoid(node, y);
    case ir::OpKind::kHardSwish:
      return call("hardswish");
    case ir::OpKind::kSilu:
      return call("silu");
    case ir::OpKind::kTanh:
      return call("tanh");
    case ir::OpKind::kExp:
      return call("exp");
    case ir::OpKind::kLog:
      return call("log");
    case ir::OpKind::kSqrt:
      return call("sqrt");
    case ir::OpKind::kAbs:
      return call("abs");
    case ir::OpKind::kNeg:
      return call("neg");
    case ir::OpKind::kErf:
      return call("erf");
    case ir::OpKind::kGelu:
      return Line(
          node, y,
          fmt::format("torch.gelu({}, approximate=\"{}\")", x,
                      std::get<ir::GeluAttrs>(node.attrs).tanh_approximation ? "tanh" : "none"));
    case ir::OpKind::kClip:
      return EmitClip(node, y);
    case ir::OpKind::kReduceMean:
    case ir::OpKind::kReduceSum:
    case ir::OpKind::kReduceMax:
      return EmitReduce(node, y);
    case ir::OpKind::kTranspose:
      return Line(node, y,
                  fmt::format("torch.permute({}, {})", x,
                              IntList(TransposePermutation(std::get<ir::TransposeAttrs>(node.attrs),
                                                           InputShape(node).size()))));
    case ir::OpKind::kSlice:
      return EmitSlice(node, y);
    case ir::OpKind::kPad:
      return EmitPad(node, y);
    case ir::OpKind::kGather:
      return EmitGather(node, y);
    case ir::OpKind::kMatMul:
      return call2("matmul");
    case ir::OpKind::kConvTranspose:
      return EmitConvTranspose(node, y);
    case ir::OpKind::kResize:
      return EmitResize(node, y);
    case ir::OpKind::kLayerNorm:
      return EmitLayerNorm(node, y);
  }
  throw std::logic_error("unknown op");
}

void ScriptWriter::EmitConv(const ir::Node& node, const std::string& y) {
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

void ScriptWriter::EmitPool(const ir::Node& node, const std::string& y) {
  const auto& attrs = std::get<ir::PoolAttrs>(node.attrs);
  const bool average = node.op == ir::OpKind::kAvgPool;
  const size_t rank = SpatialRank(node);
  PoolLowering lowering = LowerPool(attrs, average, InputShape(node), OutputShape(node));
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
    Line(
        node, y,
        fmt::format("torch.avg_pool{}d({}, {}, {}, {}, {}, {}, {})", rank, x, IntList(attrs.kernel),
                    IntList(attrs.strides), IntList(lowering.padding), Bool(attrs.ceil_mode),
                    Bool(attrs.count_include_pad), lowering.divisor.empty() ? "None" : "1"));
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
    const std::string divisor = AddBuffer(
        node, {.shape = std::move(lowering.divisor_shape), .data = std::move(lowering.divisor)});
    Line(node, y, fmt::format("torch.div({}, {})", y, divisor));
  }
}

// torch.nn.functional.local_response_norm is Python, which a C++-defined module cannot
// call; this is the same computation in ATen operators: the mean of x^2 over `size`
// zero-padded channels (an average pool along C counting the padding), then
// x / (k + alpha * mean)^beta -- the IR's x / (k + alpha / size * sum)^beta.
void ScriptWriter::EmitLrn(const ir::Node& node, const std::string& y) {
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
  Line(node, y,
       fmt::format("torch.div({}, torch.pow(torch.add(torch.mul({}, {}), {}), {}))", x, mean,
                   FloatLiteral(attrs.alpha), FloatLiteral(attrs.bias), FloatLiteral(attrs.beta)));
}

}  // namespace edgebench::backends::libtorch
