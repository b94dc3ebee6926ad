#include "backends/opencv/opencv_backend.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "backends/opencv/layer_groups.h"
#include "backends/opencv/modern_op_support.h"
#include "backends/opencv/onnx_adapter.h"
#include "backends/opencv/quantization.h"
#include "backends/registry.h"
#include "formats/onnx.h"

namespace edgebench::backends::opencv {
namespace {

// cv::Exception::what() is the full "OpenCV(4.6.0) file:line: error: (-215) ... in
// function ..." text; its `err` member is the part that says why, which is what a user
// reading a result table needs. Both are kept short and on one line.
std::string Describe(const cv::Exception& error) {
  std::string why = error.err.empty() ? std::string(error.what()) : error.err;
  if (!error.func.empty()) why += fmt::format(" (in {})", error.func);
  std::replace(why.begin(), why.end(), '\n', ' ');
  return why;
}

int SpatialRank(const ir::Graph& graph, const ir::Node& node) {
  return static_cast<int>(graph.value(node.inputs.front()).shape.size()) - 2;
}

bool AllEqual(const std::vector<int64_t>& values, int64_t expected) {
  return std::all_of(values.begin(), values.end(),
                     [expected](int64_t value) { return value == expected; });
}

// Pooling: what OpenCV 4.6's ONNX importer and Pooling layer compute the way the IR
// defines it, probed against the reference kernels (see opencv_backend_test's constructs).
Support PoolSupport(const ir::Graph& graph, const ir::Node& node) {
  const auto& attrs = std::get<ir::PoolAttrs>(node.attrs);
  const ir::Shape& x = graph.value(node.inputs.front()).shape;
  for (size_t i = 0; i < attrs.kernel.size(); ++i) {
    // The IR (like ONNX and Caffe) lets a ceil-mode window hang over a dim smaller than
    // the kernel (VGG-S at 32x32: a 2x2 pool on 1x1); OpenCV's output size arithmetic
    // goes negative there and the net fails to set up.
    if (x[2 + i] + attrs.pads_begin[i] + attrs.pads_end[i] < attrs.kernel[i]) {
      return {
          false,
          fmt::format("pooling window {} larger than the padded input {} in spatial dim {}: OpenCV "
                      "4.6 computes an empty output (getMemoryShapes: total(os[i]) > 0)",
                      attrs.kernel[i], x[2 + i] + attrs.pads_begin[i] + attrs.pads_end[i], i)};
    }
  }
  for (size_t i = 0; attrs.ceil_mode && i < attrs.kernel.size(); ++i) {
    // ONNX, PyTorch and the IR drop a ceil-mode window that would start inside the end
    // padding. OpenCV 4.6 does too when the padding is symmetric, but keeps the window
    // (one more output row) when begin and end padding differ -- found by the shared
    // consistency test.
    const int64_t extent = x[2 + i] + attrs.pads_begin[i] + attrs.pads_end[i];
    const int64_t windows =
        (extent - attrs.kernel[i] + attrs.strides[i] - 1) / attrs.strides[i] + 1;
    if (attrs.pads_begin[i] != attrs.pads_end[i] &&
        (windows - 1) * attrs.strides[i] >= x[2 + i] + attrs.pads_begin[i]) {
      return {false, fmt::format("ceil-mode window starting in the asymmetric end padding of "
                                 "spatial dim {}: OpenCV 4.6 keeps it, ONNX semantics drop it",
                                 i)};
    }
  }
  const bool padded = !AllEqual(attrs.pads_begin, 0) || !AllEqual(attrs.pads_end, 0);
  if (node.op == ir::OpKind::kAvgPool && padded && attrs.count_include_pad) {
    // The importer ignores ONNX's count_include_pad attribute and decides whether padding
    // counts in the divisor from the model's producer name ("pytorch" or not); for our
    // export it never counts.
    return {false,
            "OpenCV 4.6's ONNX importer ignores count_include_pad=1 (AveragePool counts "
            "padding in the divisor only for models whose producer is 'pytorch')"};
  }
  return {};
}

}  // namespace

std::string OpenCvBackend::Version() const {
  const int threads = threads_ > 0 ? threads_ : cv::getNumThreads();
  return fmt::format("OpenCV {} (DNN, CPU, {} thread{})", cv::getVersionString(), threads,
                     threads == 1 ? "" : "s");
}

Support OpenCvBackend::Supports(const ir::Graph& graph, const ir::Node& node) const noexcept {
  try {
    switch (node.op) {
      case ir::OpKind::kMaxPool:
      case ir::OpKind::kAvgPool:
        return PoolSupport(graph, node);
      case ir::OpKind::kGlobalAvgPool:
        if (SpatialRank(graph, node) != 2) {
          return {false,
                  "OpenCV 4.6 has no 3-D global pooling: GlobalAveragePool on NCDHW fails in "
                  "Pooling getMemoryShapes (addedDims <= pads_begin.size())"};
        }
        return {};
      case ir::OpKind::kLrn:
        if (SpatialRank(graph, node) != 2) {
          return {false,
                  "OpenCV 4.6's LRN layer takes NCHW only: on NCDHW its forward fails "
                  "(inputs[i].dims == 4)"};
        }
        return {};
      case ir::OpKind::kUpsampleNearest:
        if (SpatialRank(graph, node) != 2) {
          return {false,
                  "OpenCV 4.6 resizes NCHW only: Resize on NCDHW fails in parseResize (HCHW "
                  "layout is expected: scales.total() == 4)"};
        }
        return {};
      default:
        // Add broadcasts since the modern op set, so it is judged with the other binary ops.
        if (node.op == ir::OpKind::kAdd || node.op >= ir::OpKind::kSub) {
          return ModernOpSupport(graph, node);
        }
        return {};
    }
  } catch (const std::exception& error) {
    return {false, fmt::format("cannot inspect node: {}", error.what())};
  }
}

namespace {

// Where a graph input or output lives on both sides: the IR value (shape, order) and the
// blob name OpenCV knows it by. The exporter names ONNX tensors after IR values and
// OpenCV names each layer after its node's first ONNX output, so the names coincide.
struct Binding {
  std::string name;
  ir::Shape shape;
};

std::vector<int> CvDims(const ir::Shape& shape) {
  std::vector<int> dims;
  dims.reserve(shape.size());
  for (int64_t dim : shape) dims.push_back(static_cast<int>(dim));
  return dims;
}

class OpenCvSession final : public Session {
 public:
  OpenCvSession(cv::dnn::Net net, int threads, std::vector<Binding> inputs,
                std::vector<Binding> outputs, std::map<std::string, std::string> producers,
                std::vector<KernelUse> kernels, std::vector<cv::String> output_layers)
      : net_(std::move(net)),
        threads_(threads),
        inputs_(std::move(inputs)),
        outputs_(std::move(outputs)),
        output_names_(std::move(output_layers)),  // an int8 net's dequantizing layers
        producers_(std::move(producers)),
        kernels_(std::move(kernels)) {}

