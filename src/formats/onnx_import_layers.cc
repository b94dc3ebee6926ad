// ONNX layers that carry weights or windows: Conv, BatchNormalization, pooling and LRN,
// with the stride/padding helpers ConvTranspose shares.

#include <fmt/format.h>

#include <cmath>

#include "formats/onnx_import_ops.h"

namespace edgebench::formats::onnx_detail {

std::vector<int64_t> PerSpatial(NodeAttributes& attrs, const std::string& name, size_t rank,
                                int64_t fallback, int64_t min) {
  std::vector<int64_t> values = attrs.Ints(name, std::vector<int64_t>(rank, fallback));
  if (values.size() != rank) {
    throw FormatError(
        fmt::format("'{}' has {} values for {} spatial dims", name, values.size(), rank));
  }
  for (int64_t v : values) {
    if (v < min || v > kMaxAttrValue) {
      throw FormatError(fmt::format("'{}' value {} is invalid", name, v));
    }
  }
  return values;
}

Padding ResolvePadding(NodeAttributes& attrs, const ir::Shape& x, size_t rank,
                       const std::vector<int64_t>& window, const std::vector<int64_t>& strides) {
  const std::vector<int64_t> pads = attrs.Ints("pads", std::vector<int64_t>(2 * rank, 0));
  if (pads.size() != 2 * rank) {
    throw FormatError(fmt::format("'pads' has {} values for {} spatial dims", pads.size(), rank));
  }
  for (int64_t p : pads) {
    if (p < 0 || p > kMaxAttrValue) throw FormatError(fmt::format("pad {} is invalid", p));
  }
  Padding padding{.begin = {pads.begin(), pads.begin() + static_cast<std::ptrdiff_t>(rank)},
                  .end = {pads.begin() + static_cast<std::ptrdiff_t>(rank), pads.end()}};
  const std::string mode = attrs.String("auto_pad", "NOTSET");
  if (mode == "NOTSET") return padding;
  if (mode != "VALID" && mode != "SAME_UPPER" && mode != "SAME_LOWER") {
    throw FormatError(fmt::format("auto_pad '{}' is invalid", mode));
  }
  for (size_t i = 0; i < rank; ++i) {
    padding.begin[i] = padding.end[i] = 0;
    if (mode == "VALID") continue;
    // SAME: ceil(in / stride) outputs; the odd pixel goes at the end (UPPER) or begin.
    const int64_t in = x[2 + i];
    const int64_t out = (in + strides[i] - 1) / strides[i];
    const int64_t total = std::max<int64_t>(0, (out - 1) * strides[i] + window[i] - in);
    const int64_t small = total / 2;
    padding.begin[i] = mode == "SAME_UPPER" ? small : total - small;
    padding.end[i] = total - padding.begin[i];
  }
  return padding;
}

namespace {

ir::PoolAttrs PoolAttributes(ImportContext& context, const onnx::NodeProto& node,
                             NodeAttributes& attrs, ir::ValueId& x) {
  ExpectInputCount(node, 1, 1);
  x = context.RequireActivation(node.input(0));
  const ir::Shape shape = context.graph().value(x).shape;
  const size_t rank = SpatialRank(shape, node.op_type());
  if (!attrs.Has("kernel_shape")) throw FormatError("'kernel_shape' is missing");
  ir::PoolAttrs pool;
  pool.kernel = PerSpatial(attrs, "kernel_shape", rank, 1, 1);
  pool.strides = PerSpatial(attrs, "strides", rank, 1, 1);
  Padding padding = ResolvePadding(attrs, shape, rank, pool.kernel, pool.strides);
  for (size_t i = 0; i < rank; ++i) {
    if (padding.begin[i] >= pool.kernel[i] || padding.end[i] >= pool.kernel[i]) {
      throw UnsupportedModelError(fmt::format("padding {}/{} not smaller than the kernel {}",
                                              padding.begin[i], padding.end[i], pool.kernel[i]));
    }
  }
  pool.pads_begin = std::move(padding.begin);
  pool.pads_end = std::move(padding.end);
  pool.ceil_mode = attrs.Int("ceil_mode", 0) != 0;
  return pool;
}

}  // namespace

void ConvertConv(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                 NodeAttributes& attrs) {
  ExpectInputCount(node, 2, 3);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const ir::Shape x_shape = context.graph().value(x).shape;
  const size_t rank = SpatialRank(x_shape, "Conv");
  const ir::Shape w_shape = context.ShapeOf(node.input(1));
  if (w_shape.size() != x_shape.size()) {
    throw FormatError(fmt::format("weight {} does not match input {}", fmt::join(w_shape, "x"),
                                  fmt::join(x_shape, "x")));
  }
  const std::vector<int64_t> kernel(w_shape.begin() + 2, w_shape.end());
  if (attrs.Has("kernel_shape") && attrs.Ints("kernel_shape") != kernel) {
    throw FormatError(fmt::format("kernel_shape {} differs from the weight's {}",
                                  fmt::join(attrs.Ints("kernel_shape"), "x"),
                                  fmt::join(kernel, "x")));
  }
  ir::ConvAttrs conv;
  conv.groups = attrs.Int("group", 1);
  if (conv.groups < 1 || conv.groups > x_shape[1]) {
    throw FormatError(fmt::format("group {} is invalid for {} channels", conv.groups, x_shape[1]));
  }
  conv.strides = PerSpatial(attrs, "strides", rank, 1, 1);
  conv.dilations = PerSpatial(attrs, "dilations", rank, 1, 1);
  std::vector<int64_t> window(rank);
  for (size_t i = 0; i < rank; ++i) {
    if (kernel[i] < 1 || kernel[i] > kMaxAttrValue) {
      throw FormatError(fmt::format("kernel dim {} is invalid", kernel[i]));
    }
    window[i] = conv.dilations[i] * (kernel[i] - 1) + 1;
  }
  Padding padding = ResolvePadding(attrs, x_shape, rank, window, conv.strides);
  conv.pads_begin = std::move(padding.begin);
  conv.pads_end = std::move(padding.end);
  std::vector<ir::ValueId> inputs{
      x, context.Weight(node.input(1), ir::WeightRole::kWeight, "Conv weight")};
  const std::string bias = InputName(node, 2);
  if (!bias.empty()) inputs.push_back(context.Weight(bias, ir::WeightRole::kBias, "Conv bias"));
  context.Emit(name, node.output(0), ir::OpKind::kConv, std::move(conv), std::move(inputs));
}

void ConvertBatchNorm(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                      NodeAttributes& attrs) {
  ExpectInputCount(node, 5, 5);
  // Momentum only matters in training; is_test/consumed_inputs are opset-1 leftovers.
  attrs.Ignore({"momentum", "is_test", "consumed_inputs"});
  if (attrs.Int("spatial", 1) == 0) {
    throw UnsupportedModelError("per-element (spatial=0) batch normalization");
  }
  if (attrs.Int("training_mode", 0) != 0) {
    throw UnsupportedModelError("batch normalization in training mode");
  }
  ir::BatchNormAttrs bn{.epsilon = attrs.Float("epsilon", 1e-5f)};
  const ir::ValueId x = context.RequireActivation(node.input(0));
  context.Emit(name, node.output(0), ir::OpKind::kBatchNorm, bn,
               {x, context.Weight(node.input(1), ir::WeightRole::kBnScale, "scale"),
                context.Weight(node.input(2), ir::WeightRole::kBnBias, "bias"),
                context.Weight(node.input(3), ir::WeightRole::kBnMean, "mean"),
                context.Weight(node.input(4), ir::WeightRole::kBnVariance, "variance")});
}

void ConvertMaxPool(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                    NodeAttributes& attrs) {
  ir::ValueId x = ir::kNoId;
  ir::PoolAttrs pool = PoolAttributes(context, node, attrs, x);
  for (int64_t dilation : attrs.Ints("dilations")) {
    if (dilation != 1) throw UnsupportedModelError("dilated max pooling");
  }
  if (attrs.Int("storage_order", 0) != 0) {
    throw UnsupportedModelError("max pooling with column-major storage_order");
  }
  context.Emit(name, node.output(0), ir::OpKind::kMaxPool, std::move(pool), {x});
}

void ConvertAveragePool(ImportContext& context, const onnx::NodeProto& node,
                        const std::string& name, NodeAttributes& attrs) {
  ir::ValueId x = ir::kNoId;
  ir::PoolAttrs pool = PoolAttributes(context, node, attrs, x);
  pool.count_include_pad = attrs.Int("count_include_pad", 0) != 0;
  context.Emit(name, node.output(0), ir::OpKind::kAvgPool, std::move(pool), {x});
}

void ConvertLrn(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                NodeAttributes& attrs) {
  ExpectInputCount(node, 1, 1);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  SpatialRank(context.graph().value(x).shape, "LRN");
  ir::LrnAttrs lrn{.size = attrs.Int("size", 0),
                   .alpha = attrs.Float("alpha", 1e-4f),
                   .beta = attrs.Float("beta", 0.75f),
                   .bias = attrs.Float("bias", 1.0f)};
  if (lrn.size < 1 || lrn.size > kMaxAttrValue) {
    throw FormatError(fmt::format("size {} is invalid", lrn.size));
  }
  if (lrn.size % 2 == 0) throw UnsupportedModelError("LRN with an even size");
  context.Emit(name, node.output(0), ir::OpKind::kLrn, lrn, {x});
}

}  // namespace edgebench::formats::onnx_detail
