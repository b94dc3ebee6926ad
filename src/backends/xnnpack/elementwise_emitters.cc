// The elementwise half of SubgraphBuilder's node emitters: binary ops with NumPy
// broadcasting (constants aligned to the output's rank and layout), unary activations and
// their exact compositions (hard sigmoid, SiLU), softmax, and batch norm without a
// convolution to fold into.
#include <fmt/format.h>

#include <limits>
#include <variant>

#include "backends/xnnpack/layout.h"
#include "backends/xnnpack/subgraph_builder.h"
#include "backends/xnnpack/weights.h"

namespace edgebench::backends::xnnpack {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

}  // namespace

void SubgraphBuilder::EmitBatchNorm(const ir::Node& node) {
  // A batch norm with no convolution to fold into: x * scale + shift per channel.
  const ir::Shape& x = graph_.value(node.inputs[0]).shape;
  ChannelAffine affine = BatchNormAffine(ConstantData(node.inputs[1]), ConstantData(node.inputs[2]),
                                         ConstantData(node.inputs[3]), ConstantData(node.inputs[4]),
                                         std::get<ir::BatchNormAttrs>(node.attrs).epsilon);
  ir::Shape per_channel(x.size(), 1);
  per_channel[1] = x[1];
  const std::vector<size_t> dims = StorageDims(per_channel);
  const uint32_t input = Read(node.inputs[0]);
  const uint32_t scale = DefineStatic(dims, std::move(affine.scale));
  const uint32_t shift = DefineStatic(dims, std::move(affine.shift));
  const uint32_t scaled = DefineInternal(StorageDims(x));
  Check(xnn_define_multiply2(result_.subgraph.get(), -kInf, kInf, input, scale, scaled, 0),
        "xnn_define_multiply2");
  Check(xnn_define_add2(result_.subgraph.get(), -kInf, kInf, scaled, shift,
                        DefineOutput(node.outputs[0]), 0),
        "xnn_define_add2");
}

void SubgraphBuilder::EmitBinary(const ir::Node& node) {
  const size_t rank = graph_.value(node.outputs[0]).shape.size();
  uint32_t operands[2];
  for (size_t i = 0; i < 2; ++i) {
    const ir::ValueId id = node.inputs[i];
    if (graph_.value(id).kind != ir::ValueKind::kConstant) {
      operands[i] = Read(id);
      continue;
    }
    std::vector<float> data = ConstantData(id);
    const std::vector<size_t> dims = AlignBroadcastConstant(graph_.value(id).shape, rank, data);
    operands[i] = DefineStatic(dims, std::move(data));
  }
  const uint32_t output = DefineOutput(node.outputs[0]);
  xnn_subgraph_t s = result_.subgraph.get();
  switch (node.op) {
    case ir::OpKind::kAdd:
      return Check(xnn_define_add2(s, -kInf, kInf, operands[0], operands[1], output, 0),
                   "xnn_define_add2");
    case ir::OpKind::kSub:
      return Check(xnn_define_subtract(s, -kInf, kInf, operands[0], operands[1], output, 0),
                   "xnn_define_subtract");
    case ir::OpKind::kMul:
      return Check(xnn_define_multiply2(s, -kInf, kInf, operands[0], operands[1], output, 0),
                   "xnn_define_multiply2");
    case ir::OpKind::kDiv:
      return Check(xnn_define_divide(s, -kInf, kInf, operands[0], operands[1], output, 0),
                   "xnn_define_divide");
    case ir::OpKind::kMaximum:
      return Check(xnn_define_maximum2(s, operands[0], operands[1], output, 0),
                   "xnn_define_maximum2");
    case ir::OpKind::kMinimum:
      return Check(xnn_define_minimum2(s, operands[0], operands[1], output, 0),
                   "xnn_define_minimum2");
    default:
      throw BuildError(fmt::format("'{}' is not a binary op", node.name));
  }
}

void SubgraphBuilder::EmitUnary(const ir::Node& node) {
  const ir::ValueId x = node.inputs[0];
  const uint32_t input = Read(x);
  xnn_subgraph_t s = result_.subgraph.get();
  float min = 0.0f, max = 0.0f;
  if (ClampBounds(node, min, max)) {
    return Check(xnn_define_clamp(s, min, max, input, DefineOutput(node.outputs[0]), 0),
                 "xnn_define_clamp");
  }
  switch (node.op) {
    case ir::OpKind::kLeakyRelu:
      return Check(xnn_define_leaky_relu(s, std::get<ir::LeakyReluAttrs>(node.attrs).alpha, input,
                                         DefineOutput(node.outputs[0]), 0),
                   "xnn_define_leaky_relu");
    case ir::OpKind::kSigmoid:
      return Check(xnn_define_sigmoid(s, input, DefineOutput(node.outputs[0]), 0),
                   "xnn_define_sigmoid");
    case ir::OpKind::kHardSwish:
      return Check(xnn_define_hardswish(s, input, DefineOutput(node.outputs[0]), 0),
                   "xnn_define_hardswish");
    case ir::OpKind::kAbs:
      return Check(xnn_define_abs(s, input, DefineOutput(node.outputs[0]), 0), "xnn_define_abs");
    case ir::OpKind::kNeg:
      return Check(xnn_define_negate(s, input, DefineOutput(node.outputs[0]), 0),
                   "xnn_define_negate");
    case ir::OpKind::kSqrt:
      return Check(xnn_define_square_root(s, input, DefineOutput(node.outputs[0]), 0),
                   "xnn_define_square_root");
    case ir::OpKind::kSoftmax:
      return Check(xnn_define_softmax(s, input, DefineOutput(node.outputs[0]), 0),
                   "xnn_define_softmax");
    case ir::OpKind::kHardSigmoid: {
      // clamp(alpha * x + beta, 0, 1): a multiply, then an add with the clamp fused.
      const auto& attrs = std::get<ir::HardSigmoidAttrs>(node.attrs);
      const uint32_t scaled = DefineInternal(StorageDims(graph_.value(x).shape));
      Check(
          xnn_define_multiply2(s, -kInf, kInf, input, DefineScalarLike(x, attrs.alpha), scaled, 0),
          "xnn_define_multiply2");
      return Check(xnn_define_add2(s, 0.0f, 1.0f, scaled, DefineScalarLike(x, attrs.beta),
                                   DefineOutput(node.outputs[0]), 0),
                   "xnn_define_add2");
    }
    case ir::OpKind::kSilu: {
      // x * sigmoid(x).
      const uint32_t gate = DefineInternal(StorageDims(graph_.value(x).shape));
      Check(xnn_define_sigmoid(s, input, gate, 0), "xnn_define_sigmoid");
      return Check(
          xnn_define_multiply2(s, -kInf, kInf, input, gate, DefineOutput(node.outputs[0]), 0),
          "xnn_define_multiply2");
    }
    default:
      throw BuildError(fmt::format("'{}' is not a unary op", node.name));
  }
}

}  // namespace edgebench::backends::xnnpack