  Status SetInputs(const std::vector<HostTensor>& inputs) noexcept override {
    try {
      if (inputs.size() != inputs_.size()) {
        return Status::Error(
            fmt::format("expected {} inputs, got {}", inputs_.size(), inputs.size()));
      }
      for (size_t i = 0; i < inputs.size(); ++i) {
        const Binding& binding = inputs_[i];
        if (inputs[i].shape != binding.shape ||
            static_cast<int64_t>(inputs[i].data.size()) != ir::ElementCount(binding.shape)) {
          return Status::Error(fmt::format("input {} has shape {}, model expects {}", i,
                                           ir::ShapeToString(inputs[i].shape),
                                           ir::ShapeToString(binding.shape)));
        }
        // The Mat only wraps our data: setInput copies it into the net's own input blob.
        const std::vector<int> dims = CvDims(binding.shape);
        const cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F,
                           const_cast<float*>(inputs[i].data.data()));
        net_.setInput(blob, binding.name);
      }
      // OpenCV's thread count is process-wide; another session in this process may have
      // changed it since Prepare, and setting it here keeps it out of the timed Run().
      cv::setNumThreads(threads_);
    } catch (const cv::Exception& error) {
      return Status::Error(fmt::format("OpenCV rejected the input: {}", Describe(error)));
    } catch (const std::exception& error) {
      return Status::Error(fmt::format("staging inputs failed: {}", error.what()));
    }
    return Status::Ok();
  }

