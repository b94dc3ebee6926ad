#pragma once

// Convolutions and inner products at a reduced precision. Int8 follows the IR's calibration
// (ir::Value::quant, set by passes::CalibrateInt8): the layer's input is quantized to u8
// with its per-tensor scale and zero point by a reorder step before the layer, weights to
// s8 with their per-output-channel scales once at Prepare, the zero point's share goes
// into the bias (exact, and independent of which kernels take oneDNN's zero-point
// attribute), and the layer dequantizes into an fp32 output
// through oneDNN's output scales -- so every other primitive stays fp32 and
// the result is the same arithmetic any backend quantizing with those numbers does. Bf16
// converts the input and weights to bf16 and accumulates into fp32.

#include <cstdint>
#include <oneapi/dnnl/dnnl.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backends/onednn/plan_builder.h"
#include "ir/graph.h"

namespace edgebench::backends::onednn {

/// The source and weight data types of a weighted layer at `precision`.
struct ComputeTypes {
  dnnl::memory::data_type src = dnnl::memory::data_type::f32;
  dnnl::memory::data_type weights = dnnl::memory::data_type::f32;
};
ComputeTypes ComputeTypesFor(ComputePrecision precision);

/// The int8 numbers of one weighted layer.
struct Int8Layer {
  float src_scale = 1.0f;
  int32_t src_zero_point = 0;
  std::vector<float> weight_scales;  // one per output channel
  bool seven_bit_weights = false;    // see Int8LayerOf
};

/// Whether oneDNN's effective ISA has VNNI (AVX-512 VNNI or AVX-VNNI): its int8 dot
/// products then accumulate u8 x s8 straight into int32.
bool HasVnni();

/// The layer's int8 numbers: its input's calibrated u8 parameters and its weights' s8
/// scales. `weights` are the values the layer runs with: when BatchNorm was folded into
/// them (`folded`) their scales are recomputed by the IR's rule (max |w| / 127 per output
/// channel), else the calibrated ones are used. Without VNNI, oneDNN's int8 kernels add
/// pairs of u8 x s8 products in saturating int16 (vpmaddubsw), which 255 x 127 x 2
/// overflows: the weights then get 7-bit steps (scales x 127 / 63, |q| <= 63), oneDNN's
/// own advice for such CPUs. Throws std::runtime_error when the graph carries no
/// calibration for them.
Int8Layer Int8LayerOf(const ir::Graph& graph, const ir::Node& node,
                      const std::vector<float>& weights, bool folded, int64_t out_channels);

/// The weights as s8, round(w / scale[o]) clamped to [-127, 127], o the output channel of
/// each element (weights are [O, ...] with O = scales.size()).
std::vector<int8_t> QuantizeWeights(const std::vector<float>& weights,
                                    const std::vector<float>& scales);

/// Per output channel, the sum of its s8 weights (weights [O, ...], O = `channels`).
std::vector<int64_t> ChannelSums(const std::vector<int8_t>& weights, int64_t channels);

/// The bias in the units of the int32 accumulator, which oneDNN 2.x adds before applying
/// the output scale: b / (src_scale * weight_scale[o]) - src_zero_point * weight_sums[o]
/// -- the second term is the src zero point's share, sum w * (q - z) = sum w * q - z * sum w,
/// exact wherever every input a weight meets is a quantized value (padding included).
std::vector<float> AccumulatorBias(const std::vector<float>& bias, const Int8Layer& layer,
                                   const std::vector<int64_t>& weight_sums);

/// Adds the dequantizing output scales (src_scale * weight_scale[o], along the output
/// channel dim 1) to `attr`.
void AddInt8OutputScales(dnnl::primitive_attr& attr, const Int8Layer& layer);

/// Adds a step converting `source` (fp32) into a new buffer of `desc` -- quantized with
/// `int8`'s src scale and zero point when given, a plain conversion (bf16) otherwise -- and
/// returns that buffer.
dnnl::memory ConvertInput(PlanBuilder& plan, const dnnl::memory& source,
                          const dnnl::memory::desc& desc, const std::optional<Int8Layer>& int8);

/// Plain memory of `dims` holding the s8 values.
dnnl::memory S8Memory(const dnnl::engine& engine, const std::vector<int8_t>& values,
                      const dnnl::memory::dims& dims);

/// The precision a primitive really computes in, from the source data type it was built
/// for: "int8", "bf16", "fp16" or "fp32".
std::string PrecisionOfSource(const dnnl::memory::desc& src);

}  // namespace edgebench::backends::onednn
