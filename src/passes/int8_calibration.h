#pragma once

#include <cstdint>
#include <vector>

#include "backends/host_tensor.h"
#include "ir/graph.h"

namespace edgebench::passes {

struct CalibrationReport {
  int64_t input_sets = 0;   // inferences the ranges were observed over
  int64_t activations = 0;  // graph inputs and activations given per-tensor u8 parameters
  int64_t weights = 0;      // weight tensors given per-channel s8 scales
};

/// Asymmetric u8 parameters (see ir::QuantParams) for values observed in [min, max]: the
/// range is widened to contain 0, scale = (max - min) / 255, zero point = round(-min /
/// scale) -- so 0 is represented exactly and min, max map to 0 and 255.
ir::QuantParams AsymmetricU8(float min, float max);

/// Symmetric s8 parameters of a weight tensor, one scale per index along `axis`:
/// max |w| over that channel / 127 (1 for an all-zero channel), zero points 0.
ir::QuantParams SymmetricS8PerChannel(const ir::Value& weight, int32_t axis);

/// Post-training int8 calibration: runs the reference engine over every input set (one
/// tensor per graph input, in graph order: seeded tensors or a user's .npy files), records
/// each graph input's and activation's min and max over all of them, and stores in the IR
/// (ir::Value::quant) asymmetric u8 parameters per activation tensor and symmetric s8
/// per-output-channel scales for the weights of every convolution and fully connected
/// layer (axis 0) and transposed convolution (axis 1). The graph's float weights are not
/// changed: a backend that runs int8 quantizes with these numbers, so every backend does
/// it identically. Throws std::runtime_error when there is no input set or the reference
/// engine fails, ir::GraphError when the weights are not materialized.
CalibrationReport CalibrateInt8(ir::Graph& graph,
                                const std::vector<std::vector<backends::HostTensor>>& input_sets);

}  // namespace edgebench::passes
