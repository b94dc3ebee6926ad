// ConvTranspose: explicit pads, or the pads (and extra output_padding) that auto_pad or
// output_shape imply, resolved against the input's shape.

#include <fmt/format.h>

#include "formats/onnx_import_ops.h"

namespace edgebench::formats::onnx_detail {

void ConvertConvTranspose(ImportContext& context, const onnx::NodeProto& node,
                          const std::string& name, NodeAttributes& attrs) {
  ExpectInputCount(node, 2, 3);
  const ir::ValueId x = context.RequireActivation(node.input(0));
  const ir::Shape x_shape = context.graph().value(x).shape;
  const size_t rank = SpatialRank(x_shape, "ConvTranspose");
  const ir::Shape w_shape = context.ShapeOf(node.input(1));
  if (w_shape.size() != x_shape.size() || w_shape[0] != x_shape[1]) {
    throw FormatError(fmt::format("weight {} does not match input {}", fmt::join(w_shape, "x"),
                                  fmt::join(x_shape, "x")));
  }
  const std::vector<int64_t> kernel(w_shape.begin() + 2, w_shape.end());
  if (attrs.Has("kernel_shape") && attrs.Ints("kernel_shape") != kernel) {
    throw FormatError(fmt::format("kernel_shape {} differs from the weight's {}",
                                  fmt::join(attrs.Ints("kernel_shape"), "x"),
                                  fmt::join(kernel, "x")));
  }
  ir::ConvTransposeAttrs conv;
  conv.groups = attrs.Int("group", 1);
  if (conv.groups < 1 || conv.groups > x_shape[1] || x_shape[1] % conv.groups != 0) {
    throw FormatError(fmt::format("group {} is invalid for {} channels", conv.groups, x_shape[1]));
  }
  conv.strides = PerSpatial(attrs, "strides", rank, 1, 1);
  conv.dilations = PerSpatial(attrs, "dilations", rank, 1, 1);
  conv.output_padding = PerSpatial(attrs, "output_padding", rank, 0, 0);
  for (int64_t k : kernel) {
    if (k < 1 || k > kMaxAttrValue) throw FormatError(fmt::format("kernel dim {} is invalid", k));
  }
  const std::vector<int64_t> pads = attrs.Ints("pads", std::vector<int64_t>(2 * rank, 0));
  if (pads.size() != 2 * rank) {
    throw FormatError(fmt::format("'pads' has {} values for {} spatial dims", pads.size(), rank));
  }
  for (int64_t p : pads) {
    if (p < 0 || p > kMaxAttrValue) throw FormatError(fmt::format("pad {} is invalid", p));
  }
  conv.pads_begin.assign(pads.begin(), pads.begin() + static_cast<std::ptrdiff_t>(rank));
  conv.pads_end.assign(pads.begin() + static_cast<std::ptrdiff_t>(rank), pads.end());

  const std::string auto_pad = attrs.String("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" &&
      auto_pad != "SAME_LOWER") {
    throw FormatError(fmt::format("auto_pad '{}' is invalid", auto_pad));
  }
  std::vector<int64_t> output_shape = attrs.Ints("output_shape");
  // Some exporters give the full N, C, spatial... shape.
  if (output_shape.size() == rank + 2)
    output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
  if (!output_shape.empty() && output_shape.size() != rank) {
    throw FormatError(
        fmt::format("output_shape has {} values for {} spatial dims", output_shape.size(), rank));
  }
  const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
  if (auto_pad == "VALID") {
    conv.pads_begin.assign(rank, 0);
    conv.pads_end.assign(rank, 0);
  } else if (same || !output_shape.empty()) {
    for (size_t i = 0; i < rank; ++i) {
      const int64_t in = x_shape[2 + i];
      const int64_t target = output_shape.empty() ? in * conv.strides[i] : output_shape[i];
      if (target < 1 || target > kMaxAttrValue) {
        throw FormatError(fmt::format("output size {} is invalid", target));
      }
      // Each product is below 2^62 (factors below 2^31), the sum below 2^63: no overflow.
      const int64_t natural = conv.strides[i] * (in - 1) + conv.output_padding[i] +
                              conv.dilations[i] * (kernel[i] - 1) + 1;
      const int64_t total = natural - target;
      if (total < 0) {
        // A larger output than the kernel reaches: the extra rows get only the bias.
        conv.pads_begin[i] = conv.pads_end[i] = 0;
        conv.output_padding[i] -= total;
      } else if (auto_pad == "SAME_UPPER") {
        conv.pads_begin[i] = total / 2;
        conv.pads_end[i] = total - total / 2;
      } else {
        conv.pads_begin[i] = total - total / 2;
        conv.pads_end[i] = total / 2;
      }
    }
  }
  std::vector<ir::ValueId> inputs{
      x, context.Weight(node.input(1), ir::WeightRole::kWeight, "ConvTranspose weight")};
  const std::string bias = InputName(node, 2);
  if (!bias.empty()) {
    inputs.push_back(context.Weight(bias, ir::WeightRole::kBias, "ConvTranspose bias"));
  }
  context.Emit(name, node.output(0), ir::OpKind::kConvTranspose, std::move(conv),
               std::move(inputs));
}

}  // namespace edgebench::formats::onnx_detail
