#pragma once

// How each IR op maps onto ATen operators, decided once per node and shared by the eager
// and the TorchScript mode so both compute exactly the same thing. Nothing here includes
// torch (those translation units take ~40 s each to compile); the plans are plain data.
//
// PyTorch's convolution and pooling take one symmetric padding per spatial dim, and its
// pooling additionally requires padding <= kernel / 2. IR padding may be asymmetric
// (exporters' "same" padding) and ceil-mode windows follow the IR rule, so a plan says
// which part of the padding PyTorch applies natively, which part is an explicit
// constant_pad_nd, and how the result is trimmed or rescaled to the IR semantics.

#include <cstdint>
#include <vector>

#include "backends/backend.h"
#include "ir/graph.h"

namespace edgebench::backends::libtorch {

/// Padding split for a convolution: torch::conv*d pads `padding` on both sides; the rest
/// of an asymmetric padding is added by constant_pad_nd(x, explicit_pad, 0) first.
struct ConvLowering {
  std::vector<int64_t> padding;       // per spatial dim, symmetric
  std::vector<int64_t> explicit_pad;  // constant_pad_nd order; empty when none is needed
};

/// How a max or average pooling node runs:
///   [constant_pad_nd(x, explicit_pad, pad_value)] -> {max,avg}_pool*d(padding, ceil_mode,
///   count_include_pad, divisor_override) -> [narrow each dim to `extent`] -> [/ divisor]
struct PoolLowering {
  std::vector<int64_t> padding;       // native symmetric padding per spatial dim
  std::vector<int64_t> explicit_pad;  // constant_pad_nd order; empty when padding is native
  /// Explicit padding only: PyTorch keeps a ceil-mode window that starts inside the
  /// (now real) end padding, the IR drops it. `trim[d]` is the IR output extent of spatial
  /// dim d when PyTorch's is longer, else -1.
  std::vector<int64_t> trim;
  /// Average pooling with explicit padding: PyTorch sums (divisor_override = 1) and the
  /// sum is divided by `divisor`, the IR's per-window element count, shaped
  /// [1, 1, out spatial...] so it broadcasts. Empty for max pooling and native padding.
  std::vector<float> divisor;
  ir::Shape divisor_shape;
};

/// constant_pad_nd's pad list for begin/end padding per spatial dim: it runs from the last
/// dim to the first, (begin, end) each.
std::vector<int64_t> TorchPadList(const std::vector<int64_t>& begin,
                                  const std::vector<int64_t>& end);

ConvLowering LowerConv(const ir::ConvAttrs& attrs);

/// `input` and `output` are the node's NCHW / NCDHW shapes as shape inference set them.
PoolLowering LowerPool(const ir::PoolAttrs& attrs, bool average, const ir::Shape& input,
                       const ir::Shape& output);

/// Whether both modes run `node` with the IR's exact semantics; otherwise why not.
Support SupportsNode(const ir::Graph& graph, const ir::Node& node);

}  // namespace edgebench::backends::libtorch
