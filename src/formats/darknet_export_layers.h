#pragma once

// Turns IR nodes, in execution order, into Darknet layers, tracking which layer holds
// each value. Darknet feeds every layer the previous layer's output; other values are
// brought back with a [route] copy.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "formats/darknet_export_plan.h"
#include "ir/graph.h"

namespace edgebench::formats::darknet {

class LayerBuilder {
 public:
  /// The network input, which only the first layer reads.
  static constexpr int kInputLayer = -1;
  /// A value from a node that could not be planned: checks against it are skipped so
  /// each node reports only its own problem.
  static constexpr int kUnknownLayer = -2;

  LayerBuilder(const ir::Graph& graph, bool with_weights, Plan& plan);

  /// Starts the network with an identity layer holding the input.
  void CopyInput(ir::ValueId input);
  /// Plans one node; returns why it cannot be written, empty when it can.
  std::string Add(const ir::Node& node);
  /// Whether the node was folded into an earlier layer.
  bool IsFused(ir::NodeId id) const { return fused_[static_cast<size_t>(id)]; }
  int LayerOf(ir::ValueId value) const;
  /// Whether `value` is a strided or channel-cut copy of a layer, held by no layer
  /// (Darknet computes it only inside the [shortcut] that adds it).
  bool IsView(ir::ValueId value) const { return views_.contains(value); }

 private:
  struct Dims {
    int64_t channels = -1;
    int64_t height = -1;
    int64_t width = -1;
  };

  std::string AddConv(const ir::Node& node);
  std::string AddBatchNorm(const ir::Node& node);
  std::string AddMaxPool(const ir::Node& node);
  std::string AddAvgPool(const ir::Node& node, bool global);
  std::string AddFullyConnected(const ir::Node& node);
  /// A windowed average pool as a depthwise convolution of constant 1/k^2 weights
  /// (Darknet's [avgpool] is global only).
  std::string AddWindowAverage(const ir::Node& node);
  std::string AddShortcut(const ir::Node& node);
  std::string AddRoute(const ir::Node& node);
  std::string AddUpsample(const ir::Node& node);
  std::string AddResize(const ir::Node& node);
  /// Emits [upsample] stride=`stride` for `node` reading `x`.
  std::string EmitUpsample(const ir::Node& node, ir::ValueId x, int64_t stride);
  std::string AddSoftmax(const ir::Node& node);
  std::string AddActivation(const ir::Node& node, const std::string& activation);
  std::string AddAlias(const ir::Node& node);
  /// A strided or channel-cut slice feeding a [shortcut], or a centred [crop].
  std::string AddSlice(const ir::Node& node);
  /// Zero channels after the last, feeding a [shortcut].
  std::string AddPad(const ir::Node& node);
  std::string AddCrop(const ir::Node& node);
  /// [yolo] or [region] for the importer's anchor-head pattern starting at `reshape`
  /// (the per-anchor view of a layer); nullopt when `reshape` starts no such head.
  std::optional<std::string> AddAnchorHead(const ir::Node& reshape);

  /// How a view changes a layer's channels to the other [shortcut] operand's count.
  enum class ChannelChange { kNone, kCut, kFilled };
  /// A layer value as Darknet's [shortcut] reads it: every `stride`-th pixel, channels
  /// cut or zero-filled.
  struct View {
    ir::ValueId source;
    int64_t stride = 1;
    ChannelChange channels = ChannelChange::kNone;
  };
  std::string ShortcutFromView(const ir::Node& node, ir::ValueId previous, const View& view);
  /// Why `node` cannot read the views among its inputs (empty when it reads none or
  /// is a node that can).
  std::string CheckNotView(const ir::Node& node) const;
  /// The value of a one-element constant, materialized or a zero-width descriptor.
  std::optional<float> ScalarConstant(ir::ValueId value) const;

  /// The Darknet image a 1xCxHxW (or 1xK, as Kx1x1) shape is, if it is one.
  static std::optional<Dims> ImageDims(const ir::Shape& shape);
  /// Empty when the layer holding `value` is the CxHxW image its IR shape says.
  std::string CheckImage(ir::ValueId value) const;
  /// Why `value` cannot be a layer's input (a constant, the input after the first layer).
  std::string CheckActivation(ir::ValueId value) const;
  /// Makes `value` the next layer's input, with a [route] copy when it is not already.
  void Feed(ir::ValueId value);
  /// The node alone consuming `value` when `value` is no graph output, else nullptr.
  const ir::Node* SoleConsumer(ir::ValueId value) const;
  /// Folds an activation node consuming `value` alone into the layer being built:
  /// returns the Darknet activation name ("linear" if none) and moves `value` to the
  /// activation's output.
  std::string FoldActivation(ir::ValueId& value);
  /// Appends a layer computing `output` (shaped as the IR says unless `dims` given).
  void Emit(Layer layer, ir::ValueId output, const std::string& origin,
            std::optional<Dims> dims = std::nullopt);
  const std::vector<float>& Data(ir::ValueId constant) const;
  Dims DimsOfLayer(int layer) const;

  const ir::Graph& graph_;
  bool with_weights_;
  Plan& plan_;
  std::vector<bool> fused_;
  std::vector<std::vector<ir::NodeId>> consumers_;
  std::vector<bool> is_output_;
  std::unordered_map<ir::ValueId, int> layer_of_;
  std::unordered_map<ir::ValueId, View> views_;
  int current_ = kInputLayer;
};

/// Darknet's name for an IR activation node it computes identically, if any ("leaky" only
/// for slope 0.1: Darknet's is fixed).
std::optional<std::string> DarknetActivation(const ir::Node& node);

}  // namespace edgebench::formats::darknet
