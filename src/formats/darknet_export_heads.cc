// [yolo] and [region] written back from the pattern the importer makes of them
// (Importer::AnchorHead): a per-anchor reshape, slices of each anchor's entries with a
// logistic or softmax on some, concatenated and reshaped back.

#include <fmt/format.h>

#include <algorithm>

#include "formats/darknet_export_layers.h"
#include "ir/op_semantics.h"

namespace edgebench::formats::darknet {
namespace {

enum class Entry { kRaw, kLogistic, kSoftmax };

struct Piece {
  int64_t begin;
  int64_t end;
  Entry entry;
  bool operator==(const Piece&) const = default;
};

// The pieces Darknet 2018's forward_yolo_layer applies: logistic on x, y, objectness and
// class scores.
std::vector<Piece> YoloPieces(int64_t per_anchor) {
  return {{0, 2, Entry::kLogistic}, {2, 4, Entry::kRaw}, {4, per_anchor, Entry::kLogistic}};
}

// forward_region_layer's: logistic on x, y and objectness, softmax or logistic on the
// class scores, other coords raw.
std::vector<Piece> RegionPieces(int64_t per_anchor, int64_t coords, bool softmax) {
  std::vector<Piece> pieces{{0, 2, Entry::kLogistic}};
  if (coords > 2) pieces.push_back({2, coords, Entry::kRaw});
  pieces.push_back({coords, coords + 1, Entry::kLogistic});
  pieces.push_back({coords + 1, per_anchor, softmax ? Entry::kSoftmax : Entry::kLogistic});
  return pieces;
}

}  // namespace

std::optional<std::string> LayerBuilder::AddAnchorHead(const ir::Node& reshape) {
  const ir::ValueId x = reshape.inputs[0];
  const ir::ValueId anchored = reshape.outputs[0];
  const ir::Shape& in = graph_.value(x).shape;
  const ir::Shape& view = graph_.value(anchored).shape;
  if (in.size() != 4 || view.size() != 5 || view[0] != 1 || view[3] != in[2] || view[4] != in[3] ||
      view[1] * view[2] != in[1] || is_output_[static_cast<size_t>(anchored)]) {
    return std::nullopt;
  }
  const int64_t per_anchor = view[2];
  // Every reader of the per-anchor view is a slice of entries along axis 2, each feeding
  // (through at most one activation) one concat along axis 2.
  std::vector<Piece> pieces;
  std::vector<ir::NodeId> members;
  std::vector<ir::ValueId> concat_inputs;
  const ir::Node* concat = nullptr;
  for (ir::NodeId id : consumers_[static_cast<size_t>(anchored)]) {
    const ir::Node& slice = graph_.node(id);
    if (slice.op != ir::OpKind::kSlice) return std::nullopt;
    const auto& attrs = std::get<ir::SliceAttrs>(slice.attrs);
    if (attrs.axes.size() != 1 || ir::NormalizeAxis(attrs.axes[0], 5) != 2 ||
        (!attrs.steps.empty() && attrs.steps[0] != 1)) {
      return std::nullopt;
    }
    const int64_t begin = std::clamp<int64_t>(attrs.starts[0], 0, per_anchor);
    const int64_t end = begin + graph_.value(slice.outputs[0]).shape[2];
    members.push_back(id);
    ir::ValueId part = slice.outputs[0];
    Entry entry = Entry::kRaw;
    const ir::Node* next = SoleConsumer(part);
    if (next != nullptr && next->op == ir::OpKind::kSigmoid) {
      entry = Entry::kLogistic;
    } else if (next != nullptr && next->op == ir::OpKind::kSoftmax &&
               ir::NormalizeAxis(std::get<ir::SoftmaxAttrs>(next->attrs).axis, 5) == 2) {
      entry = Entry::kSoftmax;
    }
    if (entry != Entry::kRaw) {
      members.push_back(graph_.value(next->outputs[0]).producer);
      part = next->outputs[0];
      next = SoleConsumer(part);
    }
    if (next == nullptr || next->op != ir::OpKind::kConcat ||
        ir::NormalizeAxis(std::get<ir::ConcatAttrs>(next->attrs).axis, 5) != 2 ||
        (concat != nullptr && concat != next)) {
      return std::nullopt;
    }
    concat = next;
    pieces.push_back({begin, end, entry});
    concat_inputs.push_back(part);
  }
  if (concat == nullptr || concat->inputs.size() != concat_inputs.size()) return std::nullopt;
  // The concat must put the pieces back in entry order.
  std::vector<Piece> ordered;
  for (ir::ValueId input : concat->inputs) {
    const auto found = std::find(concat_inputs.begin(), concat_inputs.end(), input);
    if (found == concat_inputs.end()) return std::nullopt;
    ordered.push_back(pieces[static_cast<size_t>(found - concat_inputs.begin())]);
  }
  const ir::Node* back = SoleConsumer(concat->outputs[0]);
  if (back == nullptr || back->op != ir::OpKind::kReshape ||
      graph_.value(back->outputs[0]).shape != in) {
    return std::nullopt;
  }
  const int64_t anchors = view[1];
  Layer head("yolo");
  if (per_anchor >= 5 && ordered == YoloPieces(per_anchor)) {
    head.options = {{"classes", std::to_string(per_anchor - 5)}, {"num", std::to_string(anchors)}};
  } else {
    bool matched = false;
    for (int64_t coords = 2; coords + 2 <= per_anchor && !matched; ++coords) {
      for (bool softmax : {false, true}) {
        if (ordered != RegionPieces(per_anchor, coords, softmax)) continue;
        head = Layer("region", {{"coords", std::to_string(coords)},
                                {"classes", std::to_string(per_anchor - coords - 1)},
                                {"num", std::to_string(anchors)},
                                {"softmax", softmax ? "1" : "0"}});
        matched = true;
        break;
      }
    }
    if (!matched) return std::nullopt;
  }
  if (std::string why = CheckActivation(x); !why.empty()) return why;
  if (std::string why = CheckImage(x); !why.empty()) return why;
  members.push_back(graph_.value(concat->outputs[0]).producer);
  members.push_back(graph_.value(back->outputs[0]).producer);
  std::string origin = reshape.name;
  for (ir::NodeId id : members) {
    fused_[static_cast<size_t>(id)] = true;
    origin += ", " + graph_.node(id).name;
  }
  Feed(x);
  Emit(std::move(head), back->outputs[0], origin);
  return "";
}

}  // namespace edgebench::formats::darknet
