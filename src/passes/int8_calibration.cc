#include "passes/int8_calibration.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "backends/reference/reference_backend.h"

namespace edgebench::passes {
namespace {

struct Range {
  float min = std::numeric_limits<float>::infinity();
  float max = -std::numeric_limits<float>::infinity();
  bool seen = false;

  void Observe(const std::vector<float>& values) {
    for (float v : values) {
      if (std::isnan(v)) continue;
      min = std::min(min, v);
      max = std::max(max, v);
      seen = true;
    }
  }
};

}  // namespace

ir::QuantParams AsymmetricU8(float min, float max) {
  const double lo = std::min(0.0, static_cast<double>(min));
  const double hi = std::max(0.0, static_cast<double>(max));
  double scale = (hi - lo) / 255.0;
  if (!(scale > 0.0) || !std::isfinite(scale)) scale = 1.0;
  const auto zero_point = static_cast<int32_t>(std::clamp(std::nearbyint(-lo / scale), 0.0, 255.0));
  return {.type = ir::DType::kU8,
          .axis = -1,
          .scales = {static_cast<float>(scale)},
          .zero_points = {zero_point},
          .observed_min = min,
          .observed_max = max};
}

ir::QuantParams SymmetricS8PerChannel(const ir::Value& weight, int32_t axis) {
  const ir::Shape& shape = weight.shape;
  if (axis < 0 || static_cast<size_t>(axis) >= shape.size() ||
      static_cast<int64_t>(weight.data.size()) != ir::ElementCount(shape)) {
    throw ir::GraphError(
        fmt::format("int8 calibration: the weights of '{}' are not materialized or have no axis {}",
                    weight.name, axis));
  }
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
  const int64_t channels = shape[static_cast<size_t>(axis)];
  std::vector<float> largest(static_cast<size_t>(channels), 0.0f);
  float min = std::numeric_limits<float>::infinity();
  float max = -std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < weight.data.size(); ++i) {
    const float w = weight.data[i];
    const auto channel = static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels);
    largest[channel] = std::max(largest[channel], std::fabs(w));
    min = std::min(min, w);
    max = std::max(max, w);
  }
  ir::QuantParams params{.type = ir::DType::kS8,
                         .axis = axis,
                         .zero_points = std::vector<int32_t>(largest.size(), 0),
                         .observed_min = min,
                         .observed_max = max};
  for (float magnitude : largest) {
    params.scales.push_back(magnitude > 0.0f ? magnitude / 127.0f : 1.0f);
  }
  return params;
}

CalibrationReport CalibrateInt8(ir::Graph& graph,
                                const std::vector<std::vector<backends::HostTensor>>& input_sets) {
  if (input_sets.empty()) throw std::runtime_error("int8 calibration needs at least one input");
  std::vector<Range> ranges(graph.values().size());
  const backends::reference::NodeObserver observe = [&ranges](const ir::Node& node,
                                                              const backends::HostTensor& output) {
    ranges[static_cast<size_t>(node.outputs.front())].Observe(output.data);
  };
  for (const auto& inputs : input_sets) {
    if (inputs.size() != graph.inputs().size()) {
      throw std::runtime_error(
          fmt::format("int8 calibration: an input set has {} tensors, the "
                      "graph {} inputs",
                      inputs.size(), graph.inputs().size()));
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      ranges[static_cast<size_t>(graph.inputs()[i])].Observe(inputs[i].data);
    }
    std::vector<backends::HostTensor> outputs;
    const backends::Status status =
        backends::reference::RunReference(graph, inputs, outputs, observe);
    if (!status.ok) {
      throw std::runtime_error("int8 calibration: reference run failed: " + status.message);
    }
  }
  CalibrationReport report{.input_sets = static_cast<int64_t>(input_sets.size())};
  for (size_t v = 0; v < ranges.size(); ++v) {
    if (!ranges[v].seen) continue;
    graph.mutable_value(static_cast<ir::ValueId>(v)).quant =
        AsymmetricU8(ranges[v].min, ranges[v].max);
    ++report.activations;
  }
  for (const ir::Node& node : graph.nodes()) {
    int32_t axis = -1;
    if (node.op == ir::OpKind::kConv || node.op == ir::OpKind::kFullyConnected) axis = 0;
    if (node.op == ir::OpKind::kConvTranspose) axis = 1;
    if (axis < 0 || node.inputs.size() < 2) continue;
    ir::Value& weight = graph.mutable_value(node.inputs[1]);
    if (weight.kind != ir::ValueKind::kConstant) continue;
    weight.quant = SymmetricS8PerChannel(weight, axis);
    ++report.weights;
  }
  return report;
}

}  // namespace edgebench::passes
