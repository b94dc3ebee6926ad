#pragma once

// Where each IR value's elements sit in XNNPACK's tensors. IR activations are NCHW;
// XNNPACK's spatial operators want NHWC, so every 4-D value is stored NHWC (as TFLite
// models are natively) and every other rank keeps the IR's row-major order. Ops that
// reinterpret element order (reshapes, softmax axes, broadcasts) are only mapped where
// this choice keeps them exact; node_support.h refuses the rest.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace edgebench::backends::xnnpack {

enum class Layout : uint8_t {
  kPlain,          // the IR's shape and row-major order (every rank but 4)
  kNhwc,           // a 4-D IR value [N, C, H, W] stored as [N, H, W, C]
  kNhwcFlattened,  // a 2-D IR value [N, C*H*W] flattened from an NHWC tensor: its columns
                   // run in (h, w, c) order, which only a fully connected layer whose weight
                   // columns are permuted to match can consume
};

/// The layout of `id`: kNhwc for 4-D values, kNhwcFlattened for a reshape of a 4-D value
/// to [N, C*H*W] whose element order NHWC changes, kPlain otherwise.
Layout LayoutOf(const ir::Graph& graph, ir::ValueId id);

/// Whether a 4-D [N, C, H, W] tensor has the same element sequence in NCHW and NHWC
/// (C == 1 or H * W == 1); true for every other rank, which is stored as is.
bool NhwcKeepsOrder(const ir::Shape& shape);

/// Whether reshaping `from` to `to` in IR order is a plain reshape of the stored data.
bool ReshapeKeepsOrder(const ir::Shape& from, const ir::Shape& to);

/// Whether `to` is `from` ([N, C, H, W]) flattened per sample: [N, C*H*W].
bool IsPerSampleFlatten(const ir::Shape& from, const ir::Shape& to);

/// XNNPACK dims of a value of this IR shape: [N, H, W, C] for 4-D, the IR dims otherwise.
std::vector<size_t> StorageDims(const ir::Shape& shape);

/// `nchw` is the IR shape of both; the data is permuted between the two orders.
void NchwToNhwc(const float* src, const ir::Shape& nchw, float* dst);
void NhwcToNchw(const float* src, const ir::Shape& nchw, float* dst);

/// A constant operand of a broadcasting binary op, given leading 1s up to `rank` dims
/// (NumPy alignment) and, for a 4-D output, put in NHWC order like the activation it
/// meets. Returns the XNNPACK dims; `data` is rewritten in place.
std::vector<size_t> AlignBroadcastConstant(const ir::Shape& shape, size_t rank,
                                           std::vector<float>& data);

}  // namespace edgebench::backends::xnnpack
