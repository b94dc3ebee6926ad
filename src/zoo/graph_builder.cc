#include "zoo/graph_builder.h"

#include <cmath>

#include "ir/op_semantics.h"
#include "ir/shape_inference.h"

namespace edgebench::zoo {
namespace {

std::vector<int64_t> OrOnes(const std::vector<int64_t>& values, size_t rank) {
  return values.empty() ? std::vector<int64_t>(rank, 1) : values;
}

Padding OrZero(const Padding& padding, size_t rank) {
  return padding.begin.empty() ? Symmetric(0, rank) : padding;
}

// He/Kaiming uniform: variance 2/fan_in keeps activation scale roughly constant through
// ReLU layers, so seeded networks produce finite, non-degenerate outputs at any depth.
ir::WeightInit HeUniform(int64_t fan_in) {
  return {0.0f, static_cast<float>(std::sqrt(6.0 / static_cast<double>(fan_in)))};
}

constexpr ir::WeightInit kSmallBias{0.0f, 0.05f};

}  // namespace

Padding Symmetric(int64_t pad, size_t rank) {
  return {std::vector<int64_t>(rank, pad), std::vector<int64_t>(rank, pad)};
}

Padding Same(const Shape& input, const std::vector<int64_t>& kernel,
             const std::vector<int64_t>& strides) {
  Padding padding;
  for (size_t i = 0; i < kernel.size(); ++i) {
    int64_t extent = input[2 + i];
    int64_t out = (extent + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(0, (out - 1) * strides[i] + kernel[i] - extent);
    padding.begin.push_back(total / 2);
    padding.end.push_back(total - total / 2);
  }
  return padding;
}

GraphBuilder::GraphBuilder(std::string model_name, Shape input_shape)
    : graph_(std::move(model_name)) {
  input_ = graph_.AddInput("input", std::move(input_shape));
}

ValueId GraphBuilder::Emit(const std::string& name, ir::OpKind op, ir::Attrs attrs,
                           std::vector<ValueId> inputs) {
  ValueId out = graph_.AddNode(name, op, std::move(attrs), std::move(inputs));
  const ir::Node& node = graph_.node(graph_.value(out).producer);
  graph_.mutable_value(out).shape = ir::InferNodeOutputShape(graph_, node);
  return out;
}

ValueId GraphBuilder::Weight(const std::string& name, Shape shape, ir::WeightRole role,
                             ir::WeightInit init) {
  return graph_.AddConstant(name, std::move(shape), role, init);
}

ValueId GraphBuilder::Conv(const std::string& name, ValueId x, const ConvSpec& spec) {
  const size_t rank = spec.kernel.size();
  const int64_t in_channels = channels(x);
  if (spec.groups < 1 || in_channels % spec.groups != 0) {
    throw ir::GraphError(name + ": input channels not divisible by groups");
  }
  Shape weight_shape{spec.out_channels, in_channels / spec.groups};
  int64_t fan_in = in_channels / spec.groups;
  for (int64_t k : spec.kernel) {
    weight_shape.push_back(k);
    fan_in *= k;
  }
  std::vector<ValueId> inputs{
      x, Weight(name + ".weight", weight_shape, ir::WeightRole::kWeight, HeUniform(fan_in))};
  if (spec.bias) {
    inputs.push_back(
        Weight(name + ".bias", {spec.out_channels}, ir::WeightRole::kBias, kSmallBias));
  }
  Padding padding = OrZero(spec.padding, rank);
  ir::ConvAttrs attrs{.strides = OrOnes(spec.strides, rank),
                      .pads_begin = padding.begin,
                      .pads_end = padding.end,
                      .dilations = OrOnes(spec.dilations, rank),
                      .groups = spec.groups};
  return Emit(name, ir::OpKind::kConv, std::move(attrs), std::move(inputs));
}

ValueId GraphBuilder::Conv2d(const std::string& name, ValueId x, int64_t out_channels,
                             int64_t kernel, int64_t stride, int64_t pad, bool bias,
                             int64_t groups) {
  return Conv(name, x,
              ConvSpec{.out_channels = out_channels,
                       .kernel = {kernel, kernel},
                       .strides = {stride, stride},
                       .padding = Symmetric(pad),
                       .groups = groups,
                       .bias = bias});
}

ValueId GraphBuilder::BatchNorm(const std::string& name, ValueId x, float epsilon,
                                float scale_gain) {
  const Shape per_channel{channels(x)};
  std::vector<ValueId> inputs{
      x,
      Weight(name + ".scale", per_channel, ir::WeightRole::kBnScale,
             {scale_gain, 0.1f * scale_gain}),
      Weight(name + ".bias", per_channel, ir::WeightRole::kBnBias, {0.0f, 0.1f}),
      Weight(name + ".mean", per_channel, ir::WeightRole::kBnMean, {0.0f, 0.1f}),
      Weight(name + ".variance", per_channel, ir::WeightRole::kBnVariance, {1.0f, 0.1f})};
  return Emit(name, ir::OpKind::kBatchNorm, ir::BatchNormAttrs{epsilon}, std::move(inputs));
}

ValueId GraphBuilder::Relu(const std::string& name, ValueId x) {
  return Emit(name, ir::OpKind::kRelu, {}, {x});
}

ValueId GraphBuilder::Relu6(const std::string& name, ValueId x) {
  return Emit(name, ir::OpKind::kRelu6, {}, {x});
}

ValueId GraphBuilder::LeakyRelu(const std::string& name, ValueId x, float alpha) {
  return Emit(name, ir::OpKind::kLeakyRelu, ir::LeakyReluAttrs{alpha}, {x});
}

ValueId GraphBuilder::Sigmoid(const std::string& name, ValueId x) {
  return Emit(name, ir::OpKind::kSigmoid, {}, {x});
}

ValueId GraphBuilder::Softmax(const std::string& name, ValueId x, int64_t axis) {
  return Emit(name, ir::OpKind::kSoftmax, ir::SoftmaxAttrs{axis}, {x});
}

ValueId GraphBuilder::MaxPool(const std::string& name, ValueId x, std::vector<int64_t> kernel,
                              std::vector<int64_t> strides, Padding padding, bool ceil_mode) {
  Padding pads = OrZero(padding, kernel.size());
  ir::PoolAttrs attrs{.kernel = std::move(kernel),
                      .strides = std::move(strides),
                      .pads_begin = pads.begin,
                      .pads_end = pads.end,
                      .ceil_mode = ceil_mode};
  return Emit(name, ir::OpKind::kMaxPool, std::move(attrs), {x});
}

ValueId GraphBuilder::AvgPool(const std::string& name, ValueId x, std::vector<int64_t> kernel,
                              std::vector<int64_t> strides, Padding padding, bool ceil_mode,
                              bool count_include_pad) {
  Padding pads = OrZero(padding, kernel.size());
  ir::PoolAttrs attrs{.kernel = std::move(kernel),
                      .strides = std::move(strides),
                      .pads_begin = pads.begin,
                      .pads_end = pads.end,
                      .ceil_mode = ceil_mode,
                      .count_include_pad = count_include_pad};
  return Emit(name, ir::OpKind::kAvgPool, std::move(attrs), {x});
}

ValueId GraphBuilder::GlobalAvgPool(const std::string& name, ValueId x) {
  return Emit(name, ir::OpKind::kGlobalAvgPool, {}, {x});
}

ValueId GraphBuilder::FullyConnected(const std::string& name, ValueId x, int64_t out_features,
                                     bool bias) {
  const int64_t in_features = shape(x).at(1);
  std::vector<ValueId> inputs{x, Weight(name + ".weight", {out_features, in_features},
                                        ir::WeightRole::kWeight, HeUniform(in_features))};
  if (bias) {
    inputs.push_back(Weight(name + ".bias", {out_features}, ir::WeightRole::kBias, kSmallBias));
  }
  return Emit(name, ir::OpKind::kFullyConnected, {}, std::move(inputs));
}

ValueId GraphBuilder::Add(const std::string& name, ValueId a, ValueId b) {
  return Emit(name, ir::OpKind::kAdd, {}, {a, b});
}

ValueId GraphBuilder::Concat(const std::string& name, std::vector<ValueId> xs, int64_t axis) {
  return Emit(name, ir::OpKind::kConcat, ir::ConcatAttrs{axis}, std::move(xs));
}

ValueId GraphBuilder::Flatten(const std::string& name, ValueId x, int64_t axis) {
  return Emit(name, ir::OpKind::kFlatten, ir::FlattenAttrs{axis}, {x});
}

ValueId GraphBuilder::Reshape(const std::string& name, ValueId x, std::vector<int64_t> shape) {
  return Emit(name, ir::OpKind::kReshape, ir::ReshapeAttrs{std::move(shape)}, {x});
}

ValueId GraphBuilder::Upsample(const std::string& name, ValueId x, std::vector<int64_t> scales) {
  return Emit(name, ir::OpKind::kUpsampleNearest, ir::UpsampleAttrs{std::move(scales)}, {x});
}

ValueId GraphBuilder::Lrn(const std::string& name, ValueId x, int64_t size, float alpha, float beta,
                          float bias) {
  return Emit(name, ir::OpKind::kLrn, ir::LrnAttrs{size, alpha, beta, bias}, {x});
}

ValueId GraphBuilder::ConvTranspose(const std::string& name, ValueId x,
                                    const ConvTransposeSpec& spec) {
  const size_t rank = spec.kernel.size();
  const int64_t in_channels = channels(x);
  if (spec.groups < 1 || in_channels % spec.groups != 0 || spec.out_channels % spec.groups != 0) {
    throw ir::GraphError(name + ": channels not divisible by groups");
  }
  Shape weight_shape{in_channels, spec.out_channels / spec.groups};
  // Each output sums over in_channels / groups channels and the kernel taps that reach it.
  int64_t fan_in = in_channels / spec.groups;
  for (int64_t k : spec.kernel) {
    weight_shape.push_back(k);
    fan_in *= k;
  }
  std::vector<ValueId> inputs{
      x, Weight(name + ".weight", weight_shape, ir::WeightRole::kWeight, HeUniform(fan_in))};
  if (spec.bias) {
    inputs.push_back(
        Weight(name + ".bias", {spec.out_channels}, ir::WeightRole::kBias, kSmallBias));
  }
  Padding padding = OrZero(spec.padding, rank);
  ir::ConvTransposeAttrs attrs{.strides = OrOnes(spec.strides, rank),
                               .pads_begin = padding.begin,
                               .pads_end = padding.end,
                               .dilations = OrOnes(spec.dilations, rank),
                               .output_padding = spec.output_padding.empty()
                                                     ? std::vector<int64_t>(rank, 0)
                                                     : spec.output_padding,
                               .groups = spec.groups};
  return Emit(name, ir::OpKind::kConvTranspose, std::move(attrs), std::move(inputs));
}

ValueId GraphBuilder::LayerNorm(const std::string& name, ValueId x, int64_t axis, float epsilon) {
  const Shape& input = shape(x);
  const auto first = static_cast<size_t>(ir::NormalizeAxis(axis, input.size()));
  const Shape normalized(input.begin() + static_cast<std::ptrdiff_t>(first), input.end());
  std::vector<ValueId> inputs{
      x, Weight(name + ".scale", normalized, ir::WeightRole::kWeight, {1.0f, 0.1f}),
      Weight(name + ".bias", normalized, ir::WeightRole::kBias, {0.0f, 0.1f})};
  return Emit(name, ir::OpKind::kLayerNorm, ir::LayerNormAttrs{axis, epsilon}, std::move(inputs));
}

ValueId GraphBuilder::Constant(const std::string& name, Shape shape, ir::WeightInit init,
                               ir::WeightRole role) {
  return Weight(name, std::move(shape), role, init);
}

ValueId GraphBuilder::Op(const std::string& name, ir::OpKind op, ir::Attrs attrs,
                         std::vector<ValueId> inputs) {
  return Emit(name, op, std::move(attrs), std::move(inputs));
}

ValueId GraphBuilder::GlobalPoolClassifier(ValueId features, int64_t classes) {
  ValueId pooled = Flatten("flatten", GlobalAvgPool("avgpool", features));
  return Softmax("prob", FullyConnected("fc", pooled, classes));
}

ir::Graph GraphBuilder::Finish(const std::vector<ValueId>& outputs) {
  for (ValueId output : outputs) graph_.MarkOutput(output);
  return std::move(graph_);
}

}  // namespace edgebench::zoo
