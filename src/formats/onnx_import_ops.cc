// The op-type dispatch table, helpers shared by the converters, and the simplest
// converters: ReLU-family activations (PRelu as a short chain), (Log)Softmax, global
// pooling, Concat, Flatten, Reshape and the pass-throughs (Dropout, Identity).

#include "formats/onnx_import_ops.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <map>

namespace edgebench::formats::onnx_detail {

std::string InputName(const onnx::NodeProto& node, int i) {
  return i < node.input_size() ? node.input(i) : std::string();
}

void ExpectInputCount(const onnx::NodeProto& node, int min, int max) {
  const int count = node.input_size();
  if (count < min || count > max) {
    throw FormatError(min == max ? fmt::format("expects {} inputs, has {}", min, count)
                                 : fmt::format("expects {} to {} inputs, has {}", min, max, count));
  }
  for (int i = 0; i < min; ++i) {
    if (node.input(i).empty()) throw FormatError(fmt::format("required input #{} is empty", i));
  }
}

size_t SpatialRank(const ir::Shape& shape, const std::string& op) {
  if (shape.size() != 4 && shape.size() != 5) {
    throw UnsupportedModelError(
        fmt::format("{} on a rank-{} tensor {}; only 2-D (NCHW) and 3-D (NCDHW) are supported", op,
                    shape.size(), fmt::join(shape, "x")));
  }
  return shape.size() - 2;
}

float ScalarInput(ImportContext& context, const std::string& name, const char* role) {
  const ConstTensor& tensor = context.RequireConstant(name, role);
  if (tensor.size() != 1) {
    throw FormatError(fmt::format("{} '{}' must hold one value", role, name));
  }
  return static_cast<float>(tensor.At(0));
}

std::vector<int64_t> IntsInput(ImportContext& context, const std::string& name, const char* role) {
  const ConstTensor& tensor = context.RequireConstant(name, role);
  if (!tensor.is_int || tensor.dims.size() > 1) {
    throw FormatError(fmt::format("{} '{}' must be a 1-D integer tensor", role, name));
  }
  return tensor.ints;
}

std::string IntermediateName(ImportContext& context, const std::string& node_name,
                             const std::string& suffix) {
  return context.UniqueValueName(fmt::format("{}_{}", node_name, suffix));
}

namespace {

// An op reading only input #0 as an activation (callers check their input counts).
void EmitUnary(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
               ir::OpKind op, ir::Attrs attrs = {}) {
  context.Emit(name, node.output(0), op, std::move(attrs),
               {context.RequireActivation(node.input(0))});
}

void ConvertRelu(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                 NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 1);
  attrs.Ignore({"consumed_inputs"});
  EmitUnary(context, node, name, ir::OpKind::kRelu);
}

void ConvertSigmoid(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                    NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 1);
  attrs.Ignore({"consumed_inputs"});
  EmitUnary(context, node, name, ir::OpKind::kSigmoid);
}

void ConvertLeakyRelu(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                      NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 1);
  attrs.Ignore({"consumed_inputs"});
  EmitUnary(context, node, name, ir::OpKind::kLeakyRelu,
            ir::LeakyReluAttrs{.alpha = attrs.Float("alpha", 0.01f)});
}

void ConvertSoftmax(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                    NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 1);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const ir::Shape shape = context.graph().value(x).shape;
  const auto rank = static_cast<int64_t>(shape.size());
  int64_t axis = attrs.Int("axis", context.opset() < 13 ? 1 : -1);
  if (axis < -rank || axis >= rank) {
    throw FormatError(fmt::format("axis {} out of range for rank {}", axis, rank));
  }
  if (axis < 0) axis += rank;
  if (context.opset() < 13) {
    // Before opset 13, Softmax flattens the dims from `axis` on into one and normalizes
    // over all of them: the same as a one-axis softmax only when at most one of those
    // dims is larger than 1.
    int64_t wide = -1;
    for (int64_t d = axis; d < rank; ++d) {
      if (shape[static_cast<size_t>(d)] == 1) continue;
      if (wide >= 0) {
        throw UnsupportedModelError(
            fmt::format("{} (opset {}) over dims {}.. of {} at once; only one-axis softmax",
                        node.op_type(), context.opset(), axis, fmt::join(shape, "x")));
      }
      wide = d;
    }
    if (wide >= 0) axis = wide;
  }
  if (node.op_type() == "Softmax") {
    context.Emit(name, node.output(0), ir::OpKind::kSoftmax, ir::SoftmaxAttrs{.axis = axis}, {x});
    return;
  }
  // LogSoftmax: log of the softmax, exact to float rounding while no probability
  // underflows (below about e^-87).
  const ir::ValueId softmax =
      context.Emit(fmt::format("{}_softmax", name), IntermediateName(context, name, "softmax"),
                   ir::OpKind::kSoftmax, ir::SoftmaxAttrs{.axis = axis}, {x});
  context.Emit(name, node.output(0), ir::OpKind::kLog, {}, {softmax});
}

