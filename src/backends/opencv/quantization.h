#pragma once

// OpenCV DNN at int8: Net::quantize (OpenCV 4.6's post-training quantization), and the
// kernel report read from the layer types OpenCV itself instantiated ("ConvolutionInt8"
// for an int8 convolution, "Convolution" for an fp32 one).
//
// OpenCV's quantizer takes calibration data, not ranges: it is given the very inputs the
// IR's int8 ranges were calibrated over (BackendOptions::calibration_inputs), so it sees
// the same activations, and computes its own scales from them (per-channel weights,
// per-tensor activations, as the IR's).

#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "ir/graph.h"

namespace edgebench::backends::opencv {

/// Why `graph` cannot be quantized by OpenCV here, or "" when it can: Net::quantize
/// calibrates one-input nets only.
std::string Int8Refusal(const ir::Graph& graph,
                        const std::vector<std::vector<HostTensor>>& calibration_inputs);

/// The int8 net of `net` (Net::quantize with fp32 inputs and outputs, so the session's
/// exchange is unchanged). Throws cv::Exception on what OpenCV refuses.
cv::dnn::Net QuantizeNet(cv::dnn::Net& net,
                         const std::vector<std::vector<HostTensor>>& calibration_inputs);

/// The layer an int8 net's output `name` is read from: Net::quantize appends a
/// "dequantize/<name>" layer per output (the layer `name` itself then yields int8), so the
/// dequantization is part of the timed forward, as it is part of the quantized model.
std::string QuantizedOutputLayer(cv::dnn::Net& net, const std::string& name);

/// The convolution and inner-product layers of `net` with the type OpenCV gave each.
std::vector<KernelUse> LayerKernels(cv::dnn::Net& net);

}  // namespace edgebench::backends::opencv
