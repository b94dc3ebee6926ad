// ONNX ops without weights of their own -- activations, Add/Sum, Concat, shape ops,
// nearest upsampling, pass-throughs -- and the op-type dispatch table.

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

namespace {

// One float from a constant scalar (or one-element) input.
float ScalarInput(ImportContext& context, const std::string& name, const char* role) {
  const ConstTensor& tensor = context.RequireConstant(name, role);
  if (tensor.size() != 1) {
    throw FormatError(fmt::format("{} '{}' must hold one value", role, name));
  }
  return static_cast<float>(tensor.At(0));
}

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

void ConvertClip(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                 NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 3);
  float low = -std::numeric_limits<float>::infinity();
  float high = std::numeric_limits<float>::infinity();
  if (context.opset() < 11) {
    attrs.Ignore({"consumed_inputs"});
    low = attrs.Float("min", low);
    high = attrs.Float("max", high);
  } else {
    if (!InputName(node, 1).empty()) low = ScalarInput(context, node.input(1), "Clip min");
    if (!InputName(node, 2).empty()) high = ScalarInput(context, node.input(2), "Clip max");
  }
  ir::OpKind op;
  if (low == 0.0f && high == 6.0f) {
    op = ir::OpKind::kRelu6;
  } else if (low == 0.0f && high >= std::numeric_limits<float>::max()) {
    op = ir::OpKind::kRelu;  // an unbounded Clip at 0 (the opset-6 default max)
  } else {
    throw UnsupportedModelError(fmt::format(
        "Clip to [{}, {}]; only [0, 6] (ReLU6) and [0, inf) (ReLU) are supported", low, high));
  }
  EmitUnary(context, node, name, op);
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
            fmt::format("Softmax (opset {}) over dims {}.. of {} at once; only one-axis softmax",
                        context.opset(), axis, fmt::join(shape, "x")));
      }
      wide = d;
    }
    if (wide >= 0) axis = wide;
  }
  context.Emit(name, node.output(0), ir::OpKind::kSoftmax, ir::SoftmaxAttrs{.axis = axis}, {x});
}

void ConvertGlobalAveragePool(ImportContext& context, const onnx::NodeProto& node,
                              const std::string& name, NodeAttributes&) {
  ExpectInputCount(node, 1, 1);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  SpatialRank(context.graph().value(x).shape, "GlobalAveragePool");
  context.Emit(name, node.output(0), ir::OpKind::kGlobalAvgPool, {}, {x});
}

// activation + constant: only a per-channel bias right after a Conv or a bias-free
// FullyConnected (MatMul + Add, as PyTorch exports nn.Linear), folded into that layer.
void FoldBiasAdd(ImportContext& context, const onnx::NodeProto& node, const std::string& activation,
                 const std::string& constant) {
  const ir::ValueId x = context.RequireActivation(activation);
  const ir::Shape x_shape = context.graph().value(x).shape;
  const ir::Shape c_shape = context.ShapeOf(constant);
  auto unsupported = [&](const char* why) {
    return UnsupportedModelError(fmt::format(
        "Add of '{}' {} and constant '{}' {} ({}); only a per-channel bias right after a "
        "Conv, Gemm or MatMul is supported",
        activation, fmt::join(x_shape, "x"), constant, fmt::join(c_shape, "x"), why));
  };
  PendingNode* producer = context.ProducerOf(x);
  if (producer == nullptr ||
      (producer->op != ir::OpKind::kConv && producer->op != ir::OpKind::kFullyConnected)) {
    throw unsupported("not after a layer with a bias");
  }
  // Through an alias (Identity, Dropout) other names may reach the same output: only
  // the producer's own, singly used name is safe to fold.
  if (context.UseCount(activation) != 1 || context.graph().value(x).name != activation) {
    throw unsupported("the layer output is used elsewhere");
  }
  // Right-aligned against the activation, the constant may vary only along channels.
  if (c_shape.size() > x_shape.size()) throw unsupported("broadcast would grow the rank");
  const size_t offset = x_shape.size() - c_shape.size();
  for (size_t d = 0; d < c_shape.size(); ++d) {
    const bool channel = d + offset == 1;
    if (c_shape[d] != 1 && !(channel && c_shape[d] == x_shape[1])) {
      throw unsupported("not a per-channel shape");
    }
  }
  const ConstTensor& c = context.RequireConstant(constant, "bias");
  if (c.is_int) throw FormatError(fmt::format("bias '{}' has an integer type", constant));
  const int64_t channels = x_shape[1];
  std::vector<float> bias(static_cast<size_t>(channels));
  for (int64_t k = 0; k < channels; ++k) {
    bias[static_cast<size_t>(k)] = c.floats[c.floats.size() == 1 ? 0 : static_cast<size_t>(k)];
  }
  if (producer->inputs.size() == 3) {
    const std::vector<float>& existing = context.graph().value(producer->inputs[2]).data;
    for (size_t k = 0; k < bias.size(); ++k) bias[k] += existing[k];
    producer->inputs[2] =
        context.NewWeight(constant, {channels}, ir::WeightRole::kBias, std::move(bias));
  } else {
    producer->inputs.push_back(
        context.NewWeight(constant, {channels}, ir::WeightRole::kBias, std::move(bias)));
  }
  context.Reinfer(*producer);
  context.AliasActivation(node.output(0), x);
}

