// Gemm and MatMul. A 2-D activation times a constant matrix becomes FullyConnected (with
// the bias folded in where Gemm's C allows); everything else -- activations on both
// sides, batched operands, transA, alpha and beta -- becomes MatMul with Transpose, Mul
// and Add around it.

#include <fmt/format.h>

#include "formats/onnx_import_ops.h"
#include "ir/op_semantics.h"

namespace edgebench::formats::onnx_detail {
namespace {

// A constant matrix transposed, [rows, cols] -> [cols, rows].
ir::ValueId TransposedWeight(ImportContext& context, const std::string& name, const char* what) {
  const ConstTensor& b = context.RequireConstant(name, what);
  if (b.is_int) throw FormatError(fmt::format("{} '{}' has an integer type", what, name));
  const int64_t rows = b.dims[0];
  const int64_t cols = b.dims[1];
  std::vector<float> data(b.floats.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      data[static_cast<size_t>(c * rows + r)] = b.floats[static_cast<size_t>(r * cols + c)];
    }
  }
  return context.NewWeight(name + "_transposed", {cols, rows}, ir::WeightRole::kWeight,
                           std::move(data));
}

bool IsMatrix(const ir::Shape& dims) { return dims.size() == 2 && dims[0] > 0 && dims[1] > 0; }

// Gemm's bias C as a FullyConnected bias [N]: a vector, a row [1, N] or a scalar; kNoId
// when C has another shape.
ir::ValueId FullyConnectedBias(ImportContext& context, const std::string& c_name, int64_t outputs) {
  const ir::Shape c_shape = context.ShapeOf(c_name);
  const int64_t count = ir::ElementCount(c_shape);
  if (c_shape == ir::Shape{outputs}) {
    return context.Weight(c_name, ir::WeightRole::kBias, "Gemm input C");
  }
  const bool row = count == outputs && c_shape.size() == 2 && c_shape[0] == 1;
  if (!row && !(count == 1 && c_shape.size() <= 2)) return ir::kNoId;
  const ConstTensor& c = context.RequireConstant(c_name, "Gemm input C");
  if (c.is_int) throw FormatError("Gemm input C has an integer type");
  std::vector<float> data =
      row ? c.floats : std::vector<float>(static_cast<size_t>(outputs), c.floats.front());
  return context.NewWeight(c_name, {outputs}, ir::WeightRole::kBias, std::move(data));
}

// Emits the steps of a node imported as a chain; the last one takes the node's name
// and output.
class Chain {
 public:
  Chain(ImportContext& context, const onnx::NodeProto& node, const std::string& name, int steps)
      : context_(context), node_(node), name_(name), remaining_(steps) {}

  ir::ValueId Step(const char* suffix, ir::OpKind op, ir::Attrs attrs,
                   std::vector<ir::ValueId> inputs) {
    if (--remaining_ == 0) {
      return context_.Emit(name_, node_.output(0), op, std::move(attrs), std::move(inputs));
    }
    return context_.Emit(fmt::format("{}_{}", name_, suffix),
                         IntermediateName(context_, name_, suffix), op, std::move(attrs),
                         std::move(inputs));
  }

 private:
  ImportContext& context_;
  const onnx::NodeProto& node_;
  const std::string& name_;
  int remaining_;
};

}  // namespace

