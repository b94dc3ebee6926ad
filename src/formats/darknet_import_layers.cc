// [convolutional], [connected], pooling, [shortcut], [route], [upsample] and the refused
// [normalization]: Darknet's shape rules, checked before anything is emitted.
#include <fmt/format.h>

#include "formats/darknet_import_context.h"

namespace edgebench::formats::darknet {
namespace {

// Darknet's batch norm divides by sqrt(var) + 1e-6; the .weights reader folds that into
// the stored variance as (sqrt(var) + 1e-6)^2 - epsilon, which with this epsilon (the IR
// wants one > 0) is never negative.
constexpr float kDarknetBnEpsilon = 1e-12f;

}  // namespace

ValueId Importer::Convolutional(const DarknetSection& s, ValueId x) {
  for (const char* key : {"binary", "xnor", "flipped"}) {
    if (s.Int(key, 0) != 0) Unsupported(s, key, fmt::format("'{}' convolutions", key));
  }
  for (const char* key : {"dilation", "stride_x", "stride_y", "antialiasing"}) {
    if (s.Has(key)) Unsupported(s, key, fmt::format("'{}' (a newer Darknet's option)", key));
  }
  x = As4d(x);
  const ir::Shape in = ShapeOf(x);
  const int64_t filters = s.Int("filters", 1);
  const int64_t size = s.Int("size", 1);
  const int64_t stride = s.Int("stride", 1);
  const int64_t groups = s.Int("groups", 1);
  int64_t padding = s.Int("padding", 0);
  if (s.Int("pad", 0) != 0) padding = size / 2;
  if (filters <= 0 || size <= 0 || stride <= 0 || groups <= 0 || padding < 0) {
    Fail(s, "", "filters, size, stride and groups must be positive and padding non-negative");
  }
  if (in[1] % groups != 0 || filters % groups != 0) {
    Fail(s, "groups",
         fmt::format("groups={} does not divide the {} input channels and {} filters", groups,
                     in[1], filters));
  }
  if (in[2] + 2 * padding < size || in[3] + 2 * padding < size) {
    Fail(s, "size",
         fmt::format("a {}x{} kernel does not fit the padded {}x{} input", size, size, in[2],
                     in[3]));
  }
  const int64_t out_h = (in[2] + 2 * padding - size) / stride + 1;
  const int64_t out_w = (in[3] + 2 * padding - size) / stride + 1;
  CheckElements(s, "the output", {filters, out_h, out_w});
  AddWeights(s, {filters, in[1] / groups, size, size});
  AddMacs(s, {filters, in[1] / groups, size, size, out_h, out_w});

  const bool batch_normalize = s.Int("batch_normalize", 0) != 0;
  ValueId y = builder_->Conv2d(Name("conv"), x, filters, size, stride, padding,
                               /*bias=*/!batch_normalize, groups);
  if (batch_normalize) y = builder_->BatchNorm(Name("bn"), y, kDarknetBnEpsilon);
  RecordWeights(s, /*connected=*/false, Name("conv"), batch_normalize ? Name("bn") : "");
  return Activation(s, y, "logistic");
}

ValueId Importer::Connected(const DarknetSection& s, ValueId x) {
  const ir::Shape& in = ShapeOf(x);
  int64_t inputs = 1;
  for (size_t i = 1; i < in.size(); ++i) inputs *= in[i];
  const int64_t outputs = s.Int("output", 1);
  if (outputs <= 0) Fail(s, "output", "output must be positive");
  CheckElements(s, "the output", {outputs});
  AddWeights(s, {outputs, inputs});
  AddMacs(s, {outputs, inputs});
  if (in.size() != 2) x = builder_->Flatten(Name("flatten"), x);
  const bool batch_normalize = s.Int("batch_normalize", 0) != 0;
  ValueId y = builder_->FullyConnected(Name("fc"), x, outputs, /*bias=*/!batch_normalize);
  if (batch_normalize) y = builder_->BatchNorm(Name("bn"), y, kDarknetBnEpsilon);
  RecordWeights(s, /*connected=*/true, Name("fc"), batch_normalize ? Name("bn") : "");
  return Activation(s, y, "logistic");
}

ValueId Importer::MaxPool(const DarknetSection& s, ValueId x) {
  if (s.Has("stride_x") || s.Has("stride_y") || s.Has("maxpool_depth")) {
    Unsupported(s, "", "stride_x/stride_y/maxpool_depth (a newer Darknet's options)");
  }
  x = As4d(x);
  const ir::Shape in = ShapeOf(x);
  const int64_t stride = s.Int("stride", 1);
  const int64_t size = s.Int("size", stride);
  const int64_t padding = s.Int("padding", size - 1);
  if (stride <= 0 || size <= 0 || padding < 0) {
    Fail(s, "", "size and stride must be positive and padding non-negative");
  }
  // Darknet starts windows at -padding/2; a window lying wholly in padding would output
  // -FLT_MAX there, which ONNX-style pooling cannot express.
  const int64_t begin = padding / 2;
  const int64_t end = padding - begin;
  if (begin >= size || end >= size) {
    Unsupported(s, "padding",
                fmt::format("padding={} leaves windows of size {} wholly in the "
                            "padding",
                            padding, size));
  }
  if (in[2] + padding < size || in[3] + padding < size) {
    Fail(s, "size",
         fmt::format("a {}x{} window does not fit the padded {}x{} input", size, size, in[2],
                     in[3]));
  }
  // Bounds the counted work (window taps per output), as the other layers' sizes are.
  CheckElements(
      s, "the pooling work",
      {size, size, (in[2] + padding - size) / stride + 1, (in[3] + padding - size) / stride + 1});
  return builder_->MaxPool(Name("maxpool"), x, {size, size}, {stride, stride},
                           zoo::Padding{{begin, begin}, {end, end}});
}

ValueId Importer::AvgPool(const DarknetSection&, ValueId x) {
  return builder_->GlobalAvgPool(Name("avgpool"), As4d(x));
}

ValueId Importer::Shortcut(const DarknetSection& s, ValueId x) {
  if (!s.Has("from")) Fail(s, "", "missing required key 'from'");
  if (s.Float("alpha", 1) != 1 || s.Float("beta", 1) != 1) {
    Unsupported(s, "", "alpha/beta other than 1");
  }
  const std::vector<int64_t> from = s.IntList("from");
  if (from.size() != 1) Unsupported(s, "from", "more than one 'from' layer");
  ValueId other = As4d(EarlierLayer(s, "from", from[0]));
  x = As4d(x);
  if (ShapeOf(other) != ShapeOf(x)) other = ShortcutView(s, other, ShapeOf(x));
  return Activation(s, builder_->Add(Name("shortcut"), x, other), "linear");
}

ValueId Importer::ShortcutView(const DarknetSection& s, ValueId from, ir::Shape to) {
  // Darknet's shortcut_cpu adds the `from` layer (c1 x h1 x w1) into the previous layer's
  // output (c2 x h2 x w2) sampled with stride w1/w2: the first min(c1, c2) channels at
  // every position of the smaller image; the previous layer's other channels pass as
  // they are. Here: a strided slice, then the channels cut or zero-filled to c2.
  const ir::Shape in = ShapeOf(from);
  const int64_t stride = in[3] / to[3];
  if (stride < 1 || in[2] / to[2] != stride) {
    Unsupported(s, "from",
                fmt::format("adding {} to {}: Darknet's shortcut from a smaller layer (which "
                            "adds into every n-th position only) is not translated",
                            ir::ShapeToString(in), ir::ShapeToString(to)));
  }
  ValueId view = from;
  if (stride > 1) {
    view = builder_->Op(Name("shortcut_stride"), ir::OpKind::kSlice,
                        ir::SliceAttrs{.starts = {0, 0},
                                       .ends = {to[2] * stride, to[3] * stride},
                                       .axes = {2, 3},
                                       .steps = {stride, stride}},
                        {view});
  }
  if (in[1] > to[1]) {
    view = builder_->Op(Name("shortcut_channels"), ir::OpKind::kSlice,
                        ir::SliceAttrs{.starts = {0}, .ends = {to[1]}, .axes = {1}, .steps = {1}},
                        {view});
  } else if (in[1] < to[1]) {
    view = builder_->Op(Name("shortcut_channels"), ir::OpKind::kPad,
                        ir::PadAttrs{.pads_begin = {0, 0, 0, 0},
                                     .pads_end = {0, to[1] - in[1], 0, 0},
                                     .mode = ir::PadMode::kConstant},
                        {view});
  }
  return view;
}

ValueId Importer::Crop(const DarknetSection& s, ValueId x) {
  x = As4d(x);
  const ir::Shape in = ShapeOf(x);
  const int64_t height = s.Int("crop_height", 1);
  const int64_t width = s.Int("crop_width", 1);
  if (height <= 0 || width <= 0 || height > in[2] || width > in[3]) {
    Fail(s, "",
         fmt::format("a {}x{} crop does not fit the {} input", height, width,
                     ir::ShapeToString(in)));
  }
  // Darknet's forward_crop_layer outside training: the centred window, no flip, and
  // x * 2 - 1 unless noadjust (random angle, saturation and exposure apply to training
  // images only).
  const int64_t top = (in[2] - height) / 2;
  const int64_t left = (in[3] - width) / 2;
  ValueId y = builder_->Op(Name("crop"), ir::OpKind::kSlice,
                           ir::SliceAttrs{.starts = {top, left},
                                          .ends = {top + height, left + width},
                                          .axes = {2, 3},
                                          .steps = {1, 1}},
                           {x});
  if (s.Int("noadjust", 0) != 0) return y;
  y = builder_->Op(Name("crop_scale"), ir::OpKind::kMul, {}, {y, Scalar("crop_two", 2)});
  return builder_->Op(Name("crop_shift"), ir::OpKind::kAdd, {}, {y, Scalar("crop_minus_one", -1)});
}

ValueId Importer::Route(const DarknetSection& s) {
  if (!s.Has("layers")) Fail(s, "", "missing required key 'layers'");
  const std::vector<int64_t> layers = s.IntList("layers");
  const int64_t groups = s.Int("groups", 1);
  const int64_t group_id = s.Int("group_id", 0);
  if (groups <= 0 || group_id < 0 || group_id >= groups) {
    Fail(s, "groups", "needs groups >= 1 and 0 <= group_id < groups");
  }
  std::vector<ValueId> parts;
  for (size_t i = 0; i < layers.size(); ++i) {
    ValueId part = As4d(EarlierLayer(s, "layers", layers[i]));
    const ir::Shape shape = ShapeOf(part);
    if (!parts.empty() && (shape[2] != ShapeOf(parts[0])[2] || shape[3] != ShapeOf(parts[0])[3])) {
      Fail(s, "layers",
           fmt::format("routed layers differ in size: {} and {}",
                       ir::ShapeToString(ShapeOf(parts[0])), ir::ShapeToString(shape)));
    }
    if (groups > 1) {
      if (shape[1] % groups != 0) {
        Fail(s, "groups", fmt::format("{} channels do not split into {} groups", shape[1], groups));
      }
      const int64_t width = shape[1] / groups;
      part = builder_->Op(Name(fmt::format("group{}", i)), ir::OpKind::kSlice,
                          ir::SliceAttrs{.starts = {group_id * width},
                                         .ends = {(group_id + 1) * width},
                                         .axes = {1},
                                         .steps = {1}},
                          {part});
    }
    parts.push_back(part);
  }
  if (parts.size() == 1) return parts[0];
  int64_t channels = 0;
  for (ValueId part : parts) channels += ShapeOf(part)[1];
  CheckElements(s, "the output", {channels, ShapeOf(parts[0])[2], ShapeOf(parts[0])[3]});
  return builder_->Concat(Name("route"), parts, 1);
}

ValueId Importer::Upsample(const DarknetSection& s, ValueId x) {
  const int64_t stride = s.Int("stride", 2);
  if (stride < 0) Unsupported(s, "stride", "a negative stride (downsampling)");
  if (stride == 0) Fail(s, "stride", "stride must not be 0");
  if (s.Float("scale", 1) != 1) Unsupported(s, "scale", "scale other than 1");
  x = As4d(x);
  const ir::Shape& in = ShapeOf(x);
  CheckElements(s, "the output", {in[1], in[2], stride, in[3], stride});
  return builder_->Upsample(Name("upsample"), x, {stride, stride});
}

ValueId Importer::Normalization(const DarknetSection& s, ValueId) {
  // forward_normalization_layer starts channel 0 with channels [0, size/2) and then slides
  // by adding k + size/2 and dropping k - (size-1)/2 - 1: the sum skips a channel, so it
  // is not the centred window of Lrn (nor any window an IR op sums).
  Unsupported(s, "",
              "Darknet 2018's [normalization] sums squares over a channel window "
              "that is not LRN's centred window");
}

}  // namespace edgebench::formats::darknet