  Status Run() noexcept override {
    try {
      net_.forward(results_, output_names_);
    } catch (const cv::Exception& error) {
      return Status::Error(fmt::format("OpenCV forward failed: {}", Describe(error)));
    } catch (const std::exception& error) {
      return Status::Error(fmt::format("OpenCV forward failed: {}", error.what()));
    }
    return Status::Ok();
  }

  // OpenCV times every layer of every forward anyway (Net::getPerfProfile): nothing to
  // switch on, and no overhead added.
  Status EnableProfiling() noexcept override { return Status::Ok(); }

  Status LastProfile(std::vector<LayerTime>& layers) noexcept override {
    try {
      std::vector<double> ticks;
      net_.getPerfProfile(ticks);
      const std::vector<cv::String> names = net_.getLayerNames();
      if (ticks.size() != names.size()) {
        return Status::Error(
            fmt::format("OpenCV timed {} layers of {}", ticks.size(), names.size()));
      }
      std::map<int, int> index_of_id;  // OpenCV layer id -> position in `names`
      for (size_t i = 0; i < names.size(); ++i) {
        index_of_id[net_.getLayerId(names[i])] = static_cast<int>(i);
      }
      std::vector<NetLayer> net_layers;
      for (size_t i = 0; i < names.size(); ++i) {
        NetLayer layer{.name = names[i],
                       .type = net_.getLayer(names[i])->type,
                       .seconds = ticks[i] / cv::getTickFrequency()};
        for (const cv::Ptr<cv::dnn::Layer>& input :
             net_.getLayerInputs(net_.getLayerId(names[i]))) {
          auto found = index_of_id.find(net_.getLayerId(input->name));
          layer.inputs.push_back(found == index_of_id.end() ? -1 : found->second);
        }
        net_layers.push_back(std::move(layer));
      }
      layers = GroupLayers(net_layers, producers_);
    } catch (const cv::Exception& error) {
      return Status::Error(fmt::format("OpenCV per-layer profile failed: {}", Describe(error)));
    } catch (const std::exception& error) {
      return Status::Error(fmt::format("OpenCV per-layer profile failed: {}", error.what()));
    }
    return Status::Ok();
  }

  // From the layer types of the net OpenCV built (quantization.h).
  Status Kernels(std::vector<KernelUse>& kernels) const noexcept override {
    try {
      kernels = kernels_;
    } catch (const std::exception& error) {
      return Status::Error(fmt::format("listing kernels failed: {}", error.what()));
    }
    return Status::Ok();
  }

  Status GetOutputs(std::vector<HostTensor>& outputs) noexcept override {
    try {
      if (results_.size() != outputs_.size()) {
        return Status::Error(fmt::format("OpenCV returned {} outputs, the model has {}",
                                         results_.size(), outputs_.size()));
      }
      outputs.clear();
      for (size_t i = 0; i < outputs_.size(); ++i) {
        const Binding& binding = outputs_[i];
        // OpenCV may hand back a different rank for the same data (e.g. 2-D where the IR
        // keeps trailing 1x1 dims); only the element count and layout have to agree.
        const cv::Mat result = results_[i].isContinuous() ? results_[i] : results_[i].clone();
        if (result.type() != CV_32F ||
            static_cast<int64_t>(result.total()) != ir::ElementCount(binding.shape)) {
          return Status::Error(fmt::format(
              "output '{}': OpenCV produced {} elements of type {}, the model expects {} f32",
              binding.name, result.total(), result.type(), ir::ShapeToString(binding.shape)));
        }
        const auto* data = result.ptr<float>();
        outputs.emplace_back(binding.shape, std::vector<float>(data, data + result.total()));
      }
    } catch (const cv::Exception& error) {
      return Status::Error(fmt::format("reading OpenCV outputs failed: {}", Describe(error)));
    } catch (const std::exception& error) {
      return Status::Error(fmt::format("reading OpenCV outputs failed: {}", error.what()));
    }
    return Status::Ok();
  }

 private:
  cv::dnn::Net net_;
  int threads_;
  std::vector<Binding> inputs_;
  std::vector<Binding> outputs_;
  std::vector<cv::String> output_names_;
  std::vector<cv::Mat> results_;                  // of the last Run(); may alias the net's buffers
  std::map<std::string, std::string> producers_;  // IR node or activation name -> node name
  std::vector<KernelUse> kernels_;
};

}  // namespace