// GlobalMaxPool: the maximum over the spatial dims, kept as 1s.
void ConvertGlobalMaxPool(ImportContext& context, const onnx::NodeProto& node,
                          const std::string& name, NodeAttributes&) {
  ExpectInputCount(node, 1, 1);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const size_t rank = context.graph().value(x).shape.size();
  if (rank < 3) throw FormatError(fmt::format("GlobalMaxPool of a rank-{} tensor", rank));
  ir::ReduceAttrs reduce{.keepdims = true};
  for (size_t d = 2; d < rank; ++d) reduce.axes.push_back(static_cast<int64_t>(d));
  context.Emit(name, node.output(0), ir::OpKind::kReduceMax, std::move(reduce), {x});
}

// PRelu: relu(x) + slope * min(x, 0), exact for every sign of x.
void ConvertPRelu(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                  NodeAttributes& attrs) {
  ExpectInputCount(node, 2, 2);
  attrs.Ignore({"consumed_inputs"});
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const ir::Shape x_shape = context.graph().value(x).shape;
  ir::Shape slope_shape = context.ShapeOf(node.input(1));
  ir::ValueId slope = ir::kNoId;
  if (context.opset() < 7 && slope_shape.size() == 1 && x_shape.size() > 2 &&
      slope_shape[0] == x_shape[1] && slope_shape[0] != 1) {
    // Before opset 7 a 1-D slope holds one value per channel (dim 1), not per last dim.
    const ConstTensor& constant = context.RequireConstant(node.input(1), "per-channel slope");
    if (constant.is_int) throw FormatError("PRelu slope has an integer type");
    slope_shape = ir::Shape(x_shape.size() - 1, 1);
    slope_shape[0] = x_shape[1];
    slope = context.NewWeight(node.input(1), slope_shape, ir::WeightRole::kWeight, constant.floats);
  }
  // The slope broadcasts to x, never the other way (ONNX: unidirectional).
  bool fits = slope_shape.size() <= x_shape.size();
  for (size_t d = 0; fits && d < slope_shape.size(); ++d) {
    const int64_t dim = slope_shape[slope_shape.size() - 1 - d];
    fits = dim == 1 || dim == x_shape[x_shape.size() - 1 - d];
  }
  if (!fits) {
    throw FormatError(fmt::format("slope {} does not broadcast to {}", fmt::join(slope_shape, "x"),
                                  fmt::join(x_shape, "x")));
  }
  if (slope == ir::kNoId) {
    slope = context.Operand(node.input(1), ir::WeightRole::kWeight, "slope");
  }
  auto step = [&](const char* suffix, ir::OpKind op, std::vector<ir::ValueId> inputs) {
    return context.Emit(fmt::format("{}_{}", name, suffix), IntermediateName(context, name, suffix),
                        op, {}, std::move(inputs));
  };
  const ir::ValueId positive = step("positive", ir::OpKind::kRelu, {x});
  const ir::ValueId negative =
      step("negative", ir::OpKind::kMinimum,
           {x, context.NewWeight(name + "_zero", {}, ir::WeightRole::kNone, {0.0f})});
  const ir::ValueId scaled = step("scaled", ir::OpKind::kMul, {negative, slope});
  context.Emit(name, node.output(0), ir::OpKind::kAdd, {}, {positive, scaled});
}