void ConvertAdd(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                NodeAttributes& attrs) {
  ExpectInputCount(node, 2, 2);
  attrs.Ignore({"consumed_inputs"});
  if (context.opset() < 7 && attrs.Int("broadcast", 0) != 0 && attrs.Has("axis")) {
    throw UnsupportedModelError("Add with a legacy broadcast axis");
  }
  const std::string& a = node.input(0);
  const std::string& b = node.input(1);
  if (context.IsConstant(b) && context.IsActivation(a)) return FoldBiasAdd(context, node, a, b);
  if (context.IsConstant(a) && context.IsActivation(b)) return FoldBiasAdd(context, node, b, a);
  const ir::ValueId va = context.RequireActivation(a);
  const ir::ValueId vb = context.RequireActivation(b);
  const ir::Shape& sa = context.graph().value(va).shape;
  const ir::Shape& sb = context.graph().value(vb).shape;
  if (sa != sb) {
    throw UnsupportedModelError(fmt::format("broadcasting Add of {} and {}; only equal shapes",
                                            fmt::join(sa, "x"), fmt::join(sb, "x")));
  }
  context.Emit(name, node.output(0), ir::OpKind::kAdd, {}, {va, vb});
}

void ConvertSum(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                NodeAttributes& attrs) {
  attrs.Ignore({"consumed_inputs"});
  if (node.input_size() < 1) throw FormatError("Sum without inputs");
  std::vector<ir::ValueId> terms;
  for (const std::string& input : node.input()) terms.push_back(context.RequireActivation(input));
  if (terms.size() == 1) return context.Alias(node.output(0), node.input(0));
  ir::ValueId total = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) {
    const ir::Shape& sa = context.graph().value(total).shape;
    const ir::Shape& sb = context.graph().value(terms[i]).shape;
    if (sa != sb) {
      throw UnsupportedModelError(fmt::format("broadcasting Sum of {} and {}; only equal shapes",
                                              fmt::join(sa, "x"), fmt::join(sb, "x")));
    }
    // Partial sums of a many-input Sum get names of their own.
    const bool last = i + 1 == terms.size();
    const std::string output =
        last ? node.output(0) : context.UniqueValueName(fmt::format("{}_partial{}", name, i));
    total = context.Emit(last ? name : fmt::format("{}_partial{}", name, i), output,
                         ir::OpKind::kAdd, {}, {total, terms[i]});
  }
}

