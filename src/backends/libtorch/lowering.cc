#include "backends/libtorch/lowering.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <variant>

#include "backends/libtorch/modern_lowering.h"

namespace edgebench::backends::libtorch {
namespace {

// Output extent of ATen's pooling along one dim (pooling_output_shape_pad_lr with
// dilation 1): the same ceil rule as the IR, but applied to whatever input it is given,
// so after explicit end padding it keeps windows the IR drops.
int64_t TorchPoolExtent(int64_t input, int64_t pad, int64_t kernel, int64_t stride,
                        bool ceil_mode) {
  int64_t extent = (input + 2 * pad - kernel + (ceil_mode ? stride - 1 : 0)) / stride + 1;
  if (ceil_mode && (extent - 1) * stride >= input + pad) --extent;
  return extent;
}

// Number of elements the IR divides an average-pool window's sum by, along one dim.
int64_t IrDivisorExtent(const ir::PoolAttrs& attrs, size_t dim, int64_t input, int64_t index) {
  const int64_t begin = index * attrs.strides[dim] - attrs.pads_begin[dim];
  const int64_t end = begin + attrs.kernel[dim];
  if (attrs.count_include_pad) {
    // The padding counts; a ceil-mode overhang past the end padding does not.
    return std::min(end, input + attrs.pads_end[dim]) - std::max(begin, -attrs.pads_begin[dim]);
  }
  return std::min(end, input) - std::max<int64_t>(begin, 0);
}

// ATen's nearest upsampling picks source index floor(float(o) * float(1 / scale)), except
// for scales 1 and 2, which it special-cases exactly. Rounding of 1 / scale can make that
// pick the previous row for some scales; true when it matches o / scale for every o.
bool TorchNearestIsExact(int64_t input, int64_t scale) {
  if (scale == 1 || scale == 2) return true;
  const auto step = static_cast<float>(1.0 / static_cast<double>(scale));
  for (int64_t o = 0; o < input * scale; ++o) {
    const auto source =
        std::min(static_cast<int64_t>(std::floor(static_cast<float>(o) * step)), input - 1);
    if (source != o / scale) return false;
  }
  return true;
}

}  // namespace

std::vector<int64_t> TorchPadList(const std::vector<int64_t>& begin,
                                  const std::vector<int64_t>& end) {
  std::vector<int64_t> pads;
  for (size_t d = begin.size(); d-- > 0;) {
    pads.push_back(begin[d]);
    pads.push_back(end[d]);
  }
  return pads;
}

ConvLowering LowerConv(const ir::ConvAttrs& attrs) {
  ConvLowering lowering;
  const size_t rank = attrs.pads_begin.size();
  std::vector<int64_t> extra_begin(rank), extra_end(rank);
  bool asymmetric = false;
  for (size_t d = 0; d < rank; ++d) {
    // The symmetric part stays inside the convolution (no copy); only the excess on one
    // side becomes an explicit pad.
    const int64_t common = std::min(attrs.pads_begin[d], attrs.pads_end[d]);
    lowering.padding.push_back(common);
    extra_begin[d] = attrs.pads_begin[d] - common;
    extra_end[d] = attrs.pads_end[d] - common;
    asymmetric = asymmetric || extra_begin[d] != 0 || extra_end[d] != 0;
  }
  if (asymmetric) lowering.explicit_pad = TorchPadList(extra_begin, extra_end);
  return lowering;
}

PoolLowering LowerPool(const ir::PoolAttrs& attrs, bool average, const ir::Shape& input,
                       const ir::Shape& output) {
  PoolLowering lowering;
  const size_t rank = attrs.kernel.size();
  std::vector<int64_t> extra_begin(rank), extra_end(rank);
  bool explicit_padding = false;
  for (size_t d = 0; d < rank; ++d) {
    // ATen pads natively only symmetrically and at most kernel / 2.
    const int64_t native = std::min({attrs.pads_begin[d], attrs.pads_end[d], attrs.kernel[d] / 2});
    lowering.padding.push_back(native);
    extra_begin[d] = attrs.pads_begin[d] - native;
    extra_end[d] = attrs.pads_end[d] - native;
    explicit_padding = explicit_padding || extra_begin[d] != 0 || extra_end[d] != 0;
  }
  lowering.trim.assign(rank, -1);
  if (!explicit_padding) {
    // Symmetric padding within ATen's limit: ATen's ceil rule and both average divisors
    // (count_include_pad true: window clipped to the padded input; false: to the input)
    // are the IR's, so the native operator is exact.
    return lowering;
  }
  lowering.explicit_pad = TorchPadList(extra_begin, extra_end);
  for (size_t d = 0; d < rank; ++d) {
    const int64_t padded = input[2 + d] + extra_begin[d] + extra_end[d];
    const int64_t torch_extent = TorchPoolExtent(padded, lowering.padding[d], attrs.kernel[d],
                                                 attrs.strides[d], attrs.ceil_mode);
    const int64_t ir_extent = output[2 + d];
    if (torch_extent < ir_extent) {
      throw std::logic_error(fmt::format("pooling lowering gives {} positions in dim {}, the IR {}",
                                         torch_extent, d, ir_extent));
    }
    if (torch_extent > ir_extent) lowering.trim[d] = ir_extent;
  }
  if (average) {
    // With explicit zeros ATen can no longer tell padding from input, so it only sums and
    // the IR's divisor is applied afterwards. The divisor is separable: one count per dim.
    lowering.divisor_shape = {1, 1};
    lowering.divisor.assign(1, 1.0f);
    for (size_t d = 0; d < rank; ++d) {
      const int64_t extent = output[2 + d];
      std::vector<float> next;
      next.reserve(lowering.divisor.size() * static_cast<size_t>(extent));
      for (float outer : lowering.divisor) {
        for (int64_t o = 0; o < extent; ++o) {
          next.push_back(outer * static_cast<float>(IrDivisorExtent(attrs, d, input[2 + d], o)));
        }
      }
      lowering.divisor = std::move(next);
      lowering.divisor_shape.push_back(extent);
    }
  }
  return lowering;
}

Support SupportsNode(const ir::Graph& graph, const ir::Node& node) {
  auto check_f32 = [&](ir::ValueId id) { return graph.value(id).dtype == ir::DType::kF32; };
  if (!std::all_of(node.inputs.begin(), node.inputs.end(), check_f32) ||
      !std::all_of(node.outputs.begin(), node.outputs.end(), check_f32)) {
    return {false, "the libtorch backend runs f32 tensors only"};
  }
  if (node.op == ir::OpKind::kUpsampleNearest && !node.inputs.empty()) {
    const auto& attrs = std::get<ir::UpsampleAttrs>(node.attrs);
    const ir::Shape& input = graph.value(node.inputs.front()).shape;
    for (size_t d = 0; d < attrs.scales.size() && 2 + d < input.size(); ++d) {
      if (!TorchNearestIsExact(input[2 + d], attrs.scales[d])) {
        return {false, fmt::format("upsample scale {}: PyTorch's float source-index rule picks "
                                   "different rows than exact nearest at this size",
                                   attrs.scales[d])};
      }
    }
  }
  const ir::Shape& input =
      node.inputs.empty() ? ir::Shape{} : graph.value(node.inputs.front()).shape;
  if (node.op == ir::OpKind::kPad) return PadSupport(std::get<ir::PadAttrs>(node.attrs), input);
  if (node.op == ir::OpKind::kReduceMax) {
    return ReduceSupport(node.op, std::get<ir::ReduceAttrs>(node.attrs), input);
  }
  // Every other IR op has an exact ATen lowering: see LowerConv / LowerPool for padding
  // and ceil mode, modern_lowering.h for slices, padding, gathers and transposed
  // convolutions, resize_lowering.h for the resize modes ATen lacks. They differ in form
  // but not in result.
  return {};
}

}  // namespace edgebench::backends::libtorch