void ConvertGlobalAveragePool(ImportContext& context, const onnx::NodeProto& node,
                              const std::string& name, NodeAttributes&) {
  ExpectInputCount(node, 1, 1);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  SpatialRank(context.graph().value(x).shape, "GlobalAveragePool");
  context.Emit(name, node.output(0), ir::OpKind::kGlobalAvgPool, {}, {x});
}

void ConvertConcat(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                   NodeAttributes& attrs) {
  if (node.input_size() < 1) throw FormatError("Concat without inputs");
  std::vector<ir::ValueId> inputs;
  // A constant beside run-time tensors (ViT's class token, expanded to the batch) becomes
  // an IR constant; all-constant Concats were folded before reaching here.
  for (const std::string& input : node.input()) {
    inputs.push_back(context.IsConstant(input)
                         ? context.Weight(input, ir::WeightRole::kNone, "Concat input")
                         : context.RequireActivation(input));
  }
  const int64_t axis = attrs.Int("axis", 1);
  context.Emit(name, node.output(0), ir::OpKind::kConcat, ir::ConcatAttrs{.axis = axis},
               std::move(inputs));
}

void ConvertFlatten(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                    NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 1);
  EmitUnary(context, node, name, ir::OpKind::kFlatten,
            ir::FlattenAttrs{.axis = attrs.Int("axis", 1)});
}

void ConvertReshape(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                    NodeAttributes& attrs) {
  std::vector<int64_t> target;
  if (context.opset() < 5) {
    ExpectInputCount(node, 1, 1);
    attrs.Ignore({"consumed_inputs"});
    target = attrs.Ints("shape");
  } else {
    ExpectInputCount(node, 2, 2);
    const ConstTensor& shape = context.RequireConstant(node.input(1), "Reshape shape");
    if (!shape.is_int || shape.dims.size() != 1) {
      throw FormatError("Reshape shape must be a 1-D integer tensor");
    }
    target = shape.ints;
  }
  const bool allow_zero = attrs.Int("allowzero", 0) != 0;
  // The IR multiplies the dims out: bound them here first.
  int64_t known = 1;
  for (int64_t dim : target) {
    if (dim < -1) throw FormatError(fmt::format("Reshape dim {} is invalid", dim));
    if (dim == 0 && allow_zero) throw UnsupportedModelError("Reshape to an empty tensor");
    if (dim > 0) {
      if (dim > context.limits().max_tensor_elements / known) {
        throw FormatError("Reshape target exceeds the element limit");
      }
      known *= dim;
    }
  }
  EmitUnary(context, node, name, ir::OpKind::kReshape, ir::ReshapeAttrs{.shape = target});
}

void ConvertDropout(ImportContext& context, const onnx::NodeProto& node, const std::string&,
                    NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 3);
  attrs.Ignore({"ratio", "seed", "is_test", "consumed_inputs"});
  const std::string training = InputName(node, 2);
  if (!training.empty() && ScalarInput(context, training, "training_mode") != 0.0f) {
    throw UnsupportedModelError("Dropout in training mode");
  }
  context.Alias(node.output(0), node.input(0));
}

void ConvertIdentity(ImportContext& context, const onnx::NodeProto& node, const std::string&,
                     NodeAttributes&) {
  ExpectInputCount(node, 1, 1);
  context.Alias(node.output(0), node.input(0));
}

