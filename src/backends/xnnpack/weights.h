#pragma once

// Weight conversion from the IR's layouts (OIHW filters, [O, K] matrices) to XNNPACK's,
// done once at Prepare: OHWI convolution filters, 1HWO depthwise filters, grouped
// deconvolution filters, batch-norm folding into a convolution, and the column permutation
// that lets a fully connected layer read an NHWC tensor flattened in (h, w, c) order.

#include <cstdint>
#include <vector>

#include "ir/shape.h"

namespace edgebench::backends::xnnpack {

/// [O, C/g, kh, kw] -> [O, kh, kw, C/g].
std::vector<float> ConvFilterOhwi(const std::vector<float>& oihw, const ir::Shape& shape);

/// A depthwise filter [C*M, 1, kh, kw] -> [1, kh, kw, C*M]; output channel c*M + m in both
/// (the IR's group c owns outputs c*M .. c*M + M-1, XNNPACK's depth multiplier likewise).
std::vector<float> DepthwiseFilter(const std::vector<float>& oihw, const ir::Shape& shape);

/// A transposed-convolution weight [C, O/g, kh, kw] (grouped by input channel) ->
/// XNNPACK's deconvolution filter [O, kh, kw, C/g] (grouped by output channel).
std::vector<float> DeconvolutionFilter(const std::vector<float>& weight, const ir::Shape& shape,
                                       int64_t groups);

/// Per-channel y = x * scale + shift of inference batch norm.
struct ChannelAffine {
  std::vector<float> scale;
  std::vector<float> shift;
};
ChannelAffine BatchNormAffine(const std::vector<float>& gamma, const std::vector<float>& beta,
                              const std::vector<float>& mean, const std::vector<float>& variance,
                              float epsilon);

/// Folds a per-output-channel affine map into a convolution's OIHW weight (dim 0 is the
/// output channel) and bias (empty: zeros).
void FoldIntoConvolution(const ChannelAffine& affine, std::vector<float>& weight,
                         std::vector<float>& bias);

/// A fully connected weight [O, C*H*W] whose columns follow NCHW order, rewritten for an
/// input flattened from NHWC: column h*W*C + w*C + c takes old column c*H*W + h*W + w.
std::vector<float> PermuteColumnsForNhwc(const std::vector<float>& weight, int64_t outputs,
                                         int64_t channels, int64_t height, int64_t width);

/// [K, N] -> [N, K].
std::vector<float> Transpose2d(const std::vector<float>& matrix, int64_t rows, int64_t cols);

}  // namespace edgebench::backends::xnnpack
