// [yolo], [region], [softmax] and [reorg]: layers whose Darknet semantics are an element
// order, expressed with Reshape/Slice/Transpose around IR ops.
#include <fmt/format.h>

#include "formats/darknet_import_context.h"

namespace edgebench::formats::darknet {
namespace {

// channels == anchors * per_anchor, without overflowing on absurd cfg values.
bool FillsChannels(int64_t channels, int64_t anchors, int64_t per_anchor) {
  return anchors > 0 && per_anchor > 0 && channels % anchors == 0 &&
         channels / anchors == per_anchor;
}

}  // namespace

ValueId Importer::AnchorHead(ValueId x, int64_t anchors, int64_t per_anchor,
                             const std::vector<Piece>& pieces) {
  const ir::Shape in = ShapeOf(x);
  ValueId split = builder_->Reshape(Name("anchors"), x, {in[0], anchors, per_anchor, in[2], in[3]});
  std::vector<ValueId> parts;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& piece = pieces[i];
    ValueId part = builder_->Op(
        Name(fmt::format("entries{}_{}", piece.begin, piece.end)), ir::OpKind::kSlice,
        ir::SliceAttrs{.starts = {piece.begin}, .ends = {piece.end}, .axes = {2}, .steps = {1}},
        {split});
    switch (piece.kind) {
      case PieceKind::kIdentity:
        break;
      case PieceKind::kLogistic:
        part = builder_->Sigmoid(Name(fmt::format("logistic{}_{}", piece.begin, piece.end)), part);
        break;
      case PieceKind::kSoftmax:
        part =
            builder_->Softmax(Name(fmt::format("softmax{}_{}", piece.begin, piece.end)), part, 2);
        break;
    }
    parts.push_back(part);
  }
  ValueId joined = builder_->Concat(Name("entries"), parts, 2);
  return builder_->Reshape(Name("output"), joined, in);
}

ValueId Importer::Yolo(const DarknetSection& s, ValueId x) {
  x = As4d(x);
  const int64_t classes = s.Int("classes", 20);
  const int64_t total = s.Int("num", 1);
  std::vector<int64_t> mask = s.IntList("mask");
  if (classes < 0 || total <= 0) Fail(s, "", "classes must be >= 0 and num positive");
  for (int64_t m : mask) {
    if (m < 0 || m >= total)
      Fail(s, "mask", fmt::format("mask {} is not an anchor below num={}", m, total));
  }
  const int64_t anchors = mask.empty() ? total : static_cast<int64_t>(mask.size());
  const int64_t per_anchor = classes + 5;
  if (!FillsChannels(ShapeOf(x)[1], anchors, per_anchor)) {
    Fail(s, "",
         fmt::format("the input has {} channels, {} anchors x ({} classes + 5) expected",
                     ShapeOf(x)[1], anchors, classes));
  }
  // Darknet's forward_yolo_layer: logistic on x, y and on objectness + class scores.
  return AnchorHead(x, anchors, per_anchor,
                    {{0, 2, PieceKind::kLogistic},
                     {2, 4, PieceKind::kIdentity},
                     {4, per_anchor, PieceKind::kLogistic}});
}

ValueId Importer::Region(const DarknetSection& s, ValueId x) {
  x = As4d(x);
  if (s.Has("tree")) Unsupported(s, "tree", "hierarchical softmax (softmax_tree)");
  if (s.Int("background", 0) != 0) Unsupported(s, "background", "background class");
  const int64_t classes = s.Int("classes", 20);
  const int64_t coords = s.Int("coords", 4);
  const int64_t anchors = s.Int("num", 1);
  if (classes <= 0 || coords < 2 || anchors <= 0) {
    Fail(s, "", "needs classes >= 1, coords >= 2 and num >= 1");
  }
  const int64_t per_anchor = coords + 1 + classes;
  if (!FillsChannels(ShapeOf(x)[1], anchors, per_anchor)) {
    Fail(s, "",
         fmt::format("the input has {} channels, {} anchors x ({} coords + 1 + {} classes) "
                     "expected",
                     ShapeOf(x)[1], anchors, coords, classes));
  }
  // Darknet's forward_region_layer: logistic on x, y and objectness; class scores get a
  // softmax across classes (softmax=1) or logistic; other coords stay raw.
  std::vector<Piece> pieces{{0, 2, PieceKind::kLogistic}};
  if (coords > 2) pieces.push_back({2, coords, PieceKind::kIdentity});
  pieces.push_back({coords, coords + 1, PieceKind::kLogistic});
  pieces.push_back({coords + 1, per_anchor,
                    s.Int("softmax", 0) != 0 ? PieceKind::kSoftmax : PieceKind::kLogistic});
  return AnchorHead(x, anchors, per_anchor, pieces);
}

