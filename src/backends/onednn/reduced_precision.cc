#include "backends/onednn/reduced_precision.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace edgebench::backends::onednn {

using dnnl::memory;

ComputeTypes ComputeTypesFor(ComputePrecision precision) {
  switch (precision) {
    case ComputePrecision::kFp32:
      return {};
    case ComputePrecision::kBf16:
      return {memory::data_type::bf16, memory::data_type::bf16};
    case ComputePrecision::kInt8:
      return {memory::data_type::u8, memory::data_type::s8};
  }
  return {};
}

bool HasVnni() {
  const dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
  return (isa & dnnl_cpu_isa_avx512_core_vnni) == dnnl_cpu_isa_avx512_core_vnni ||
         (isa & dnnl_cpu_isa_avx2_vnni) == dnnl_cpu_isa_avx2_vnni;
}

Int8Layer Int8LayerOf(const ir::Graph& graph, const ir::Node& node,
                      const std::vector<float>& weights, bool folded, int64_t out_channels) {
  const ir::Value& x = graph.value(node.inputs[0]);
  const ir::Value& w = graph.value(node.inputs[1]);
  if (!x.quant || x.quant->scales.size() != 1 || x.quant->type != ir::DType::kU8) {
    throw std::runtime_error(fmt::format(
        "int8 needs the calibrated per-tensor u8 range of '{}' (passes::CalibrateInt8)", x.name));
  }
  Int8Layer layer{.src_scale = x.quant->scales[0], .src_zero_point = x.quant->zero_points[0]};
  if (!folded) {
    if (!w.quant || static_cast<int64_t>(w.quant->scales.size()) != out_channels) {
      throw std::runtime_error(fmt::format(
          "int8 needs the calibrated per-channel s8 scales of '{}' (passes::CalibrateInt8)",
          w.name));
    }
    layer.weight_scales = w.quant->scales;
  } else {
    const size_t per_channel = weights.size() / static_cast<size_t>(out_channels);
    for (int64_t o = 0; o < out_channels; ++o) {
      float largest = 0.0f;
      for (size_t i = 0; i < per_channel; ++i) {
        largest = std::max(largest, std::fabs(weights[static_cast<size_t>(o) * per_channel + i]));
      }
      layer.weight_scales.push_back(largest > 0.0f ? largest / 127.0f : 1.0f);
    }
  }
  if (!HasVnni()) {
    layer.seven_bit_weights = true;
    for (float& scale : layer.weight_scales) scale *= 127.0f / 63.0f;
  }
  return layer;
}

std::vector<int8_t> QuantizeWeights(const std::vector<float>& weights,
                                    const std::vector<float>& scales) {
  std::vector<int8_t> quantized(weights.size());
  const size_t per_channel = weights.size() / scales.size();
  for (size_t i = 0; i < weights.size(); ++i) {
    const float q = std::nearbyint(weights[i] / scales[i / per_channel]);
    quantized[i] = static_cast<int8_t>(std::clamp(q, -127.0f, 127.0f));
  }
  return quantized;
}

std::vector<int64_t> ChannelSums(const std::vector<int8_t>& weights, int64_t channels) {
  std::vector<int64_t> sums(static_cast<size_t>(channels), 0);
  const size_t per_channel = weights.size() / sums.size();
  for (size_t i = 0; i < weights.size(); ++i) sums[i / per_channel] += weights[i];
  return sums;
}

std::vector<float> AccumulatorBias(const std::vector<float>& bias, const Int8Layer& layer,
                                   const std::vector<int64_t>& weight_sums) {
  std::vector<float> scaled(bias.size());
  for (size_t o = 0; o < bias.size(); ++o) {
    const double value = bias[o] / (static_cast<double>(layer.src_scale) * layer.weight_scales[o]) -
                         static_cast<double>(layer.src_zero_point) * weight_sums[o];
    scaled[o] = static_cast<float>(value);
  }
  return scaled;
}

void AddInt8OutputScales(dnnl::primitive_attr& attr, const Int8Layer& layer) {
  std::vector<float> scales;
  for (float w : layer.weight_scales) scales.push_back(layer.src_scale * w);
  attr.set_output_scales(1 << 1, scales);
}

namespace {

memory ZeroPointMemory(PlanBuilder& plan, int32_t zero_point) {
  memory held = plan.NewMemory(memory::desc({1}, memory::data_type::s32, memory::format_tag::x));
  std::memcpy(held.get_data_handle(), &zero_point, sizeof(zero_point));
  return held;
}

}  // namespace

memory ConvertInput(PlanBuilder& plan, const memory& source, const memory::desc& desc,
                    const std::optional<Int8Layer>& int8) {
  memory converted = plan.NewMemory(desc);
  dnnl::primitive_attr attr;
  std::unordered_map<int, memory> args{{DNNL_ARG_FROM, source}, {DNNL_ARG_TO, converted}};
  if (int8) {
    attr.set_output_scales(0, {1.0f / int8->src_scale});
    attr.set_zero_points(DNNL_ARG_DST, 0, {DNNL_RUNTIME_S32_VAL});
    args[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST] = ZeroPointMemory(plan, int8->src_zero_point);
  }
  const dnnl::reorder::primitive_desc pd(plan.engine(), source.get_desc(), plan.engine(), desc,
                                         attr);
  plan.AddStep(dnnl::reorder(pd), std::move(args));
  return converted;
}

memory S8Memory(const dnnl::engine& engine, const std::vector<int8_t>& values,
                const memory::dims& dims) {
  memory held(memory::desc(dims, memory::data_type::s8, PlainStrides(dims)), engine);
  std::memcpy(held.get_data_handle(), values.data(), values.size());
  return held;
}

std::string PrecisionOfSource(const memory::desc& src) {
  switch (src.data_type()) {
    case memory::data_type::u8:
    case memory::data_type::s8:
      return "int8";
    case memory::data_type::bf16:
      return "bf16";
    case memory::data_type::f16:
      return "fp16";
    default:
      return "fp32";
  }
}

}  // namespace edgebench::backends::onednn