const std::map<std::string, Converter, std::less<>>& Converters() {
  static const std::map<std::string, Converter, std::less<>> kConverters = {
      {"Abs", ConvertUnary},
      {"Add", ConvertBinary},
      {"AveragePool", ConvertAveragePool},
      {"BatchNormalization", ConvertBatchNorm},
      {"Cast", ConvertCast},
      {"Clip", ConvertClip},
      {"Concat", ConvertConcat},
      {"Conv", ConvertConv},
      {"ConvTranspose", ConvertConvTranspose},
      {"Div", ConvertBinary},
      {"Dropout", ConvertDropout},
      {"Erf", ConvertUnary},
      {"Exp", ConvertUnary},
      {"Flatten", ConvertFlatten},
      {"Gather", ConvertGather},
      {"Gelu", ConvertGelu},
      {"Gemm", ConvertGemm},
      {"GlobalAveragePool", ConvertGlobalAveragePool},
      {"GlobalMaxPool", ConvertGlobalMaxPool},
      {"HardSigmoid", ConvertHardSigmoid},
      {"HardSwish", ConvertUnary},
      {"Identity", ConvertIdentity},
      {"LayerNormalization", ConvertLayerNorm},
      {"LeakyRelu", ConvertLeakyRelu},
      {"Log", ConvertUnary},
      {"LogSoftmax", ConvertSoftmax},
      {"LRN", ConvertLrn},
      {"MatMul", ConvertMatMul},
      {"Max", ConvertVariadic},
      {"MaxPool", ConvertMaxPool},
      {"Mean", ConvertVariadic},
      {"Min", ConvertVariadic},
      {"Mul", ConvertBinary},
      {"Neg", ConvertUnary},
      {"Pad", ConvertPad},
      {"Pow", ConvertBinary},
      {"PRelu", ConvertPRelu},
      {"Reciprocal", ConvertUnary},
      {"ReduceL1", ConvertReduce},
      {"ReduceL2", ConvertReduce},
      {"ReduceLogSum", ConvertReduce},
      {"ReduceLogSumExp", ConvertReduce},
      {"ReduceMax", ConvertReduce},
      {"ReduceMean", ConvertReduce},
      {"ReduceMin", ConvertReduce},
      {"ReduceSum", ConvertReduce},
      {"ReduceSumSquare", ConvertReduce},
      {"Relu", ConvertRelu},
      {"Reshape", ConvertReshape},
      {"Resize", ConvertResize},
      {"Sigmoid", ConvertSigmoid},
      {"Slice", ConvertSlice},
      {"Softmax", ConvertSoftmax},
      {"Softsign", ConvertUnary},
      {"Split", ConvertSplit},
      {"Sqrt", ConvertUnary},
      {"Squeeze", ConvertSqueeze},
      {"Sub", ConvertBinary},
      {"Sum", ConvertVariadic},
      {"Tanh", ConvertUnary},
      {"Transpose", ConvertTranspose},
      {"Unsqueeze", ConvertSqueeze},
      {"Upsample", ConvertResize},
  };
  return kConverters;
}

}  // namespace

bool HasConverter(const std::string& op_type) { return Converters().contains(op_type); }

void ConvertNode(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                 NodeAttributes& attrs) {
  if (node.output_size() < 1 || node.output(0).empty()) {
    throw FormatError("the node has no output");
  }
  Converters().at(node.op_type())(context, node, name, attrs);
}

bool IsConstantSlot(const std::string& op_type, int index) {
  // [first, last] input slots the IR takes as constants (weights, attributes).
  static const std::map<std::string, std::pair<int, int>, std::less<>> kSlots = {
      {"BatchNormalization", {1, 4}},
      {"Clip", {1, 2}},
      {"Conv", {1, 2}},
      {"ConvTranspose", {1, 2}},
      {"Dropout", {1, 2}},
      {"Gather", {1, 1}},
      {"Gemm", {1, 2}},
      {"LayerNormalization", {1, 2}},
      {"MatMul", {1, 1}},
      {"Pad", {1, 3}},
      {"PRelu", {1, 1}},
      {"ReduceL1", {1, 1}},
      {"ReduceL2", {1, 1}},
      {"ReduceLogSum", {1, 1}},
      {"ReduceLogSumExp", {1, 1}},
      {"ReduceMax", {1, 1}},
      {"ReduceMean", {1, 1}},
      {"ReduceMin", {1, 1}},
      {"ReduceSum", {1, 1}},
      {"ReduceSumSquare", {1, 1}},
      {"Reshape", {1, 1}},
      {"Resize", {1, 3}},
      {"Slice", {1, 4}},
      {"Split", {1, 1}},
      {"Squeeze", {1, 1}},
      {"Unsqueeze", {1, 1}},
      {"Upsample", {1, 1}},
  };
  auto found = kSlots.find(op_type);
  return found != kSlots.end() && index >= found->second.first && index <= found->second.second;
}

}  // namespace edgebench::formats::onnx_detail
