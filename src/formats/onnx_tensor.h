#pragma once

// onnx.TensorProto <-> plain vectors: the one place that reads or writes tensor bytes,
// so every size and type check on untrusted tensors lives here.

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/onnx.h"
#include "ir/shape.h"

namespace edgebench::formats::onnx_detail {

/// A constant as the importer sees it: floating tensors as f32 (weights), integer and
/// bool tensors as int64 (shape arithmetic). Dims may be 0 (empty tensors such as an
/// unused Resize roi); an empty `dims` is a scalar.
struct ConstTensor {
  ir::Shape dims;
  bool is_int = false;
  std::vector<float> floats;
  std::vector<int64_t> ints;

  int64_t size() const { return static_cast<int64_t>(is_int ? ints.size() : floats.size()); }
  /// Element `i` as a double (exact for every int64 shape value that matters).
  double At(int64_t i) const {
    const auto index = static_cast<size_t>(i);
    return is_int ? static_cast<double>(ints[index]) : static_cast<double>(floats[index]);
  }
};

/// The largest rank a tensor may declare; real models stay far below.
inline constexpr size_t kMaxTensorRank = 16;

/// ONNX's name for an element type ("FLOAT", "INT64"), or "type N" for unknown codes.
std::string DataTypeName(int32_t data_type);

/// Element count of `dims` if every dim is in [0, limits.max_tensor_elements] and the
/// product stays within it; throws FormatError naming `what` otherwise.
int64_t CheckedElementCount(const std::vector<int64_t>& dims, const OnnxImportLimits& limits,
                            const std::string& what);

/// Validates a tensor without decoding it: rank, dims, a supported element type, no
/// external data, and stored data holding exactly as many elements as the dims say
/// (declared sizes are never trusted). Returns the element count. Throws FormatError
/// (UnsupportedModelError for valid but unsupported encodings), prefixed by `what`.
int64_t ValidateTensor(const onnx::TensorProto& tensor, const OnnxImportLimits& limits,
                       const std::string& what);

/// True when the element type decodes to floats (FLOAT, DOUBLE, FLOAT16, BFLOAT16).
bool IsFloatingType(int32_t data_type);

/// Decodes a tensor that passed ValidateTensor.
ConstTensor DecodeTensor(const onnx::TensorProto& tensor, const std::string& what);

/// Writes `data` as a FLOAT tensor with little-endian raw_data.
void EncodeFloatTensor(const std::string& name, const ir::Shape& dims,
                       const std::vector<float>& data, onnx::TensorProto& out);
/// Writes `data` as an INT64 tensor with little-endian raw_data.
void EncodeInt64Tensor(const std::string& name, const ir::Shape& dims,
                       const std::vector<int64_t>& data, onnx::TensorProto& out);

}  // namespace edgebench::formats::onnx_detail
