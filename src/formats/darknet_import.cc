#include "formats/darknet_import.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "formats/darknet_import_context.h"
#include "formats/onnx.h"

namespace edgebench::formats {
namespace darknet {
namespace {

constexpr char kWeightsQuery[] = "?weights=";

bool IsNet(const std::string& type) { return type == "net" || type == "network"; }

// Sections Darknet 2018 knows but edgebench does not translate, with the reason.
std::string RefusalReason(const std::string& type) {
  if (type == "local") return "locally connected layers (unshared weights) have no IR op";
  if (type == "crnn" || type == "rnn" || type == "gru" || type == "lstm") {
    return "recurrent layers keep state across calls; the IR runs stateless graphs";
  }
  if (type == "deconvolutional" || type == "deconv") {
    return "Darknet's deconvolution padding and weight layout are not translated";
  }
  if (type == "batchnorm") return "standalone batch-norm layers are not translated";
  if (type == "activation" || type == "logistic" || type == "l2norm" || type == "iseg") {
    return "this layer kind is not translated";
  }
  return "";
}

}  // namespace

ir::Graph Importer::Import(const std::vector<DarknetSection>& sections,
                           std::vector<DarknetLayerWeights>* layer_weights) {
  layer_weights_ = layer_weights;
  if (sections.empty() || !IsNet(sections[0].type())) {
    throw FormatError(fmt::format("{}: a Darknet cfg starts with a [net] section", name_));
  }
  const DarknetSection& net = sections[0];
  int64_t width = net.Int("width", 0);
  int64_t height = net.Int("height", 0);
  int64_t channels = net.Int("channels", 0);
  if (width == 0 && height == 0 && channels == 0 && net.Has("inputs")) {
    channels = net.Int("inputs", 0);
    width = height = 1;
  }
  if (width <= 0 || height <= 0 || channels <= 0) {
    throw FormatError(fmt::format(
        "{}: width, height and channels (or inputs) must be given and positive, got {} x {} x {}",
        net.Where(), channels, height, width));
  }
  CheckElements(net, "the input", {channels, height, width});
  builder_.emplace(name_, ir::Shape{1, channels, height, width});
  if (static_cast<int64_t>(sections.size()) - 1 > limits_.max_layers) {
    throw FormatError(fmt::format("{}: more than {} layers", name_, limits_.max_layers));
  }

  ValueId x = builder_->input();
  std::vector<ValueId> heads;
  ValueId last = ir::kNoId;
  for (size_t i = 1; i < sections.size(); ++i) {
    const DarknetSection& s = sections[i];
    index_ = static_cast<int>(i - 1);
    const std::string& type = s.type();
    ValueId y = ir::kNoId;
    try {
      if (type == "convolutional" || type == "conv") {
        y = Convolutional(s, x);
      } else if (type == "connected" || type == "conn") {
        y = Connected(s, x);
      } else if (type == "maxpool" || type == "max") {
        y = MaxPool(s, x);
      } else if (type == "avgpool" || type == "avg") {
        y = AvgPool(s, x);
      } else if (type == "shortcut") {
        y = Shortcut(s, x);
      } else if (type == "route") {
        y = Route(s);
      } else if (type == "crop") {
        y = Crop(s, x);
      } else if (type == "upsample") {
        y = Upsample(s, x);
      } else if (type == "reorg") {
        y = Reorg(s, x);
      } else if (type == "softmax" || type == "soft") {
        y = Softmax(s, x);
      } else if (type == "normalization" || type == "lrn") {
        y = Normalization(s, x);
      } else if (type == "yolo") {
        y = Yolo(s, x);
        heads.push_back(y);
      } else if (type == "detection") {
        y = Detection(s, x);
        heads.push_back(y);
      } else if (type == "region") {
        y = Region(s, x);
        heads.push_back(y);
      } else if (type == "dropout" || type == "cost") {
        y = x;  // identity at inference; [cost] only matters for training
      } else if (IsNet(type)) {
        Fail(s, "", "a second [net] section");
      } else if (std::string reason = RefusalReason(type); !reason.empty()) {
        Unsupported(s, "", reason);
      } else {
        Fail(s, "", "unknown section type");
      }
    } catch (const ir::GraphError& error) {
      Fail(s, "", error.what());
    }
    const ir::Shape& shape = ShapeOf(y);
    CheckElements(s, "the output", std::vector<int64_t>(shape.begin() + 1, shape.end()));
    layer_outputs_.push_back(y);
    if (type != "cost") last = y;
    x = y;
  }
  if (last == ir::kNoId || last == builder_->input()) {
    throw FormatError(
        fmt::format("{}: the cfg has no layers (other than [dropout] and [cost])", name_));
  }
  if (heads.empty()) heads.push_back(last);
  ir::Graph graph = builder_->Finish(heads);
  ResolveWeights(graph);
  return graph;
}

void Importer::RecordWeights(const DarknetSection& s, bool connected, const std::string& linear,
                             const std::string& batch_norm) {
  recorded_weights_.push_back({index_, s.line(), connected, linear, batch_norm});
}

void Importer::ResolveWeights(const ir::Graph& graph) const {
  if (!layer_weights_) return;
  for (const RecordedWeights& r : recorded_weights_) {
    DarknetLayerWeights slot{.layer = r.layer, .connected = r.connected, .line = r.line};
    slot.weight = graph.FindValue(r.linear + ".weight");
    if (r.batch_norm.empty()) {
      slot.bias = graph.FindValue(r.linear + ".bias");
    } else {
      slot.scale = graph.FindValue(r.batch_norm + ".scale");
      slot.bias = graph.FindValue(r.batch_norm + ".bias");
      slot.mean = graph.FindValue(r.batch_norm + ".mean");
      slot.variance = graph.FindValue(r.batch_norm + ".variance");
    }
    layer_weights_->push_back(slot);
  }
}

std::string Importer::Name(const std::string& suffix) const {
  return fmt::format("layer{}_{}", index_, suffix);
}

void Importer::Fail(const DarknetSection& s, const std::string& key,
                    const std::string& message) const {
  throw FormatError(
      fmt::format("{} (layer {}): {}", key.empty() ? s.Where() : s.Where(key), index_, message));
}

void Importer::Unsupported(const DarknetSection& s, const std::string& key,
                           const std::string& message) const {
  throw UnsupportedModelError(fmt::format("{} (layer {}): unsupported: {}",
                                          key.empty() ? s.Where() : s.Where(key), index_, message));
}

void Importer::CheckElements(const DarknetSection& s, const std::string& what,
                             const std::vector<int64_t>& dims) const {
  double elements = 1;
  for (int64_t d : dims) {
    if (d <= 0) Fail(s, "", fmt::format("{} would have an empty or negative dim", what));
    elements *= static_cast<double>(d);
  }
  if (elements > static_cast<double>(limits_.max_tensor_elements)) {
    Fail(s, "",
         fmt::format("{} would have {:.0f} elements, more than the limit of {}", what, elements,
                     limits_.max_tensor_elements));
  }
}

void Importer::AddMacs(const DarknetSection& s, const std::vector<int64_t>& factors) {
  double macs = 1;
  for (int64_t f : factors) macs *= static_cast<double>(f);
  total_macs_ += macs;
  if (total_macs_ > static_cast<double>(limits_.max_total_macs)) {
    Fail(s, "",
         fmt::format("the network would need more than {} multiply-accumulates",
                     limits_.max_total_macs));
  }
}

void Importer::AddWeights(const DarknetSection& s, const std::vector<int64_t>& dims) {
  CheckElements(s, "a weight tensor", dims);
  double elements = 1;
  for (int64_t d : dims) elements *= static_cast<double>(d);
  total_weights_ += elements;
  if (total_weights_ > static_cast<double>(limits_.max_total_weight_elements)) {
    Fail(s, "",
         fmt::format("the network would have more than {} weights",
                     limits_.max_total_weight_elements));
  }
}

ValueId Importer::As4d(ValueId x) {
  const ir::Shape& shape = ShapeOf(x);
  if (shape.size() == 4) return x;
  return builder_->Reshape(Name("as_chw"), x, {shape[0], shape[1], 1, 1});
}

ValueId Importer::EarlierLayer(const DarknetSection& s, const std::string& key,
                               int64_t index) const {
  const int64_t absolute = index < 0 ? index_ + index : index;
  if (absolute < 0 || absolute >= index_) {
    Fail(s, key,
         fmt::format("layer index {} ({}) is not an earlier layer", index,
                     absolute == index_  ? "itself"
                     : absolute > index_ ? "a later layer"
                                         : "out of range"));
  }
  return layer_outputs_[static_cast<size_t>(absolute)];
}

ValueId Importer::Scalar(const std::string& suffix, float value) {
  return builder_->Constant(Name(suffix), {1}, ir::WeightInit{value, 0.0f}, ir::WeightRole::kNone);
}

}  // namespace darknet

ir::Graph ImportDarknetCfg(const std::string& cfg_text, const std::string& name,
                           const DarknetImportLimits& limits,
                           std::vector<DarknetLayerWeights>* layer_weights) {
  std::vector<DarknetSection> sections =
      ParseDarknetCfg(cfg_text, name, limits.max_cfg_bytes, limits.max_layers + 1);
  if (layer_weights) layer_weights->clear();
  return darknet::Importer(name, limits).Import(sections, layer_weights);
}

ir::Graph ImportDarknetCfg(const std::string& cfg_text, const std::string& name,
                           const DarknetImportLimits& limits) {
  return ImportDarknetCfg(cfg_text, name, limits, nullptr);
}

ir::Graph ImportDarknetCfgFile(const std::string& path, const DarknetImportLimits& limits) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw FormatError(fmt::format("{}: cannot read: {}", path, error.message()));
  if (static_cast<int64_t>(size) > limits.max_cfg_bytes) {
    throw FormatError(fmt::format("{}: {} bytes, more than the cfg limit of {}", path, size,
                                  limits.max_cfg_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw FormatError(fmt::format("{}: cannot read", path));
  ir::Graph graph = ImportDarknetCfg(text.str(), path, limits);
  graph.set_name(std::filesystem::path(path).stem().string());
  return graph;
}

bool IsDarknetModelRef(const std::string& model) {
  const std::string cfg = model.substr(0, model.find(darknet::kWeightsQuery));
  return cfg.size() > 4 && cfg.compare(cfg.size() - 4, 4, ".cfg") == 0;
}

DarknetModelRef ParseDarknetModelRef(const std::string& model) {
  const size_t query = model.find(darknet::kWeightsQuery);
  if (query == std::string::npos) return {model, ""};
  return {model.substr(0, query), model.substr(query + sizeof(darknet::kWeightsQuery) - 1)};
}

std::string DarknetModelRefString(const DarknetModelRef& ref) {
  return ref.weights.empty() ? ref.cfg : ref.cfg + darknet::kWeightsQuery + ref.weights;
}

}  // namespace edgebench::formats