std::vector<OptimizationToggle> OpenCvBackend::Toggles() const {
  return {{kNoFusion,
           "layer fusion off (Net::enableFusion(false)): batch norm, activations and "
           "eltwise adds run as their own layers"}};
}

Status OpenCvBackend::Prepare(const ir::Graph& graph, const BackendOptions& options,
                              std::unique_ptr<Session>& session) noexcept {
  if (options.precision == "fp16" || options.precision == "bf16") {
    // 4.6's dnn.hpp has fp16 targets for OpenCL and CUDA only, and no bf16 at all.
    return Status::Error(fmt::format(
        "{} unsupported on this backend: OpenCV {} DNN computes fp32 or int8 on the CPU (its "
        "only half-precision targets are DNN_TARGET_OPENCL_FP16 and DNN_TARGET_CUDA_FP16)",
        options.precision, CV_VERSION));
  }
  if (options.precision != "fp32" && options.precision != "int8") {
    return Status::Error(fmt::format("opencv backend has no precision '{}'", options.precision));
  }
  if (options.precision == "int8") {
    if (const std::string why = Int8Refusal(graph, options.calibration_inputs); !why.empty()) {
      return Status::Error(why);
    }
  }
  if (options.threads < 1) {
    return Status::Error(fmt::format("thread count must be at least 1, got {}", options.threads));
  }
  try {
    // Checked here rather than left to the exporter: this is the caller's mistake, and the
    // message should say so plainly.
    for (const ir::Value& value : graph.values()) {
      if (value.kind == ir::ValueKind::kConstant &&
          static_cast<int64_t>(value.data.size()) != ir::ElementCount(value.shape)) {
        return Status::Error(fmt::format("weights of '{}' are not materialized", value.name));
      }
    }
    std::vector<Binding> inputs;
    for (ir::ValueId id : graph.inputs()) {
      inputs.push_back({graph.value(id).name, graph.value(id).shape});
    }
    std::vector<Binding> outputs;
    for (ir::ValueId id : graph.outputs()) {
      const ir::Value& value = graph.value(id);
      if (value.kind != ir::ValueKind::kActivation) {
        return Status::Error(
            fmt::format("graph output '{}' is not computed by a node", value.name));
      }
      outputs.push_back({value.name, value.shape});
    }

    std::string onnx = formats::ExportOnnx(graph);
    if (NeedsOnnxAdaptation(graph)) onnx = AdaptOnnxForOpenCv(onnx);
    cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx.data(), onnx.size());
    if (net.empty()) {
      return Status::Error(fmt::format("OpenCV loaded an empty network from '{}'", graph.name()));
    }
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    net.enableFusion(!options.Has(kNoFusion));
    cv::setNumThreads(options.threads);
    threads_ = options.threads;
    std::map<std::string, std::string> producers;
    for (const ir::Node& node : graph.nodes()) {
      for (ir::ValueId output : node.outputs) producers[graph.value(output).name] = node.name;
    }
    for (const ir::Node& node : graph.nodes()) producers[node.name] = node.name;
    if (options.precision == "int8") net = QuantizeNet(net, options.calibration_inputs);
    std::vector<cv::String> output_layers;
    for (const Binding& output : outputs) {
      output_layers.push_back(options.precision == "int8" ? QuantizedOutputLayer(net, output.name)
                                                          : output.name);
    }
    std::vector<KernelUse> kernels = LayerKernels(net);
    session = std::make_unique<OpenCvSession>(std::move(net), options.threads, std::move(inputs),
                                              std::move(outputs), std::move(producers),
                                              std::move(kernels), std::move(output_layers));
  } catch (const cv::Exception& error) {
    return Status::Error(fmt::format("OpenCV cannot load '{}': {}", graph.name(), Describe(error)));
  } catch (const std::exception& error) {
    return Status::Error(
        fmt::format("opencv prepare of '{}' failed: {}", graph.name(), error.what()));
  }
  return Status::Ok();
}

}  // namespace edgebench::backends::opencv

EDGEBENCH_DEFINE_PLUGIN("opencv",
                        [](std::string&) -> std::unique_ptr<edgebench::backends::Backend> {
                          return std::make_unique<edgebench::backends::opencv::OpenCvBackend>();
                        })
