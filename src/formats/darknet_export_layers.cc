#include "formats/darknet_export_layers.h"

#include <fmt/format.h>

#include <limits>

#include "formats/onnx.h"
#include "ir/op_semantics.h"

namespace edgebench::formats::darknet {

std::optional<std::string> DarknetActivation(const ir::Node& node) {
  constexpr float kInfinity = std::numeric_limits<float>::infinity();
  if (node.op == ir::OpKind::kRelu) return "relu";
  if (node.op == ir::OpKind::kSigmoid) return "logistic";
  if (node.op == ir::OpKind::kTanh) return "tanh";
  if (node.op == ir::OpKind::kLeakyRelu && std::get<ir::LeakyReluAttrs>(node.attrs).alpha == 0.1f) {
    return "leaky";
  }
  if (node.op == ir::OpKind::kClip) {
    const auto& clip = std::get<ir::ClipAttrs>(node.attrs);
    if (clip.min == -1.0f && clip.max == 1.0f) return "hardtan";
    if (clip.min == 0.0f && clip.max == kInfinity) return "relu";
  }
  return std::nullopt;
}

LayerBuilder::LayerBuilder(const ir::Graph& graph, bool with_weights, Plan& plan)
    : graph_(graph),
      with_weights_(with_weights),
      plan_(plan),
      fused_(graph.nodes().size(), false),
      consumers_(graph.values().size()),
      is_output_(graph.values().size(), false) {
  for (size_t id = 0; id < graph.nodes().size(); ++id) {
    for (ir::ValueId input : graph.nodes()[id].inputs) {
      consumers_[static_cast<size_t>(input)].push_back(static_cast<ir::NodeId>(id));
    }
  }
  for (ir::ValueId output : graph.outputs()) is_output_[static_cast<size_t>(output)] = true;
  for (ir::ValueId input : graph.inputs()) layer_of_[input] = kInputLayer;
}

void LayerBuilder::CopyInput(ir::ValueId input) {
  // A 1x1 max pool of stride 1 is Darknet's cheapest identity layer.
  Emit(Layer("maxpool", {{"size", "1"}, {"stride", "1"}, {"padding", "0"}}), input,
       fmt::format("copy of input '{}'", graph_.value(input).name));
}

int LayerBuilder::LayerOf(ir::ValueId value) const {
  const auto found = layer_of_.find(value);
  return found == layer_of_.end() ? kUnknownLayer : found->second;
}

LayerBuilder::Dims LayerBuilder::DimsOfLayer(int layer) const {
  if (layer == kInputLayer) return {plan_.channels, plan_.height, plan_.width};
  const Layer& l = plan_.layers.at(static_cast<size_t>(layer));
  return {l.channels, l.height, l.width};
}

std::optional<LayerBuilder::Dims> LayerBuilder::ImageDims(const ir::Shape& shape) {
  if (shape.size() == 4 && shape[0] == 1) return Dims{shape[1], shape[2], shape[3]};
  if (shape.size() == 2 && shape[0] == 1) return Dims{shape[1], 1, 1};
  return std::nullopt;
}

std::string LayerBuilder::CheckActivation(ir::ValueId value) const {
  const ir::Value& v = graph_.value(value);
  if (v.kind == ir::ValueKind::kConstant) {
    return fmt::format("its input '{}' is a constant; Darknet layers only read layer outputs",
                       v.name);
  }
  if (LayerOf(value) == kInputLayer && current_ != kInputLayer) {
    return fmt::format("it reads the network input '{}' after other layers ran", v.name);
  }
  return "";
}

std::string LayerBuilder::CheckImage(ir::ValueId value) const {
  const ir::Value& v = graph_.value(value);
  const std::optional<Dims> image = ImageDims(v.shape);
  if (!image) {
    return fmt::format("Darknet layers read one 1xCxHxW image, '{}' is {}", v.name,
                       ir::ShapeToString(v.shape));
  }
  const int layer = LayerOf(value);
  if (layer == kUnknownLayer) return "";
  const Dims held = DimsOfLayer(layer);
  if (held.channels != image->channels || held.height != image->height ||
      held.width != image->width) {
    return fmt::format(
        "Darknet holds '{}' as the output of a flat or differently shaped layer, not as the "
        "{} image this node reads",
        v.name, ir::ShapeToString(v.shape));
  }
  return "";
}

void LayerBuilder::Feed(ir::ValueId value) {
  const int layer = LayerOf(value);
  if (layer == current_ || layer == kInputLayer) return;
  if (layer == kUnknownLayer) {
    current_ = kUnknownLayer;
    return;
  }
  const Dims dims = DimsOfLayer(layer);
  Layer route("route", {{"layers", std::to_string(layer)}});
  route.channels = dims.channels;
  route.height = dims.height;
  route.width = dims.width;
  route.origin = fmt::format("copy of '{}'", graph_.value(value).name);
  plan_.layers.push_back(std::move(route));
  current_ = static_cast<int>(plan_.layers.size()) - 1;
}

const ir::Node* LayerBuilder::SoleConsumer(ir::ValueId value) const {
  const std::vector<ir::NodeId>& users = consumers_[static_cast<size_t>(value)];
  if (is_output_[static_cast<size_t>(value)] || users.size() != 1) return nullptr;
  return &graph_.node(users[0]);
}

std::string LayerBuilder::FoldActivation(ir::ValueId& value) {
  const ir::Node* next = SoleConsumer(value);
  if (next == nullptr || next->inputs.size() != 1) return "linear";
  std::optional<std::string> name = DarknetActivation(*next);
  if (!name) return "linear";
  fused_[static_cast<size_t>(consumers_[static_cast<size_t>(value)][0])] = true;
  value = next->outputs[0];
  return *name;
}

void LayerBuilder::Emit(Layer layer, ir::ValueId output, const std::string& origin,
                        std::optional<Dims> dims) {
  if (!dims) dims = ImageDims(graph_.value(output).shape);
  if (dims) {
    layer.channels = dims->channels;
    layer.height = dims->height;
    layer.width = dims->width;
  }
  layer.origin = origin;
  plan_.layers.push_back(std::move(layer));
  current_ = static_cast<int>(plan_.layers.size()) - 1;
  layer_of_[output] = current_;
}

const std::vector<float>& LayerBuilder::Data(ir::ValueId constant) const {
  static const std::vector<float> kNone;
  if (!with_weights_) return kNone;
  const ir::Value& v = graph_.value(constant);
  if (static_cast<int64_t>(v.data.size()) != ir::ElementCount(v.shape)) {
    throw FormatError(fmt::format("constant '{}' has no materialized data to write", v.name));
  }
  return v.data;
}

std::string LayerBuilder::Add(const ir::Node& node) {
  const auto no_layer = [&node] {
    return fmt::format("Darknet 2018 has no layer computing {}", ir::OpName(node.op));
  };
  if (std::string why = CheckNotView(node); !why.empty()) return why;
  switch (node.op) {
    case ir::OpKind::kConv:
      return AddConv(node);
    case ir::OpKind::kBatchNorm:
      return AddBatchNorm(node);
    case ir::OpKind::kMaxPool:
      return AddMaxPool(node);
    case ir::OpKind::kAvgPool:
      return AddAvgPool(node, /*global=*/false);
    case ir::OpKind::kGlobalAvgPool:
      return AddAvgPool(node, /*global=*/true);
    case ir::OpKind::kFullyConnected:
      return AddFullyConnected(node);
    case ir::OpKind::kAdd:
      return AddShortcut(node);
    case ir::OpKind::kConcat:
      return AddRoute(node);
    case ir::OpKind::kUpsampleNearest:
      return AddUpsample(node);
    case ir::OpKind::kSoftmax:
      return AddSoftmax(node);
    case ir::OpKind::kReshape:
      if (std::optional<std::string> head = AddAnchorHead(node)) return *head;
      return AddAlias(node);
    case ir::OpKind::kSlice:
      return AddSlice(node);
    case ir::OpKind::kPad:
      return AddPad(node);
    case ir::OpKind::kFlatten:
    case ir::OpKind::kSqueeze:
    case ir::OpKind::kUnsqueeze:
      return AddAlias(node);
    case ir::OpKind::kRelu:
    case ir::OpKind::kSigmoid:
    case ir::OpKind::kTanh:
      return AddActivation(node, *DarknetActivation(node));
    case ir::OpKind::kLeakyRelu: {
      const std::optional<std::string> name = DarknetActivation(node);
      if (!name) {
        return fmt::format("Darknet's leaky slope is fixed at 0.1, this one is {}",
                           std::get<ir::LeakyReluAttrs>(node.attrs).alpha);
      }
      return AddActivation(node, *name);
    }
    case ir::OpKind::kClip: {
      const std::optional<std::string> name = DarknetActivation(node);
      if (!name) return "Darknet clips only to [-1, 1] (hardtan) or [0, inf) (relu)";
      return AddActivation(node, *name);
    }
    case ir::OpKind::kRelu6:
      return "Darknet 2018 has no relu6 activation (nor any bounded relu but hardtan's [-1, 1])";
    case ir::OpKind::kLrn:
      return "Darknet 2018's [normalization] sums a channel window that is not centred as "
             "the LRN window is";
    case ir::OpKind::kResize:
      return AddResize(node);
    case ir::OpKind::kHardSwish:
    case ir::OpKind::kHardSigmoid:
    case ir::OpKind::kSilu:
    case ir::OpKind::kGelu:
      return fmt::format("Darknet 2018 has no {} activation", ir::OpName(node.op));
    case ir::OpKind::kSub:
    case ir::OpKind::kMul:
    case ir::OpKind::kDiv:
    case ir::OpKind::kPow:
    case ir::OpKind::kMaximum:
    case ir::OpKind::kMinimum:
    case ir::OpKind::kExp:
    case ir::OpKind::kLog:
    case ir::OpKind::kSqrt:
    case ir::OpKind::kAbs:
    case ir::OpKind::kNeg:
    case ir::OpKind::kErf:
    case ir::OpKind::kReduceMean:
    case ir::OpKind::kReduceSum:
    case ir::OpKind::kReduceMax:
    case ir::OpKind::kTranspose:
    case ir::OpKind::kGather:
    case ir::OpKind::kMatMul:
    case ir::OpKind::kConvTranspose:
    case ir::OpKind::kLayerNorm:
      return no_layer();
  }
  return no_layer();
}

}  // namespace edgebench::formats::darknet
