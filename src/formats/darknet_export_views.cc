// Slices and pads Darknet computes only as part of a layer: the strided, channel-cut or
// zero-filled copy of a layer that [shortcut] adds (see the importer's ShortcutView), and
// the centred window of [crop].

#include <fmt/format.h>

#include <algorithm>

#include "formats/darknet_export_layers.h"
#include "ir/op_semantics.h"

namespace edgebench::formats::darknet {
namespace {

// One slice parameter per axis of a rank-`rank` tensor (ONNX defaults for the others).
struct AxisSlice {
  int64_t start = 0;
  int64_t step = 1;
  bool sliced = false;
};

std::vector<AxisSlice> PerAxis(const ir::SliceAttrs& attrs, const ir::Shape& in) {
  std::vector<AxisSlice> axes(in.size());
  for (size_t i = 0; i < attrs.axes.size(); ++i) {
    const int64_t axis = ir::NormalizeAxis(attrs.axes[i], in.size());
    int64_t start = attrs.starts[i];
    if (start < 0) start += in[static_cast<size_t>(axis)];
    axes[static_cast<size_t>(axis)] = {std::clamp<int64_t>(start, 0, in[static_cast<size_t>(axis)]),
                                       i < attrs.steps.size() ? attrs.steps[i] : 1, true};
  }
  return axes;
}

}  // namespace

std::optional<float> LayerBuilder::ScalarConstant(ir::ValueId value) const {
  const ir::Value& v = graph_.value(value);
  if (v.kind != ir::ValueKind::kConstant || ir::ElementCount(v.shape) != 1) return std::nullopt;
  if (v.data.size() == 1) return v.data[0];
  // Unmaterialized: a descriptor of zero width is that value whatever the seed.
  if (v.data.empty() && v.init.half_width == 0) return v.init.center;
  return std::nullopt;
}

std::string LayerBuilder::CheckNotView(const ir::Node& node) const {
  if (node.op == ir::OpKind::kAdd || node.op == ir::OpKind::kSlice || node.op == ir::OpKind::kPad) {
    return "";
  }
  for (ir::ValueId input : node.inputs) {
    if (views_.contains(input)) {
      return fmt::format(
          "it reads '{}', a strided or channel-cut copy of a layer, which Darknet computes "
          "only inside [shortcut]",
          graph_.value(input).name);
    }
  }
  return "";
}

std::string LayerBuilder::AddSlice(const ir::Node& node) {
  const ir::ValueId x = node.inputs[0];
  const ir::Shape& in = graph_.value(x).shape;
  const ir::Shape& out = graph_.value(node.outputs[0]).shape;
  if (in.size() != 4 || in[0] != 1) return "Darknet slices only 1xCxHxW images";
  const std::vector<AxisSlice> axes = PerAxis(std::get<ir::SliceAttrs>(node.attrs), in);
  if (axes[0].sliced && out[0] != in[0]) return "Darknet cannot slice the batch";
  const bool channels = axes[1].sliced && out[1] != in[1];
  const bool spatial = (axes[2].sliced && (out[2] != in[2] || axes[2].step != 1)) ||
                       (axes[3].sliced && (out[3] != in[3] || axes[3].step != 1));
  if (channels == spatial) {
    return channels ? "Darknet has no layer slicing channels and pixels at once"
                    : "Darknet has no layer for this slice";
  }
  const int64_t step_h = axes[2].sliced ? axes[2].step : 1;
  const int64_t step_w = axes[3].sliced ? axes[3].step : 1;
  const int64_t top = axes[2].sliced ? axes[2].start : 0;
  const int64_t left = axes[3].sliced ? axes[3].start : 0;
  if (spatial && step_h == 1 && step_w == 1 && (top != 0 || left != 0)) {
    if (top != (in[2] - out[2]) / 2 || left != (in[3] - out[3]) / 2) {
      return "Darknet's [crop] takes the centred window only";
    }
    return AddCrop(node);
  }
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  View view = views_.contains(x) ? views_.at(x) : View{x};
  if (spatial) {
    if (top != 0 || left != 0 || step_h != step_w || step_h < 1) {
      return "a strided slice must start at 0 with one step in height and width, as "
             "Darknet's [shortcut] samples";
    }
    if (view.stride != 1) return "the layer is already strided once";
    view.stride = step_h;
  } else {
    if (axes[1].start != 0 || axes[1].step != 1) {
      return "Darknet's [shortcut] uses only the first channels of a larger layer";
    }
    if (view.channels != ChannelChange::kNone) return "the channels are already cut or filled";
    view.channels = ChannelChange::kCut;
  }
  views_[node.outputs[0]] = view;
  return "";
}

std::string LayerBuilder::AddPad(const ir::Node& node) {
  const ir::ValueId x = node.inputs[0];
  const auto& attrs = std::get<ir::PadAttrs>(node.attrs);
  const ir::Shape& in = graph_.value(x).shape;
  bool channels_only = in.size() == 4 && attrs.mode == ir::PadMode::kConstant && attrs.value == 0 &&
                       attrs.pads_begin.size() == 4 && attrs.pads_end.size() == 4;
  for (size_t d = 0; channels_only && d < 4; ++d) {
    channels_only = attrs.pads_begin[d] == 0 && (d == 1 || attrs.pads_end[d] == 0);
  }
  if (!channels_only) {
    return "Darknet pads only by zero channels after the last, inside [shortcut]";
  }
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  View view = views_.contains(x) ? views_.at(x) : View{x};
  if (view.channels != ChannelChange::kNone) return "the channels are already cut or filled";
  view.channels = ChannelChange::kFilled;
  views_[node.outputs[0]] = view;
  return "";
}

std::string LayerBuilder::ShortcutFromView(const ir::Node& node, ir::ValueId previous,
                                           const View& view) {
  const ir::Value& source = graph_.value(view.source);
  if (std::string why = CheckImage(view.source); !why.empty()) return why;
  if (LayerOf(view.source) == kInputLayer) {
    return "it adds the network input, which [shortcut] cannot name";
  }
  const ir::Shape& from = source.shape;
  const ir::Shape& to = graph_.value(previous).shape;
  // Darknet's shortcut_cpu samples with stride w1/w2 (= h1/h2) and adds min(c1, c2)
  // channels: the view must be exactly that.
  const int64_t stride = from[3] / to[3];
  if (stride != view.stride || from[2] / to[2] != stride) {
    return fmt::format("adding {} sampled every {} to {}: Darknet's [shortcut] samples every {}",
                       ir::ShapeToString(from), view.stride, ir::ShapeToString(to), stride);
  }
  const ChannelChange expected = from[1] > to[1]   ? ChannelChange::kCut
                                 : from[1] < to[1] ? ChannelChange::kFilled
                                                   : ChannelChange::kNone;
  if (view.channels != expected) {
    return "the channels are not cut or zero-filled the way Darknet's [shortcut] adds them";
  }
  Feed(previous);
  ir::ValueId out = node.outputs[0];
  const std::string activation = FoldActivation(out);
  std::string origin = node.name;
  if (out != node.outputs[0]) origin += ", " + graph_.node(graph_.value(out).producer).name;
  Emit(Layer("shortcut", {{"from", std::to_string(std::max(LayerOf(view.source), 0))},
                          {"activation", activation}}),
       out, origin);
  return "";
}

std::string LayerBuilder::AddCrop(const ir::Node& node) {
  const ir::ValueId x = node.inputs[0];
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  if (views_.contains(x)) return "it crops a strided copy, which Darknet cannot";
  if (std::string why = CheckImage(x); !why.empty()) return why;
  const ir::Shape& out_shape = graph_.value(node.outputs[0]).shape;
  ir::ValueId out = node.outputs[0];
  std::string origin = node.name;
  // Darknet's crop maps x to 2x - 1 unless noadjust=1: fold a following "* 2 + -1".
  bool adjusted = false;
  const ir::Node* scale = SoleConsumer(out);
  if (scale != nullptr && scale->op == ir::OpKind::kMul && scale->inputs[0] == out &&
      ScalarConstant(scale->inputs[1]) == 2.0f) {
    const ir::Node* shift = SoleConsumer(scale->outputs[0]);
    if (shift != nullptr && shift->op == ir::OpKind::kAdd &&
        shift->inputs[0] == scale->outputs[0] && ScalarConstant(shift->inputs[1]) == -1.0f) {
      fused_[static_cast<size_t>(graph_.value(scale->outputs[0]).producer)] = true;
      fused_[static_cast<size_t>(graph_.value(shift->outputs[0]).producer)] = true;
      out = shift->outputs[0];
      origin += ", " + scale->name + ", " + shift->name;
      adjusted = true;
    }
  }
  Feed(x);
  Options options{{"crop_height", std::to_string(out_shape[2])},
                  {"crop_width", std::to_string(out_shape[3])},
                  {"flip", "0"}};
  if (!adjusted) options.emplace_back("noadjust", "1");
  Emit(Layer("crop", std::move(options)), out, origin);
  return "";
}

}  // namespace edgebench::formats::darknet