void ConvertGemm(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                 NodeAttributes& attrs) {
  ExpectInputCount(node, 2, 3);
  attrs.Ignore({"broadcast"});  // opset < 7: C broadcasts in every form accepted here
  const std::string& a_name = node.input(0);
  const std::string& b_name = node.input(1);
  const bool trans_a = attrs.Int("transA", 0) != 0;
  const bool trans_b = attrs.Int("transB", 0) != 0;
  const float alpha = attrs.Float("alpha", 1.0f);
  const float beta = attrs.Float("beta", 1.0f);
  const ir::Shape a_shape = context.ShapeOf(a_name);
  const ir::Shape b_shape = context.ShapeOf(b_name);
  if (!IsMatrix(a_shape) || !IsMatrix(b_shape)) {
    throw FormatError(fmt::format("Gemm of {} and {}; both must be non-empty matrices",
                                  fmt::join(a_shape, "x"), fmt::join(b_shape, "x")));
  }
  const int64_t features = trans_a ? a_shape[0] : a_shape[1];
  const int64_t outputs = trans_b ? b_shape[0] : b_shape[1];
  if ((trans_b ? b_shape[1] : b_shape[0]) != features) {
    throw FormatError(
        fmt::format("B {} does not match A {}", fmt::join(b_shape, "x"), fmt::join(a_shape, "x")));
  }
  // beta = 0 drops C exactly.
  const std::string c_name = beta == 0.0f ? std::string() : InputName(node, 2);
  const bool fully_connected =
      context.IsActivation(a_name) && !trans_a && context.IsConstant(b_name);
  const ir::ValueId weight = !fully_connected ? ir::kNoId
                             : trans_b
                                 ? context.Weight(b_name, ir::WeightRole::kWeight, "Gemm input B")
                                 : TransposedWeight(context, b_name, "Gemm input B");
  // Scaling the weights would change their rounding: only alpha = beta = 1 folds the
  // bias into FullyConnected.
  if (fully_connected && alpha == 1.0f && (c_name.empty() || beta == 1.0f)) {
    const ir::ValueId bias = c_name.empty() || !context.IsConstant(c_name)
                                 ? ir::kNoId
                                 : FullyConnectedBias(context, c_name, outputs);
    if (c_name.empty() || bias != ir::kNoId) {
      std::vector<ir::ValueId> inputs{context.RequireActivation(a_name), weight};
      if (bias != ir::kNoId) inputs.push_back(bias);
      context.Emit(name, node.output(0), ir::OpKind::kFullyConnected, {}, std::move(inputs));
      return;
    }
  }
  if (!context.IsActivation(a_name) && !context.IsActivation(b_name)) {
    context.RequireActivation(a_name);  // throws: the product would be a constant
  }
  const bool add_c = !c_name.empty();
  if (add_c) {
    const ir::Shape c_shape = context.ShapeOf(c_name);
    const ir::Shape product{trans_a ? a_shape[1] : a_shape[0], outputs};
    bool fits = c_shape.size() <= 2;
    try {
      fits = fits && ir::BroadcastShapes(product, c_shape) == product;
    } catch (const ir::GraphError&) {
      fits = false;
    }
    if (!fits) {
      throw FormatError(fmt::format("C {} does not broadcast to the product {}",
                                    fmt::join(c_shape, "x"), fmt::join(product, "x")));
    }
  }
  const bool c_needs_scaling = add_c && beta != 1.0f && context.IsActivation(c_name);
  const int steps = 1 +
                    (fully_connected ? 0
                                     : (trans_a && context.IsActivation(a_name)) +
                                           (trans_b && context.IsActivation(b_name))) +
                    (alpha != 1.0f) + 2 * add_c - (add_c && !c_needs_scaling);
  Chain chain(context, node, name, steps);
  ir::ValueId product;
  if (fully_connected) {
    product = chain.Step("matmul", ir::OpKind::kFullyConnected, {},
                         {context.RequireActivation(a_name), weight});
  } else {
    auto operand = [&](const std::string& input, bool transpose, const char* suffix) {
      if (context.IsConstant(input)) {
        return transpose ? TransposedWeight(context, input, "Gemm operand")
                         : context.Weight(input, ir::WeightRole::kWeight, "Gemm operand");
      }
      const ir::ValueId value = context.RequireActivation(input);
      if (!transpose) return value;
      return chain.Step(suffix, ir::OpKind::kTranspose, ir::TransposeAttrs{.perm = {1, 0}},
                        {value});
    };
    const ir::ValueId a = operand(a_name, trans_a, "transpose_a");
    const ir::ValueId b = operand(b_name, trans_b, "transpose_b");
    product = chain.Step("matmul", ir::OpKind::kMatMul, {}, {a, b});
  }
  if (alpha != 1.0f) {
    const ir::ValueId scale =
        context.NewWeight(name + "_alpha", {}, ir::WeightRole::kNone, {alpha});
    product = chain.Step("alpha", ir::OpKind::kMul, {}, {product, scale});
  }
  if (!add_c) return;
  ir::ValueId c;
  if (context.IsActivation(c_name)) {
    c = context.RequireActivation(c_name);
    if (c_needs_scaling) {
      const ir::ValueId scale =
          context.NewWeight(name + "_beta", {}, ir::WeightRole::kNone, {beta});
      c = chain.Step("beta", ir::OpKind::kMul, {}, {c, scale});
    }
  } else if (beta == 1.0f) {
    c = context.Operand(c_name, ir::WeightRole::kBias, "Gemm input C");
  } else {
    // beta * C once, in f32, as the ONNX reference computes it.
    const ConstTensor& constant = context.RequireConstant(c_name, "Gemm input C");
    if (constant.is_int) throw FormatError("Gemm input C has an integer type");
    std::vector<float> data = constant.floats;
    for (float& v : data) v *= beta;
    c = context.NewWeight(c_name, constant.dims, ir::WeightRole::kBias, std::move(data));
  }
  chain.Step("bias", ir::OpKind::kAdd, {}, {product, c});
}

void ConvertMatMul(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                   NodeAttributes&) {
  ExpectInputCount(node, 2, 2);
  const std::string& a_name = node.input(0);
  const std::string& b_name = node.input(1);
  const ir::Shape a_shape = context.ShapeOf(a_name);
  const ir::Shape b_shape = context.ShapeOf(b_name);
  if (context.IsActivation(a_name) && context.IsConstant(b_name) && a_shape.size() == 2 &&
      IsMatrix(b_shape)) {
    if (b_shape[0] != a_shape[1]) {
      throw FormatError(fmt::format("MatMul dims {} and {} do not match", fmt::join(a_shape, "x"),
                                    fmt::join(b_shape, "x")));
    }
    context.Emit(
        name, node.output(0), ir::OpKind::kFullyConnected, {},
        {context.RequireActivation(a_name), TransposedWeight(context, b_name, "MatMul weight")});
    return;
  }
  if (!context.IsActivation(a_name) && !context.IsActivation(b_name)) {
    context.RequireActivation(a_name);  // throws: the product would be a constant
  }
  context.Emit(name, node.output(0), ir::OpKind::kMatMul, {},
               {context.Operand(a_name, ir::WeightRole::kWeight, "MatMul operand"),
                context.Operand(b_name, ir::WeightRole::kWeight, "MatMul operand")});
}

}  // namespace edgebench::formats::onnx_detail
