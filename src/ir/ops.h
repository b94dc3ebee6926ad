#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <variant>
#include <vector>

#include "ir/shape.h"

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
  kAdd,              // a, b; NumPy broadcasting (as every binary op below)
  kConcat,           // x0, x1, ... (equal except along axis)
  kFlatten,          // x -> [prod(dims < axis), prod(dims >= axis)]
  kReshape,          // x
  kUpsampleNearest,  // x; integer scale per spatial dim
  kLrn,              // x; local response normalization across channels

  // Binary elementwise, a and b broadcast NumPy-style; either may be a constant.
  kSub,
  kMul,
  kDiv,
  kPow,      // a ^ b
  kMaximum,  // max(a, b); ONNX's variadic Max is a chain of these
  kMinimum,  // min(a, b)

  // Unary elementwise: x -> same shape.
  kHardSigmoid,  // max(0, min(1, alpha * x + beta))
  kHardSwish,    // x * max(0, min(1, x / 6 + 1 / 2))
  kSilu,         // x * sigmoid(x) (a.k.a. Swish)
  kTanh,
  kExp,
  kLog,
  kSqrt,
  kAbs,
  kNeg,
  kErf,
  kGelu,  // x * Phi(x), exact (erf) or tanh-approximated
  kClip,  // min(max(x, lo), hi); either bound may be infinite

  // Reductions over `axes` (empty: all dims).
  kReduceMean,
  kReduceSum,
  kReduceMax,

  // Data movement. Every node has exactly one output: ONNX Split imports as one kSlice
  // per output, so passes, costs and backends never meet a multi-output node.
  kTranspose,  // x
  kSlice,      // x
  kSqueeze,    // x
  kUnsqueeze,  // x
  kPad,        // x
  kGather,     // x; the indices are an attribute (constant)

  kMatMul,         // a [..., M, K], b [..., K, N]; batch dims broadcast; 1-D operands promoted
  kConvTranspose,  // x, weight [C, O/g, k...], optional bias [O]
  kResize,         // x; nearest or n-linear over any dims, ONNX coordinate modes
  kLayerNorm,      // x, scale, optional bias (shaped like the normalized trailing dims)
};

/// The number of OpKinds; tables indexed by OpKind static_assert against it.
inline constexpr size_t kOpKindCount = static_cast<size_t>(OpKind::kLayerNorm) + 1;

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

struct HardSigmoidAttrs {
  float alpha = 0.2f;
  float beta = 0.5f;
};

struct GeluAttrs {
  bool tanh_approximation = false;  // 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))
};

/// Bounds of kClip; -inf / +inf when the model gives none.
struct ClipAttrs {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
};

/// kReduceMean/Sum/Max. Axes may be negative (counted from the end); empty means every
/// dim. keepdims keeps each reduced dim as 1.
struct ReduceAttrs {
  std::vector<int64_t> axes;
  bool keepdims = true;
};

/// Output dim i is input dim perm[i]; empty reverses the dims (ONNX default).
struct TransposeAttrs {
  std::vector<int64_t> perm;
};

/// ONNX Slice semantics: per listed axis (may be negative), start/end may be negative
/// (counted from the end) or beyond the dim (clamped); step is non-zero and may be
/// negative. ir::ResolveSlice turns them into a start, step and count per dim.
struct SliceAttrs {
  std::vector<int64_t> starts;
  std::vector<int64_t> ends;
  std::vector<int64_t> axes;
  std::vector<int64_t> steps;
};

/// kSqueeze (axes of size 1 to drop; empty drops every dim of size 1) and kUnsqueeze
/// (positions of the new size-1 dims in the output). Axes may be negative.
struct AxesAttrs {
  std::vector<int64_t> axes;
};

enum class PadMode : uint8_t { kConstant, kReflect, kEdge };

/// Padding of every dim (not only spatial ones), non-negative.
struct PadAttrs {
  std::vector<int64_t> pads_begin;
  std::vector<int64_t> pads_end;
  PadMode mode = PadMode::kConstant;
  float value = 0.0f;
};

/// Gather along `axis` (may be negative) with constant indices of shape `indices_shape`
/// (empty: one scalar index, which removes the axis). Indices may be negative.
struct GatherAttrs {
  int64_t axis = 0;
  std::vector<int64_t> indices;
  Shape indices_shape;
};

/// Transposed convolution over the trailing spatial dims. Output extent per dim:
/// (in - 1) * stride - pad_begin - pad_end + dilation * (kernel - 1) + output_padding + 1.
struct ConvTransposeAttrs {
  std::vector<int64_t> strides;
  std::vector<int64_t> pads_begin;
  std::vector<int64_t> pads_end;
  std::vector<int64_t> dilations;
  std::vector<int64_t> output_padding;
  int64_t groups = 1;
};

enum class ResizeMode : uint8_t { kNearest, kLinear };

/// How an output coordinate maps to an input coordinate (ONNX Resize
/// coordinate_transformation_mode; tf_crop_and_resize is not supported).
enum class ResizeCoordinates : uint8_t {
  kHalfPixel,         // (x + 0.5) / scale - 0.5
  kPytorchHalfPixel,  // as half_pixel, but 0 when the output extent is 1
  kAlignCorners,      // x * (in - 1) / (out - 1)
  kAsymmetric,        // x / scale
};

/// How nearest mode rounds a fractional input coordinate.
enum class ResizeNearest : uint8_t { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil };

/// Resize of every dim (scale 1 where a dim is kept). `sizes` is the output shape;
/// `scales` the factor per dim used by the coordinate mapping (ONNX uses the given scale,
/// not sizes / input, when the model gives scales).
struct ResizeAttrs {
  ResizeMode mode = ResizeMode::kNearest;
  ResizeCoordinates coordinates = ResizeCoordinates::kHalfPixel;
  ResizeNearest nearest = ResizeNearest::kRoundPreferFloor;
  std::vector<float> scales;
  std::vector<int64_t> sizes;
};

/// Normalizes over the dims from `axis` (may be negative) to the end; scale and bias
/// have the shape of those dims.
struct LayerNormAttrs {
  int64_t axis = -1;
  float epsilon = 1e-5f;
};

using Attrs =
    std::variant<std::monostate, ConvAttrs, PoolAttrs, BatchNormAttrs, LeakyReluAttrs,
                 SoftmaxAttrs, ConcatAttrs, FlattenAttrs, ReshapeAttrs, UpsampleAttrs, LrnAttrs,
                 HardSigmoidAttrs, GeluAttrs, ClipAttrs, ReduceAttrs, TransposeAttrs, SliceAttrs,
                 AxesAttrs, PadAttrs, GatherAttrs, ConvTransposeAttrs, ResizeAttrs, LayerNormAttrs>;

}  // namespace edgebench::ir
