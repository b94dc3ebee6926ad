#pragma once

// Internals of import-time constant folding (onnx_constant_folding.h): small tensor
// helpers and the per-op evaluators, split by family across onnx_fold_layout.cc and
// onnx_fold_math.cc. Every evaluator validates its operands (FormatError naming the
// problem) and charges data that may outgrow its operands before allocating it.

#include <fmt/format.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "formats/onnx_attributes.h"
#include "formats/onnx_constant_folding.h"
#include "formats/onnx_tensor.h"

namespace edgebench::formats::onnx_detail::fold {

inline int64_t Normalize(int64_t axis, int64_t rank, const char* what) {
  if (axis < -rank || axis >= rank) {
    throw FormatError(fmt::format("{} {} out of range for rank {}", what, axis, rank));
  }
  return axis < 0 ? axis + rank : axis;
}

inline int64_t Product(const ir::Shape& dims, size_t begin, size_t end) {
  int64_t product = 1;
  for (size_t d = begin; d < end; ++d) product *= dims[d];
  return product;
}

inline std::vector<int64_t> Strides(const ir::Shape& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (size_t d = dims.size(); d-- > 1;) strides[d - 1] = strides[d] * dims[d];
  return strides;
}

inline std::vector<int64_t> IntValues(const ConstTensor& tensor, const char* what) {
  if (!tensor.is_int) throw FormatError(fmt::format("{} must be an integer tensor", what));
  return tensor.ints;
}

inline ConstTensor EmptyLike(const ConstTensor& like, ir::Shape dims) {
  ConstTensor out;
  out.dims = std::move(dims);
  out.is_int = like.is_int;
  return out;
}

inline void Append(ConstTensor& out, const ConstTensor& src, int64_t i) {
  const auto index = static_cast<size_t>(i);
  if (out.is_int) {
    out.ints.push_back(src.ints[index]);
  } else {
    out.floats.push_back(src.floats[index]);
  }
}

inline ConstTensor IntTensor(ir::Shape dims, std::vector<int64_t> values) {
  ConstTensor out;
  out.dims = std::move(dims);
  out.is_int = true;
  out.ints = std::move(values);
  return out;
}

// Calls fn(index) for every multi-index of `dims` in row-major order.
inline void ForEachIndex(const ir::Shape& dims,
                         const std::function<void(const std::vector<int64_t>&)>& fn) {
  for (int64_t dim : dims) {
    if (dim == 0) return;
  }
  std::vector<int64_t> index(dims.size(), 0);
  while (true) {
    fn(index);
    size_t d = dims.size();
    while (d > 0) {
      --d;
      if (++index[d] < dims[d]) break;
      index[d] = 0;
      if (d == 0) return;
    }
    if (dims.empty()) return;
  }
}

inline ConstTensor Reshaped(ConstTensor tensor, ir::Shape dims) {
  tensor.dims = std::move(dims);
  return tensor;
}

// --- Layout (onnx_fold_layout.cc) ---
ConstTensor Gather(const ConstTensor& data, const ConstTensor& indices, NodeAttributes& attrs,
                   const OnnxImportLimits& limits, FoldSource& source);
ConstTensor Unsqueeze(const ConstTensor& data, const std::vector<int64_t>& axes);
ConstTensor Squeeze(const ConstTensor& data, const std::optional<std::vector<int64_t>>& axes);
ConstTensor Concat(const std::vector<const ConstTensor*>& inputs, NodeAttributes& attrs,
                   const OnnxImportLimits& limits, FoldSource& source);
struct SliceParams {
  std::vector<int64_t> starts, ends, axes, steps;
};
ConstTensor Slice(const ConstTensor& data, const SliceParams& params);
ConstTensor Transpose(const ConstTensor& data, NodeAttributes& attrs);
/// Target dims of a Reshape: 0 copies the input dim (unless allowzero), one -1 is inferred.
ir::Shape ReshapeDims(const ir::Shape& in, const std::vector<int64_t>& target, bool allow_zero,
                      const OnnxImportLimits& limits);
ConstTensor ConstantOfShape(const ConstTensor& shape, NodeAttributes& attrs,
                            const OnnxImportLimits& limits, FoldSource& source);
/// Expand: `data` broadcast against the dims in `shape` (either may stretch).
ConstTensor Expand(const ConstTensor& data, const ConstTensor& shape,
                   const OnnxImportLimits& limits, FoldSource& source);
ConstTensor Tile(const ConstTensor& data, const ConstTensor& repeats,
                 const OnnxImportLimits& limits, FoldSource& source);
ConstTensor Range(const ConstTensor& start, const ConstTensor& limit, const ConstTensor& delta,
                  const OnnxImportLimits& limits, FoldSource& source);

// --- Arithmetic, comparison, reduction, Cast (onnx_fold_math.cc) ---
/// The NumPy broadcast of two dims lists; throws FormatError naming `op`.
ir::Shape BroadcastDims(const std::string& op, const ir::Shape& a, const ir::Shape& b);
/// Add Sub Mul Div Pow Max Min Mod, Equal Less Greater LessOrEqual GreaterOrEqual, And Or
/// Xor: broadcasting, integer results checked for overflow.
ConstTensor Binary(const std::string& op, const ConstTensor& a, const ConstTensor& b,
                   NodeAttributes& attrs, const OnnxImportLimits& limits, FoldSource& source);
/// Neg Abs Sqrt Reciprocal Floor Ceil Exp Log Not Sign Relu.
ConstTensor Unary(const std::string& op, const ConstTensor& x);
ConstTensor Where(const ConstTensor& condition, const ConstTensor& x, const ConstTensor& y,
                  const OnnxImportLimits& limits, FoldSource& source);
/// ReduceSum/Prod/Max/Min/Mean over `axes` (empty: all unless `noop_when_empty`).
ConstTensor Reduce(const std::string& op, const ConstTensor& data,
                   const std::optional<std::vector<int64_t>>& axes, bool keepdims,
                   bool noop_when_empty);
ConstTensor Cast(const ConstTensor& data, NodeAttributes& attrs);

}  // namespace edgebench::formats::onnx_detail::fold
