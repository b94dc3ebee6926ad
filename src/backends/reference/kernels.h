#pragma once

// Naive, readable kernels for every IR op: the numerical oracle the other backends are
// checked against. Storage is f32; every reduction accumulates in double so the
// reference's own rounding error is far below any backend's.
//
// Each kernel writes into `y`, which the caller has already sized to the output shape
// computed by ir::InferNodeOutputShape; the kernels declared here assume inputs
// consistent with it. The kernels of the newer ops live in one header per family,
// included below so that this header still offers every kernel; those check their
// shapes and attributes and throw ir::GraphError on a mismatch.

#include <vector>

#include "backends/host_tensor.h"
#include "backends/reference/conv_transpose_kernels.h"
#include "backends/reference/elementwise_kernels.h"
#include "backends/reference/layout_kernels.h"
#include "backends/reference/matmul_kernels.h"
#include "backends/reference/normalization_kernels.h"
#include "backends/reference/reduce_kernels.h"
#include "backends/reference/resize_kernels.h"
#include "ir/ops.h"

namespace edgebench::backends::reference {

/// N-D convolution (2-D or 3-D spatial), any groups, strides, dilations and asymmetric
/// padding. `bias` may be null.
void Conv(const ir::ConvAttrs& attrs, const HostTensor& x, const HostTensor& weight,
          const HostTensor* bias, HostTensor& y);

/// Inference batch norm: (x - mean) / sqrt(variance + epsilon) * scale + bias, per channel.
void BatchNorm(float epsilon, const HostTensor& x, const HostTensor& scale, const HostTensor& bias,
               const HostTensor& mean, const HostTensor& variance, HostTensor& y);

void Relu(const HostTensor& x, HostTensor& y);
/// min(max(x, 0), 6)
void Relu6(const HostTensor& x, HostTensor& y);
/// x if x >= 0 else alpha * x
void LeakyRelu(float alpha, const HostTensor& x, HostTensor& y);
void Sigmoid(const HostTensor& x, HostTensor& y);
/// Numerically stable softmax along `axis` (may be negative).
void Softmax(int64_t axis, const HostTensor& x, HostTensor& y);

/// Max pooling over the window positions that fall inside the input (padding never
/// wins). Windows may overhang the end in ceil mode.
void MaxPool(const ir::PoolAttrs& attrs, const HostTensor& x, HostTensor& y);
/// Average pooling. Divisor: with count_include_pad, the window positions inside
/// [-pad_begin, input + pad_end); otherwise those inside [0, input).
void AvgPool(const ir::PoolAttrs& attrs, const HostTensor& x, HostTensor& y);
/// Mean over all spatial positions per (n, c).
void GlobalAvgPool(const HostTensor& x, HostTensor& y);

/// y[n, o] = sum_k x[n, k] * weight[o, k] + bias[o]; `bias` may be null.
void FullyConnected(const HostTensor& x, const HostTensor& weight, const HostTensor* bias,
                    HostTensor& y);
/// Concatenation along `axis` (may be negative).
void Concat(int64_t axis, const std::vector<const HostTensor*>& xs, HostTensor& y);
/// Flatten, Reshape, Squeeze and Unsqueeze: the data is unchanged, only the shape
/// (already in y) differs.
void CopyData(const HostTensor& x, HostTensor& y);
/// Nearest-neighbour upsampling by an integer factor per spatial dim.
void UpsampleNearest(const ir::UpsampleAttrs& attrs, const HostTensor& x, HostTensor& y);
/// Cross-channel LRN: x / (bias + alpha / size * sum of x^2 over the `size` channels
/// centred on c, clipped at the edges)^beta  (ONNX LRN semantics).
void Lrn(const ir::LrnAttrs& attrs, const HostTensor& x, HostTensor& y);

}  // namespace edgebench::backends::reference
