// Darknet layers without weights: pooling, [shortcut], [route], [upsample], [softmax],
// [activation], and the reshapes that cost nothing.

#include <fmt/format.h>

#include "formats/darknet_export_layers.h"
#include "ir/op_semantics.h"

namespace edgebench::formats::darknet {
namespace {

bool ParamsEqual(const std::vector<int64_t>& values) {
  for (int64_t v : values) {
    if (v != values[0]) return false;
  }
  return true;
}

// Darknet's maxpool output extent for `padding` (it pads padding/2 before the input).
int64_t DarknetPoolExtent(int64_t in, int64_t padding, int64_t size, int64_t stride) {
  return (in + padding - size) / stride + 1;
}

}  // namespace

std::string LayerBuilder::AddMaxPool(const ir::Node& node) {
  const auto& attrs = std::get<ir::PoolAttrs>(node.attrs);
  const ir::ValueId x = node.inputs[0];
  if (attrs.kernel.size() != 2) return "Darknet's [maxpool] is 2-D only";
  if (!ParamsEqual(attrs.kernel) || !ParamsEqual(attrs.strides)) {
    return "window or stride differs between height and width (Darknet has one size= and "
           "stride=)";
  }
  if (!ParamsEqual(attrs.pads_begin)) {
    return "leading padding differs between height and width";
  }
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  if (std::string why = CheckImage(x); !why.empty()) return why;
  const ir::Shape& in = graph_.value(x).shape;
  const ir::Shape& out = graph_.value(node.outputs[0]).shape;
  const int64_t size = attrs.kernel[0];
  const int64_t stride = attrs.strides[0];
  const int64_t begin = attrs.pads_begin[0];
  // Darknet pads padding/2 before and the rest after: the padding whose windows start
  // where the IR's do and that yields the IR's output extent is the same pooling.
  int64_t padding = -1;
  for (int64_t candidate : {2 * begin, 2 * begin + 1}) {
    if (in[2] + candidate < size || in[3] + candidate < size) continue;
    if (DarknetPoolExtent(in[2], candidate, size, stride) == out[2] &&
        DarknetPoolExtent(in[3], candidate, size, stride) == out[3]) {
      padding = candidate;
      break;
    }
  }
  if (padding < 0) {
    return fmt::format(
        "no Darknet padding= reproduces this pooling (Darknet pads padding/2 before the input, "
        "the IR {} before and gives output {})",
        begin, ir::ShapeToString(out));
  }
  Feed(x);
  Emit(Layer("maxpool", {{"size", std::to_string(size)},
                         {"stride", std::to_string(stride)},
                         {"padding", std::to_string(padding)}}),
       node.outputs[0], node.name);
  return "";
}

std::string LayerBuilder::AddAvgPool(const ir::Node& node, bool global) {
  const ir::ValueId x = node.inputs[0];
  const ir::Shape& in = graph_.value(x).shape;
  if (in.size() != 4) return "Darknet's [avgpool] is 2-D only";
  if (!global) {
    const auto& attrs = std::get<ir::PoolAttrs>(node.attrs);
    const bool whole_input =
        attrs.kernel.size() == 2 && attrs.kernel[0] == in[2] && attrs.kernel[1] == in[3] &&
        ParamsEqual(attrs.pads_begin) && attrs.pads_begin[0] == 0 && ParamsEqual(attrs.pads_end) &&
        attrs.pads_end[0] == 0 && ir::ElementCount(graph_.value(node.outputs[0]).shape) == in[1];
    if (!whole_input) return AddWindowAverage(node);
  }
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  if (std::string why = CheckImage(x); !why.empty()) return why;
  Feed(x);
  Emit(Layer("avgpool"), node.outputs[0], node.name);
  return "";
}

std::string LayerBuilder::AddShortcut(const ir::Node& node) {
  const ir::ValueId a = node.inputs[0];
  const ir::ValueId b = node.inputs[1];
  if (IsView(a) && IsView(b)) return "both operands are strided or cut copies of layers";
  if (IsView(a) || IsView(b)) {
    const ir::ValueId previous = IsView(a) ? b : a;
    if (graph_.value(a).shape != graph_.value(b).shape) {
      return fmt::format("it broadcasts {} and {}; Darknet's [shortcut] adds equal shapes",
                         ir::ShapeToString(graph_.value(a).shape),
                         ir::ShapeToString(graph_.value(b).shape));
    }
    if (std::string why = CheckActivation(previous); !why.empty()) return why;
    if (std::string why = CheckImage(previous); !why.empty()) return why;
    return ShortcutFromView(node, previous, views_.at(IsView(a) ? a : b));
  }
  for (ir::ValueId operand : {a, b}) {
    if (std::string why = CheckActivation(operand); !why.empty()) {
      return why + " (Darknet's [shortcut] adds two layer outputs)";
    }
  }
  if (graph_.value(a).shape != graph_.value(b).shape) {
    return fmt::format("it broadcasts {} and {}; Darknet's [shortcut] adds equal shapes",
                       ir::ShapeToString(graph_.value(a).shape),
                       ir::ShapeToString(graph_.value(b).shape));
  }
  for (ir::ValueId operand : {a, b}) {
    if (std::string why = CheckImage(operand); !why.empty()) return why;
  }
  if (LayerOf(a) == kInputLayer || LayerOf(b) == kInputLayer) {
    return "it adds the network input, which [shortcut] cannot name";
  }
  // [shortcut] adds the layer named by from= to the previous layer's output. (A layer
  // index below 0 means a refused node upstream: the plan is not written then.)
  int from = LayerOf(b);
  if (LayerOf(a) != current_) {
    if (LayerOf(b) == current_) {
      from = LayerOf(a);
    } else {
      Feed(a);
    }
  }
  ir::ValueId out = node.outputs[0];
  const std::string activation = FoldActivation(out);
  std::string origin = node.name;
  if (out != node.outputs[0]) origin += ", " + graph_.node(graph_.value(out).producer).name;
  Emit(Layer("shortcut", {{"from", std::to_string(std::max(from, 0))}, {"activation", activation}}),
       out, origin);
  return "";
}

std::string LayerBuilder::AddRoute(const ir::Node& node) {
  const ir::Shape& out = graph_.value(node.outputs[0]).shape;
  const int64_t axis = ir::NormalizeAxis(std::get<ir::ConcatAttrs>(node.attrs).axis, out.size());
  if (axis != 1 || !ImageDims(out)) {
    return "Darknet's [route] concatenates only the channels of 1xCxHxW images";
  }
  std::string layers;
  for (ir::ValueId input : node.inputs) {
    if (std::string why = CheckActivation(input); !why.empty()) return why;
    if (std::string why = CheckImage(input); !why.empty()) return why;
    if (LayerOf(input) == kInputLayer) {
      return "it concatenates the network input, which [route] cannot name";
    }
    if (!layers.empty()) layers += ",";
    layers += std::to_string(std::max(LayerOf(input), 0));
  }
  Emit(Layer("route", {{"layers", layers}}), node.outputs[0], node.name);
  return "";
}

std::string LayerBuilder::AddUpsample(const ir::Node& node) {
  const auto& scales = std::get<ir::UpsampleAttrs>(node.attrs).scales;
  const ir::ValueId x = node.inputs[0];
  if (scales.size() != 2 || scales[0] != scales[1] || scales[0] < 1) {
    return "Darknet's [upsample] scales height and width by one integer stride";
  }
  return EmitUpsample(node, x, scales[0]);
}

std::string LayerBuilder::AddResize(const ir::Node& node) {
  const auto& attrs = std::get<ir::ResizeAttrs>(node.attrs);
  const ir::ValueId x = node.inputs[0];
  const ir::Shape& in = graph_.value(x).shape;
  const ir::Shape& out = graph_.value(node.outputs[0]).shape;
  const char* kWhy =
      "Darknet resizes only by [upsample], integer pixel replication of height and width";
  if (attrs.mode != ir::ResizeMode::kNearest || in.size() != 4 || out[0] != in[0] ||
      out[1] != in[1] || out[2] % in[2] != 0 || out[2] / in[2] != out[3] / in[3] ||
      out[3] % in[3] != 0) {
    return kWhy;
  }
  const int64_t stride = out[2] / in[2];
  // Replication is output index i reading input index i / stride, whatever coordinate
  // mode and rounding produce it.
  for (size_t dim = 2; dim < 4; ++dim) {
    for (int64_t i = 0; i < out[dim]; ++i) {
      const double source = ir::ResizeSourceCoordinate(attrs, dim, i, in[dim], out[dim]);
      if (ir::ResizeNearestIndex(attrs, source, in[dim]) != i / stride) return kWhy;
    }
  }
  return EmitUpsample(node, x, stride);
}

std::string LayerBuilder::EmitUpsample(const ir::Node& node, ir::ValueId x, int64_t stride) {
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  if (std::string why = CheckImage(x); !why.empty()) return why;
  Feed(x);
  Emit(Layer("upsample", {{"stride", std::to_string(stride)}}), node.outputs[0], node.name);
  return "";
}

std::string LayerBuilder::AddSoftmax(const ir::Node& node) {
  const ir::ValueId x = node.inputs[0];
  const ir::Shape& shape = graph_.value(x).shape;
  const int64_t axis = ir::NormalizeAxis(std::get<ir::SoftmaxAttrs>(node.attrs).axis, shape.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    if (static_cast<int64_t>(d) != axis && shape[d] != 1) {
      return fmt::format(
          "Darknet's [softmax] normalizes the whole tensor; {} has more than the softmax "
          "axis",
          ir::ShapeToString(shape));
    }
  }
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  Feed(x);
  // Darknet's softmax layer keeps no image dims: no image layer may follow it.
  Emit(Layer("softmax", {{"groups", "1"}}), node.outputs[0], node.name, Dims{});
  return "";
}

std::string LayerBuilder::AddActivation(const ir::Node& node, const std::string& activation) {
  const ir::ValueId x = node.inputs[0];
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  Feed(x);
  // [activation] takes its dims from the layer before it.
  const std::optional<Dims> dims =
      current_ == kUnknownLayer ? std::nullopt : std::optional<Dims>(DimsOfLayer(current_));
  Emit(Layer("activation", {{"activation", activation}}), node.outputs[0], node.name, dims);
  return "";
}

std::string LayerBuilder::AddAlias(const ir::Node& node) {
  const ir::ValueId x = node.inputs[0];
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  // Darknet buffers are flat: a reshape is the same buffer, read with other dims.
  layer_of_[node.outputs[0]] = LayerOf(x);
  return "";
}

}  // namespace edgebench::formats::darknet
