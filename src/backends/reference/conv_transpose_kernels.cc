#include "backends/reference/conv_transpose_kernels.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <vector>

#include "backends/reference/kernel_support.h"
#include "ir/graph.h"

namespace edgebench::backends::reference {
namespace {

// Checks the attributes and operand shapes and returns the output shape they imply.
ir::Shape ConvTransposeOutputShape(const ir::ConvTransposeAttrs& attrs, const ir::Shape& x,
                                   const ir::Shape& weight) {
  if (x.size() < 3 || weight.size() != x.size()) {
    throw ir::GraphError(fmt::format("conv transpose of {} with weight {}: ranks do not fit",
                                     ir::ShapeToString(x), ir::ShapeToString(weight)));
  }
  const size_t spatial = x.size() - 2;
  for (const auto* list : {&attrs.strides, &attrs.pads_begin, &attrs.pads_end, &attrs.dilations,
                           &attrs.output_padding}) {
    if (list->size() != spatial) {
      throw ir::GraphError(fmt::format(
          "conv transpose attribute lists {} values for {} spatial dims", list->size(), spatial));
    }
  }
  if (attrs.groups < 1 || x[1] % attrs.groups != 0 || weight[0] != x[1]) {
    throw ir::GraphError(
        fmt::format("conv transpose weight {} does not fit {} channels in {} groups",
                    ir::ShapeToString(weight), x[1], attrs.groups));
  }
  ir::Shape out{x[0], CheckedMul(weight[1], attrs.groups)};
  for (size_t d = 0; d < spatial; ++d) {
    if (attrs.strides[d] < 1 || attrs.dilations[d] < 1) {
      throw ir::GraphError("conv transpose stride and dilation must be positive");
    }
    if (attrs.pads_begin[d] < 0 || attrs.pads_end[d] < 0 || attrs.output_padding[d] < 0) {
      throw ir::GraphError("conv transpose pads and output padding must not be negative");
    }
    // The full extent before cropping bounds every index the kernel computes, so once it
    // fits in int64 nothing later can overflow.
    const int64_t full = CheckedAdd(CheckedAdd(CheckedMul(x[d + 2] - 1, attrs.strides[d]),
                                               CheckedMul(attrs.dilations[d], weight[d + 2] - 1)),
                                    attrs.output_padding[d] + 1);
    out.push_back(CheckedAdd(CheckedAdd(full, -attrs.pads_begin[d]), -attrs.pads_end[d]));
  }
  return out;
}

}  // namespace

void ConvTranspose(const ir::ConvTransposeAttrs& attrs, const HostTensor& x,
                   const HostTensor& weight, const HostTensor* bias, HostTensor& y) {
  RequireShape("conv transpose output", y.shape,
               ConvTransposeOutputShape(attrs, x.shape, weight.shape));
  const int64_t out_channels = y.shape[1];
  if (bias != nullptr) RequireShape("conv transpose bias", bias->shape, {out_channels});
  if (y.data.empty()) return;

  const int64_t batch = x.shape[0];
  const int64_t in_channels = x.shape[1];
  const int64_t in_per_group = in_channels / attrs.groups;
  const int64_t out_per_group = out_channels / attrs.groups;
  const auto in_dims = std::span(x.shape).subspan(2);
  const auto out_dims = std::span(y.shape).subspan(2);
  const auto kernel_dims = std::span(weight.shape).subspan(2);
  const size_t rank = in_dims.size();
  const Dims in_strides = RowMajorStrides(in_dims);
  const int64_t in_plane = Product(in_dims);
  const int64_t taps = Product(kernel_dims);
  if (taps == 0 || in_plane == 0) {
    // Nothing lands anywhere: every output is its bias.
    for (int64_t n = 0; n < batch; ++n) {
      for (int64_t oc = 0; oc < out_channels; ++oc) {
        const float b = bias != nullptr ? bias->data[static_cast<size_t>(oc)] : 0.0f;
        const int64_t plane = Product(out_dims);
        std::fill_n(y.data.begin() + (n * out_channels + oc) * plane, plane, b);
      }
    }
    return;
  }

  // Each output position gathers the (input position, tap) pairs that scatter onto it:
  // o = i * stride - pad_begin + t * dilation, i.e. i = (o + pad_begin - t * dilation) /
  // stride when that divides exactly and lands inside the input.
  Dims out_index(rank), tap(rank);
  float* out = y.data.data();
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t oc = 0; oc < out_channels; ++oc) {
      const int64_t group = oc / out_per_group;
      const int64_t oc_in_group = oc % out_per_group;
      std::fill(out_index.begin(), out_index.end(), 0);
      do {
        double sum = bias != nullptr ? bias->data[static_cast<size_t>(oc)] : 0.0;
        std::fill(tap.begin(), tap.end(), 0);
        int64_t t = 0;
        do {
          int64_t in_offset = 0;
          for (size_t d = 0; d < rank && in_offset >= 0; ++d) {
            const int64_t scaled = out_index[d] + attrs.pads_begin[d] - tap[d] * attrs.dilations[d];
            const int64_t i = scaled / attrs.strides[d];
            const bool lands = scaled >= 0 && scaled % attrs.strides[d] == 0 && i < in_dims[d];
            in_offset = lands ? in_offset + i * in_strides[d] : -1;
          }
          if (in_offset >= 0) {
            for (int64_t ic = 0; ic < in_per_group; ++ic) {
              const int64_t c = group * in_per_group + ic;
              const double xv =
                  x.data[static_cast<size_t>((n * in_channels + c) * in_plane + in_offset)];
              const double wv =
                  weight.data[static_cast<size_t>((c * out_per_group + oc_in_group) * taps + t)];
              sum += xv * wv;
            }
          }
          ++t;
        } while (NextIndex(tap, kernel_dims));
        *out++ = static_cast<float>(sum);
      } while (NextIndex(out_index, out_dims));
    }
  }
}

}  // namespace edgebench::backends::reference
