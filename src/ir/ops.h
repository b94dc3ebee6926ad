#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

namespace edgebench::ir {

/// Every operation the IR can express. Inputs are listed per op in its attrs comment;
/// weights are constant values feeding the node, never hidden inside it, so passes and
/// backends see them the same way.
enum class OpKind : uint8_t {
  kConv,             // x, weight [O, C/g, k...], optional bias [O]
  kBatchNorm,        // x, scale, bias, mean, variance (all [C]); inference semantics
  kRelu,             // x
  kRelu6,            // x; min(max(x, 0), 6)
  kLeakyRelu,        // x
  kSigmoid,          // x
  kSoftmax,          // x
  kMaxPool,          // x
  kAvgPool,          // x
  kGlobalAvgPool,    // x; N,C,spatial... -> N,C,1...
  kFullyConnected,   // x [N, K], weight [O, K], optional bias [O]
  kAdd,              // a, b (same shape)
  kConcat,           // x0, x1, ... (equal except along axis)
  kFlatten,          // x -> [prod(dims < axis), prod(dims >= axis)]
  kReshape,          // x
  kUpsampleNearest,  // x; integer scale per spatial dim
  kLrn,              // x; local response normalization across channels
};

/// Lower-case op name as printed in layer tables ("conv", "batch_norm", ...).
std::string_view OpName(OpKind op);

/// Convolution over the trailing spatial dims (2 for NCHW, 3 for NCDHW). Padding may be
/// asymmetric (begin/end per spatial dim), as exporters of "same" padding produce.
struct ConvAttrs {
  std::vector<int64_t> strides;
  std::vector<int64_t> pads_begin;
  std::vector<int64_t> pads_end;
  std::vector<int64_t> dilations;
  int64_t groups = 1;
};

/// Max or average pooling. ceil_mode follows ONNX/PyTorch: a window that would start
/// entirely inside the end padding is dropped.
struct PoolAttrs {
  std::vector<int64_t> kernel;
  std::vector<int64_t> strides;
  std::vector<int64_t> pads_begin;
  std::vector<int64_t> pads_end;
  bool ceil_mode = false;
  bool count_include_pad = false;  // average pooling only
};

struct BatchNormAttrs {
  float epsilon = 1e-5f;
};

struct LeakyReluAttrs {
  float alpha = 0.1f;
};

struct SoftmaxAttrs {
  int64_t axis = 1;
};

struct ConcatAttrs {
  int64_t axis = 1;
};

struct FlattenAttrs {
  int64_t axis = 1;
};

/// Target shape: 0 copies the input dim at that position, one -1 is inferred.
struct ReshapeAttrs {
  std::vector<int64_t> shape;
};

struct UpsampleAttrs {
  std::vector<int64_t> scales;  // one per spatial dim
};

/// Cross-channel LRN as in AlexNet/VGG-S: x / (bias + alpha/size * sum(x^2))^beta.
struct LrnAttrs {
  int64_t size = 5;
  float alpha = 1e-4f;
  float beta = 0.75f;
  float bias = 1.0f;
};

using Attrs = std::variant<std::monostate, ConvAttrs, PoolAttrs, BatchNormAttrs, LeakyReluAttrs,
                           SoftmaxAttrs, ConcatAttrs, FlattenAttrs, ReshapeAttrs, UpsampleAttrs,
                           LrnAttrs>;

}  // namespace edgebench::ir
