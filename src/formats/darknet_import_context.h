#pragma once

// The Darknet importer's state while it walks the cfg's layers; each layer kind's
// translation lives in its own file (darknet_import_layers.cc, darknet_import_heads.cc,
// darknet_import_activations.cc).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "formats/darknet_cfg.h"
#include "formats/darknet_import.h"
#include "zoo/graph_builder.h"

namespace edgebench::formats::darknet {

using ir::ValueId;

class Importer {
 public:
  Importer(std::string name, const DarknetImportLimits& limits)
      : name_(std::move(name)), limits_(limits) {}

  ir::Graph Import(const std::vector<DarknetSection>& sections,
                   std::vector<DarknetLayerWeights>* layer_weights);

 private:
  // One method per layer kind: reads the section, emits nodes, returns the layer output.
  ValueId Convolutional(const DarknetSection& s, ValueId x);
  ValueId Connected(const DarknetSection& s, ValueId x);
  ValueId MaxPool(const DarknetSection& s, ValueId x);
  ValueId AvgPool(const DarknetSection& s, ValueId x);
  ValueId Shortcut(const DarknetSection& s, ValueId x);
  // `from` sampled and cut (or zero-filled) to shape `to` as Darknet's shortcut adds it.
  // `to` is a copy: the builder's shapes move as nodes are added.
  ValueId ShortcutView(const DarknetSection& s, ValueId from, ir::Shape to);
  ValueId Crop(const DarknetSection& s, ValueId x);
  ValueId Route(const DarknetSection& s);
  ValueId Upsample(const DarknetSection& s, ValueId x);
  ValueId Reorg(const DarknetSection& s, ValueId x);
  ValueId Softmax(const DarknetSection& s, ValueId x);
  ValueId Normalization(const DarknetSection& s, ValueId x);
  ValueId Yolo(const DarknetSection& s, ValueId x);
  ValueId Region(const DarknetSection& s, ValueId x);
  ValueId Detection(const DarknetSection& s, ValueId x);

  // The activation named by the section's `activation` key (default `fallback`).
  ValueId Activation(const DarknetSection& s, ValueId x, const std::string& fallback);

  // Per-anchor head activations: x is N x anchors*per_anchor x H x W; each piece
  // [begin, end) of every anchor's channels gets `kind`.
  enum class PieceKind { kIdentity, kLogistic, kSoftmax };
  struct Piece {
    int64_t begin;
    int64_t end;
    PieceKind kind;
  };
  ValueId AnchorHead(ValueId x, int64_t anchors, int64_t per_anchor,
                     const std::vector<Piece>& pieces);

  // x as N x C x H x W ([connected] outputs are N x C, which Darknet reads as C x 1 x 1).
  ValueId As4d(ValueId x);
  // The output of layer `index` (absolute, or relative when negative), for [route] and
  // [shortcut]: must be an earlier layer.
  ValueId EarlierLayer(const DarknetSection& s, const std::string& key, int64_t index) const;
  // A constant filled with `value` (exact whatever the seed), broadcast against any x.
  ValueId Scalar(const std::string& suffix, float value);

  std::string Name(const std::string& suffix) const;
  [[noreturn]] void Fail(const DarknetSection& s, const std::string& key,
                         const std::string& message) const;
  [[noreturn]] void Unsupported(const DarknetSection& s, const std::string& key,
                                const std::string& message) const;
  // Refuses tensors and work beyond the limits before anything is allocated.
  void CheckElements(const DarknetSection& s, const std::string& what,
                     const std::vector<int64_t>& dims) const;
  void AddMacs(const DarknetSection& s, const std::vector<int64_t>& factors);
  void AddWeights(const DarknetSection& s, const std::vector<int64_t>& dims);

  // Notes where a layer's .weights data goes: the constants of node `linear` (conv or
  // fc) and, when not empty, of batch norm `batch_norm` (which then holds the bias).
  void RecordWeights(const DarknetSection& s, bool connected, const std::string& linear,
                     const std::string& batch_norm);
  // The recorded layers' constants, looked up in the finished graph.
  void ResolveWeights(const ir::Graph& graph) const;

  const ir::Shape& ShapeOf(ValueId v) const { return builder_->shape(v); }

  std::string name_;
  const DarknetImportLimits& limits_;
  std::optional<zoo::GraphBuilder> builder_;
  std::vector<ValueId> layer_outputs_;
  std::vector<DarknetLayerWeights>* layer_weights_ = nullptr;
  struct RecordedWeights {
    int layer;
    int line;
    bool connected;
    std::string linear;
    std::string batch_norm;
  };
  std::vector<RecordedWeights> recorded_weights_;
  int index_ = 0;  // the Darknet layer being translated
  double total_macs_ = 0;
  double total_weights_ = 0;
};

}  // namespace edgebench::formats::darknet