void ConvertConcat(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                   NodeAttributes& attrs) {
  if (node.input_size() < 1) throw FormatError("Concat without inputs");
  std::vector<ir::ValueId> inputs;
  for (const std::string& input : node.input()) inputs.push_back(context.RequireActivation(input));
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

// Whether nearest resizing with this coordinate mapping and rounding reads input
// floor(out / scale) for an integer `scale`: out = k*scale + j maps to k + f(j) with
// f(j) in [0, 1) (asymmetric, tf_half_pixel_for_nn) or (-0.5, 0.5) (half_pixel).
bool IsFloorDivision(const std::string& coordinates, const std::string& rounding, int64_t scale) {
  if (coordinates == "asymmetric") {
    // f(j) = j / scale
    return rounding == "floor" || scale == 1 || (rounding == "round_prefer_floor" && scale == 2);
  }
  if (coordinates == "half_pixel" || coordinates == "pytorch_half_pixel") {
    // f(j) = (j + 0.5) / scale - 0.5, strictly inside (-0.5, 0.5): rounding gives 0.
    return rounding == "round_prefer_floor" || rounding == "round_prefer_ceil" || scale == 1;
  }
  if (coordinates == "tf_half_pixel_for_nn") {
    // f(j) = (j + 0.5) / scale, in (0, 1).
    return rounding == "floor" || (rounding == "round_prefer_floor" && scale == 1);
  }
  if (coordinates == "align_corners") return scale == 1;
  return false;
}

// Upsample (opset 7-9) and Resize (10+) in nearest mode with integer scales.
void ConvertResize(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                   NodeAttributes& attrs) {
  const bool is_upsample = node.op_type() == "Upsample";
  ExpectInputCount(node, 1, 4);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const ir::Shape shape = context.graph().value(x).shape;
  const size_t rank = SpatialRank(shape, node.op_type());
  const std::string mode = attrs.String("mode", "nearest");
  if (mode != "nearest") {
    throw UnsupportedModelError(fmt::format("{} mode '{}'; only nearest", node.op_type(), mode));
  }
  std::string coordinates = "asymmetric";  // Upsample and opset-10 Resize
  std::string rounding = "floor";
  std::vector<double> scales;
  if (is_upsample && context.opset() < 9) {
    for (float s : attrs.Floats("scales")) scales.push_back(s);
  } else if (is_upsample || context.opset() < 11) {
    ExpectInputCount(node, 2, 2);
    const ConstTensor& t = context.RequireConstant(node.input(1), "scales");
    for (int64_t i = 0; i < t.size(); ++i) scales.push_back(t.At(i));
  } else {
    coordinates = attrs.String("coordinate_transformation_mode", "half_pixel");
    rounding = attrs.String("nearest_mode", "round_prefer_floor");
    // Only cubic mode reads these, and extrapolation only tf_crop_and_resize.
    attrs.Ignore({"cubic_coeff_a", "exclude_outside", "extrapolation_value"});
    const std::string scales_name = InputName(node, 2);
    const std::string sizes_name = InputName(node, 3);
    const ConstTensor* t = nullptr;
    if (!scales_name.empty()) t = &context.RequireConstant(scales_name, "scales");
    if (t != nullptr && t->size() > 0) {
      for (int64_t i = 0; i < t->size(); ++i) scales.push_back(t->At(i));
    } else if (!sizes_name.empty()) {
      const ConstTensor& sizes = context.RequireConstant(sizes_name, "sizes");
      if (sizes.size() != static_cast<int64_t>(shape.size())) {
        throw FormatError(
            fmt::format("sizes has {} values for rank {}", sizes.size(), shape.size()));
      }
      for (size_t d = 0; d < shape.size(); ++d) {
        const double size = sizes.At(static_cast<int64_t>(d));
        const double scale = size / static_cast<double>(shape[d]);
        // Only whole multiples keep the mapping an integer upsampling.
        scales.push_back(scale * static_cast<double>(shape[d]) == size ? scale : 0.5);
      }
    } else {
      throw FormatError("Resize needs scales or sizes");
    }
  }
  if (scales.size() != shape.size()) {
    throw FormatError(fmt::format("{} scales for a rank-{} input", scales.size(), shape.size()));
  }
  if (scales[0] != 1.0 || scales[1] != 1.0) {
    throw UnsupportedModelError("resizing the batch or channel dim");
  }
  ir::UpsampleAttrs upsample;
  for (size_t i = 0; i < rank; ++i) {
    const double s = scales[2 + i];
    if (!(s >= 1.0 && s <= static_cast<double>(kMaxAttrValue)) || s != std::floor(s)) {
      throw UnsupportedModelError(
          fmt::format("{} scale {}; only integer upscaling", node.op_type(), s));
    }
    const auto scale = static_cast<int64_t>(s);
    if (!IsFloorDivision(coordinates, rounding, scale)) {
      throw UnsupportedModelError(fmt::format(
          "nearest {} with coordinate_transformation_mode '{}' and nearest_mode '{}' at "
          "scale {} is not plain pixel replication",
          node.op_type(), coordinates, rounding, scale));
    }
    upsample.scales.push_back(scale);
  }
  context.Emit(name, node.output(0), ir::OpKind::kUpsampleNearest, std::move(upsample), {x});
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
      {"AveragePool", ConvertAveragePool},
      {"BatchNormalization", ConvertBatchNorm},
      {"Clip", ConvertClip},
      {"Concat", ConvertConcat},
      {"Conv", ConvertConv},
      {"Dropout", ConvertDropout},
      {"Flatten", ConvertFlatten},
      {"Gemm", ConvertGemm},
      {"GlobalAveragePool", ConvertGlobalAveragePool},
      {"Identity", ConvertIdentity},
      {"LeakyRelu", ConvertLeakyRelu},
      {"LRN", ConvertLrn},
      {"MatMul", ConvertMatMul},
      {"MaxPool", ConvertMaxPool},
      {"Relu", ConvertRelu},
      {"Reshape", ConvertReshape},
      {"Resize", ConvertResize},
      {"Sigmoid", ConvertSigmoid},
      {"Softmax", ConvertSoftmax},
      {"Sum", ConvertSum},
      {"Add", ConvertAdd},
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
  static const std::map<std::string, std::pair<int, int>, std::less<>> kSlots = {
      {"Conv", {1, 2}},    {"BatchNormalization", {1, 4}},
      {"Gemm", {1, 2}},    {"MatMul", {1, 1}},
      {"Clip", {1, 2}},    {"Reshape", {1, 1}},
      {"Resize", {1, 3}},  {"Upsample", {1, 1}},
      {"Dropout", {1, 2}},
  };
  auto found = kSlots.find(op_type);
  return found != kSlots.end() && index >= found->second.first && index <= found->second.second;
}

}  // namespace edgebench::formats::onnx_detail
