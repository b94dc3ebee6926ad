#include "backends/darknet/darknet_session.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace edgebench::backends::darknet {
namespace {

// A private directory for the cfg/weights pair Darknet reads, removed when done.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = (std::filesystem::path(base != nullptr && *base != '\0' ? base : "/tmp") /
                           "edgebench-darknet-XXXXXX")
                              .string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error(fmt::format("cannot create a temporary directory {}", pattern));
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string Write(const std::string& name, const std::string& bytes) const {
    const std::string file = (path_ / name).string();
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", file));
    return file;
  }

 private:
  std::filesystem::path path_;
};

// Darknet leaves a batch-normalized layer's rolling variance at 0 when no weights reach
// it, and then divides by ~0: every such layer must have loaded real, positive values.
void CheckNormalizationLoaded(const network& net) {
  for (int i = 0; i < net.n; ++i) {
    const layer& l = net.layers[i];
    if (!l.batch_normalize || l.rolling_variance == nullptr) continue;
    for (int c = 0; c < l.out_c; ++c) {
      if (!(l.rolling_variance[c] > 0.0f) || !std::isfinite(l.rolling_variance[c])) {
        throw std::runtime_error(fmt::format(
            "Darknet layer {} loaded rolling variance {} for channel {}: the weights did not "
            "load",
            i, l.rolling_variance[c], c));
      }
    }
  }
}

}  // namespace

NetworkHandle LoadNetwork(const formats::DarknetModel& model, const ir::Graph& graph) {
  TempDir dir;
  std::string cfg = dir.Write("model.cfg", model.cfg);
  std::string weights = dir.Write("model.weights", model.weights);
  NetworkHandle net(parse_network_cfg(cfg.data()));
  if (!net) throw std::runtime_error("Darknet's parse_network_cfg returned no network");
  load_weights(net.get(), weights.data());
  set_batch_network(net.get(), 1);
  CheckNormalizationLoaded(*net);
  for (size_t i = 0; i < model.output_layers.size(); ++i) {
    const int index = model.output_layers[i];
    const ir::Value& value = graph.value(graph.outputs()[i]);
    if (index < 0 || index >= net->n) {
      throw std::runtime_error(
          fmt::format("output '{}' maps to layer {}, Darknet built {}", value.name, index, net->n));
    }
    if (net->layers[index].outputs != ir::ElementCount(value.shape)) {
      throw std::runtime_error(fmt::format("Darknet layer {} holds {} values, output '{}' is {}",
                                           index, net->layers[index].outputs, value.name,
                                           ir::ShapeToString(value.shape)));
    }
  }
  return net;
}

DarknetSession::DarknetSession(NetworkHandle net, ir::Shape input_shape,
                               std::vector<int> output_layers, std::vector<ir::Shape> output_shapes)
    : net_(std::move(net)),
      input_shape_(std::move(input_shape)),
      input_(static_cast<size_t>(ir::ElementCount(input_shape_)), 0.0f),
      output_layers_(std::move(output_layers)),
      output_shapes_(std::move(output_shapes)) {}

Status DarknetSession::SetInputs(const std::vector<HostTensor>& inputs) noexcept {
  if (inputs.size() != 1) {
    return Status::Error(fmt::format("expected 1 input, got {}", inputs.size()));
  }
  if (inputs[0].shape != input_shape_ || inputs[0].data.size() != input_.size()) {
    return Status::Error(fmt::format("input has shape {}, the model expects {}",
                                     ir::ShapeToString(inputs[0].shape),
                                     ir::ShapeToString(input_shape_)));
  }
  // Batch 1 NCHW is Darknet's CHW image layout as is.
  std::copy(inputs[0].data.begin(), inputs[0].data.end(), input_.begin());
  return Status::Ok();
}

Status DarknetSession::Run() noexcept {
  if (!profiling_) {
    network_predict(net_.get(), input_.data());
    return Status::Ok();
  }
  // network_predict's set-up and forward_network's loop, on a copy of the network struct
  // as they use, with a clock around each layer's forward.
  network net = *net_;
  net.input = input_.data();
  net.truth = nullptr;
  net.train = 0;
  net.delta = nullptr;
  layer_seconds_.assign(static_cast<size_t>(net.n), 0.0);
  for (int i = 0; i < net.n; ++i) {
    net.index = i;
    const layer l = net.layers[i];
    if (l.delta != nullptr) std::fill_n(l.delta, l.outputs * l.batch, 0.0f);
    const auto start = std::chrono::steady_clock::now();
    l.forward(l, net);
    layer_seconds_[static_cast<size_t>(i)] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    net.input = l.output;
    if (l.truth != 0) net.truth = l.output;
  }
  return Status::Ok();
}

Status DarknetSession::EnableProfiling() noexcept {
  if (layer_origins_.size() != static_cast<size_t>(net_->n)) {
    return Status::Error(fmt::format("the exported cfg names {} layers, Darknet built {}",
                                     layer_origins_.size(), net_->n));
  }
  profiling_ = true;
  return Status::Ok();
}

Status DarknetSession::LastProfile(std::vector<LayerTime>& layers) noexcept {
  try {
    layers.clear();
    for (size_t i = 0; i < layer_seconds_.size() && i < layer_origins_.size(); ++i) {
      layers.push_back(layer_origins_[i]);
      layers.back().seconds = layer_seconds_[i];
    }
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("reading the Darknet profile failed: {}", error.what()));
  }
  return Status::Ok();
}

std::vector<LayerTime> LayerOrigins(const std::string& cfg) {
  std::vector<LayerTime> layers;
  std::istringstream lines(cfg);
  std::string line;
  std::string origin;
  bool have_origin = false;
  while (std::getline(lines, line)) {
    // "# I: ORIGIN", I the layer's index (the file's first line is a comment too).
    const size_t colon = line.find(": ");
    if (line.starts_with("# ") && colon != std::string::npos && colon > 2 &&
        std::all_of(line.begin() + 2, line.begin() + static_cast<std::ptrdiff_t>(colon),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      origin = line.substr(colon + 2);
      have_origin = true;
      continue;
    }
    if (!have_origin || !line.starts_with("[") || !line.ends_with("]")) continue;
    LayerTime layer{.layer = fmt::format("{} [{}]", layers.size(), line.substr(1, line.size() - 2)),
                    .kind = line.substr(1, line.size() - 2)};
    // Origins the export wrote for layers of its own say what they copy or subsample.
    if (!origin.starts_with("copy of ") && !origin.starts_with("stride of ")) {
      for (size_t start = 0; start <= origin.size();) {
        const size_t comma = origin.find(", ", start);
        const size_t end = comma == std::string::npos ? origin.size() : comma;
        if (end > start) layer.ir_nodes.push_back(origin.substr(start, end - start));
        start = end + 2;
      }
    } else {
      layer.layer += " " + origin;
    }
    layers.push_back(std::move(layer));
    have_origin = false;
  }
  return layers;
}

Status DarknetSession::GetOutputs(std::vector<HostTensor>& outputs) noexcept {
  try {
    outputs.clear();
    for (size_t i = 0; i < output_layers_.size(); ++i) {
      HostTensor tensor(output_shapes_[i]);
      const float* source = net_->layers[output_layers_[i]].output;
      std::copy_n(source, tensor.data.size(), tensor.data.begin());
      outputs.push_back(std::move(tensor));
    }
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("reading Darknet outputs failed: {}", error.what()));
  }
  return Status::Ok();
}

}  // namespace edgebench::backends::darknet
