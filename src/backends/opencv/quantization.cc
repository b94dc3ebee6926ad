#include "backends/opencv/quantization.h"

#include <fmt/format.h>

#include <algorithm>

namespace edgebench::backends::opencv {

std::string Int8Refusal(const ir::Graph& graph,
                        const std::vector<std::vector<HostTensor>>& calibration_inputs) {
  if (graph.inputs().size() != 1) {
    return fmt::format(
        "int8 unsupported for '{}' on this backend: OpenCV's Net::quantize calibrates "
        "one-input nets, this one has {}",
        graph.name(), graph.inputs().size());
  }
  if (calibration_inputs.empty()) {
    return "int8 needs the calibration inputs (BackendOptions::calibration_inputs): OpenCV's "
           "Net::quantize calibrates from data";
  }
  for (const std::vector<HostTensor>& set : calibration_inputs) {
    if (set.size() != 1 || set[0].shape != graph.value(graph.inputs()[0]).shape) {
      return "int8 calibration inputs do not match the graph's input";
    }
  }
  return "";
}

cv::dnn::Net QuantizeNet(cv::dnn::Net& net,
                         const std::vector<std::vector<HostTensor>>& calibration_inputs) {
  // One Mat per net input: the calibration sets stacked along the batch dim.
  const ir::Shape& shape = calibration_inputs.front()[0].shape;
  std::vector<int> dims(shape.begin(), shape.end());
  dims[0] *= static_cast<int>(calibration_inputs.size());
  cv::Mat batch(static_cast<int>(dims.size()), dims.data(), CV_32F);
  float* out = batch.ptr<float>();
  for (const std::vector<HostTensor>& set : calibration_inputs) {
    out = std::copy(set[0].data.begin(), set[0].data.end(), out);
  }
  return net.quantize(std::vector<cv::Mat>{batch}, CV_32F, CV_32F);
}

std::string QuantizedOutputLayer(cv::dnn::Net& net, const std::string& name) {
  const std::string dequantized = "dequantize/" + name;
  return net.getLayerId(dequantized) >= 0 ? dequantized : name;
}

std::vector<KernelUse> LayerKernels(cv::dnn::Net& net) {
  std::vector<KernelUse> kernels;
  for (const cv::String& name : net.getLayerNames()) {
    const std::string type = net.getLayer(net.getLayerId(name))->type;
    std::string op;
    if (type.starts_with("Convolution")) op = "conv";
    if (type.starts_with("Deconvolution")) op = "conv_transpose";
    if (type.starts_with("InnerProduct")) op = "fully_connected";
    if (op.empty()) continue;
    kernels.push_back(
        {.op = op, .kernel = type, .precision = type.ends_with("Int8") ? "int8" : "fp32"});
  }
  return kernels;
}

}  // namespace edgebench::backends::opencv
