#pragma once

// The LibTorch side of an int8 plan (int8_plan.h): choosing the quantized engine and
// packing each layer's weights for it. Includes ATen; only the torch translation units
// (libtorch_backend.cc, torch_script.cc, torch_eager.cc) include this header.

#include <ATen/core/ivalue.h>

#include <string>
#include <vector>

#include "backends/libtorch/int8_plan.h"

namespace edgebench::backends::libtorch {

/// The quantized engine int8 layers run on: oneDNN on x86 (its int8 kernels use VNNI
/// where the CPU has it), QNNPACK on ARM and wherever oneDNN's is missing; "" when this
/// LibTorch build has neither. `preferred` ("" for the default) names one to use when
/// the build has it.
std::string ChooseQuantizedEngine(const std::string& preferred);

/// Whether oneDNN's int8 kernels need 7-bit weights on this CPU: an x86 CPU without
/// AVX-512 VNNI or AVX-VNNI (see PlanInt8).
bool OneDnnNeedsSevenBitWeights();

/// Makes `engine` LibTorch's process-wide quantized engine (the packing operators
/// dispatch on it; a packed layer keeps the engine it was packed for). Throws
/// std::runtime_error for an engine this build lacks.
void SelectQuantizedEngine(const std::string& engine);

/// Each layer's weights as qint8 per output channel (zero points 0), packed with its bias
/// by quantized::conv2d_prepack / linear_prepack for the selected engine: one custom-class
/// object (Conv2dPackedParamsBase / LinearPackedParamsBase) per layer of `plan` (None for
/// an Add).
std::vector<c10::IValue> PackInt8Layers(const ir::Graph& graph, const Int8Plan& plan);

}  // namespace edgebench::backends::libtorch