ValueId Importer::Detection(const DarknetSection& s, ValueId x) {
  const int64_t classes = s.Int("classes", 1);
  const int64_t coords = s.Int("coords", 1);
  const int64_t num = s.Int("num", 1);
  const int64_t side = s.Int("side", 7);
  if (classes <= 0 || coords <= 0 || num <= 0 || side <= 0 || side > 1 << 12 || classes > 1 << 20 ||
      coords > 1 << 10 || num > 1 << 10) {
    Fail(s, "", "classes, coords, num and side must be positive (and of sane size)");
  }
  const ir::Shape in = ShapeOf(x);
  int64_t inputs = 1;
  for (size_t i = 1; i < in.size(); ++i) inputs *= in[i];
  const int64_t cells = side * side;
  if (cells * ((1 + coords) * num + classes) != inputs) {
    Fail(s, "",
         fmt::format("side^2 x ((1 + coords) x num + classes) = {} x {} does not match the {} "
                     "inputs",
                     cells, (1 + coords) * num + classes, inputs));
  }
  x = builder_->Flatten(Name("flatten"), x);
  // Darknet's forward_detection_layer outside training copies its input; with softmax=1
  // it normalizes each cell's class scores, which come first.
  if (s.Int("softmax", 0) == 0) return x;
  ValueId scores = builder_->Op(
      Name("class_scores"), ir::OpKind::kSlice,
      ir::SliceAttrs{.starts = {0}, .ends = {cells * classes}, .axes = {1}, .steps = {1}}, {x});
  ValueId rest = builder_->Op(
      Name("boxes"), ir::OpKind::kSlice,
      ir::SliceAttrs{.starts = {cells * classes}, .ends = {inputs}, .axes = {1}, .steps = {1}},
      {x});
  ValueId per_cell = builder_->Reshape(Name("cells"), scores, {in[0], cells, classes});
  ValueId normalized = builder_->Softmax(Name("softmax"), per_cell, 2);
  ValueId flat = builder_->Reshape(Name("scores_flat"), normalized, {in[0], cells * classes});
  return builder_->Concat(Name("output"), {flat, rest}, 1);
}

ValueId Importer::Softmax(const DarknetSection& s, ValueId x) {
  if (s.Has("tree")) Unsupported(s, "tree", "hierarchical softmax (softmax_tree)");
  const float temperature = s.Float("temperature", 1);
  if (!(temperature > 0)) Fail(s, "temperature", "temperature must be positive");
  const int64_t groups = s.Int("groups", 1);
  const ir::Shape in = ShapeOf(x);
  int64_t inputs = 1;
  for (size_t i = 1; i < in.size(); ++i) inputs *= in[i];
  if (groups <= 0 || inputs % groups != 0) {
    Fail(s, "groups", fmt::format("groups={} does not divide the {} inputs", groups, inputs));
  }
  // Darknet normalizes each of `groups` contiguous runs of the flattened input, of
  // x / temperature.
  if (temperature != 1) {
    x = builder_->Op(Name("temperature"), ir::OpKind::kDiv, {},
                     {x, Scalar("temperature_value", temperature)});
  }
  ValueId grouped = builder_->Reshape(Name("groups"), x, {in[0], groups, inputs / groups});
  ValueId y = builder_->Softmax(Name("softmax"), grouped, 2);
  return builder_->Reshape(Name("output"), y, in);
}

ValueId Importer::Reorg(const DarknetSection& s, ValueId x) {
  for (const char* key : {"reverse", "flatten", "extra"}) {
    if (s.Int(key, 0) != 0) Unsupported(s, key, fmt::format("reorg with '{}'", key));
  }
  x = As4d(x);
  const ir::Shape in = ShapeOf(x);
  const int64_t stride = s.Int("stride", 1);
  if (stride <= 0) Fail(s, "stride", "stride must be positive");
  if (in[1] % (stride * stride) != 0 || in[2] % stride != 0 || in[3] % stride != 0) {
    Unsupported(s, "stride",
                fmt::format("stride {} does not divide the {} input's channels by "
                            "stride^2 and its height and width",
                            stride, ir::ShapeToString(in)));
  }
  // Darknet's forward_reorg_layer calls reorg_cpu(..., forward=0), which reads its input
  // buffer as C/s^2 x H*s x W*s and moves each s x s block of that view into channels:
  // output channel (dy*s + dx)*C/s^2 + c at (j, i) takes view[c][j*s + dy][i*s + dx].
  const int64_t c = in[1] / (stride * stride);
  ValueId view = builder_->Reshape(Name("view"), x, {in[0], c, in[2], stride, in[3], stride});
  ValueId moved = builder_->Op(Name("blocks"), ir::OpKind::kTranspose,
                               ir::TransposeAttrs{{0, 3, 5, 1, 2, 4}}, {view});
  return builder_->Reshape(Name("output"), moved,
                           {in[0], in[1] * stride * stride, in[2] / stride, in[3] / stride});
}

}  // namespace edgebench::formats::darknet
