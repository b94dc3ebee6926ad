#include "formats/onnx_tensor.h"

#include <fmt/format.h>

#include <bit>
#include <climits>
#include <cmath>
#include <cstring>
#include <limits>

namespace edgebench::formats::onnx_detail {
namespace {

// raw_data is little-endian by the ONNX spec; every target we build for (x86-64,
// AArch64) is too, so bytes are copied as they are.
static_assert(std::endian::native == std::endian::little, "raw_data decoding assumes LE");

using onnx::TensorProto;

// Bytes one element takes in raw_data; 0 for types we do not decode.
int64_t RawElementSize(int32_t type) {
  switch (type) {
    case TensorProto::FLOAT:
    case TensorProto::INT32:
    case TensorProto::UINT32:
      return 4;
    case TensorProto::DOUBLE:
    case TensorProto::INT64:
    case TensorProto::UINT64:
      return 8;
    case TensorProto::FLOAT16:
    case TensorProto::BFLOAT16:
    case TensorProto::INT16:
    case TensorProto::UINT16:
      return 2;
    case TensorProto::INT8:
    case TensorProto::UINT8:
    case TensorProto::BOOL:
      return 1;
    default:
      return 0;
  }
}

// Number of elements stored in the typed (non-raw) field that `type` uses.
int64_t TypedFieldSize(const TensorProto& tensor) {
  switch (tensor.data_type()) {
    case TensorProto::FLOAT:
      return tensor.float_data_size();
    case TensorProto::DOUBLE:
      return tensor.double_data_size();
    case TensorProto::INT64:
      return tensor.int64_data_size();
    case TensorProto::UINT32:
    case TensorProto::UINT64:
      return tensor.uint64_data_size();
    default:  // INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16, BFLOAT16
      return tensor.int32_data_size();
  }
}

float HalfToFloat(uint16_t half) {
  const bool negative = (half & 0x8000u) != 0;
  const int exponent = (half >> 10) & 0x1f;
  const int mantissa = half & 0x3ff;
  float value;
  if (exponent == 0) {
    value = std::ldexp(static_cast<float>(mantissa), -24);  // zero or subnormal
  } else if (exponent == 31) {
    value = mantissa == 0 ? std::numeric_limits<float>::infinity()
                          : std::numeric_limits<float>::quiet_NaN();
  } else {
    value = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  }
  return negative ? -value : value;
}

float BFloat16ToFloat(uint16_t bits) {
  return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16);
}

template <typename T>
T ReadRaw(const std::string& raw, int64_t index) {
  T value;
  std::memcpy(&value, raw.data() + index * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return value;
}

// Element `i` of a floating tensor.
float FloatAt(const TensorProto& tensor, int64_t i) {
  const bool raw = tensor.has_raw_data();
  const std::string& bytes = tensor.raw_data();
  const int index = static_cast<int>(i);
  switch (tensor.data_type()) {
    case TensorProto::FLOAT:
      return raw ? ReadRaw<float>(bytes, i) : tensor.float_data(index);
    case TensorProto::DOUBLE:
      return static_cast<float>(raw ? ReadRaw<double>(bytes, i) : tensor.double_data(index));
    case TensorProto::FLOAT16:
      return HalfToFloat(raw ? ReadRaw<uint16_t>(bytes, i)
                             : static_cast<uint16_t>(tensor.int32_data(index)));
    default:  // BFLOAT16
      return BFloat16ToFloat(raw ? ReadRaw<uint16_t>(bytes, i)
                                 : static_cast<uint16_t>(tensor.int32_data(index)));
  }
}

// Element `i` of an integer or bool tensor; throws for a UINT64 beyond int64.
int64_t IntAt(const TensorProto& tensor, int64_t i, const std::string& what) {
  const bool raw = tensor.has_raw_data();
  const std::string& bytes = tensor.raw_data();
  const int index = static_cast<int>(i);
  switch (tensor.data_type()) {
    case TensorProto::INT64:
      return raw ? ReadRaw<int64_t>(bytes, i) : tensor.int64_data(index);
    case TensorProto::UINT64: {
      const uint64_t value = raw ? ReadRaw<uint64_t>(bytes, i) : tensor.uint64_data(index);
      if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        throw FormatError(fmt::format("{}: UINT64 value {} out of range", what, value));
      }
      return static_cast<int64_t>(value);
    }
    case TensorProto::UINT32:
      return raw ? ReadRaw<uint32_t>(bytes, i)
                 : static_cast<int64_t>(static_cast<uint32_t>(tensor.uint64_data(index)));
    case TensorProto::INT32:
      return raw ? ReadRaw<int32_t>(bytes, i) : tensor.int32_data(index);
    case TensorProto::INT16:
      return raw ? ReadRaw<int16_t>(bytes, i) : static_cast<int16_t>(tensor.int32_data(index));
    case TensorProto::UINT16:
      return raw ? ReadRaw<uint16_t>(bytes, i) : static_cast<uint16_t>(tensor.int32_data(index));
    case TensorProto::INT8:
      return raw ? ReadRaw<int8_t>(bytes, i) : static_cast<int8_t>(tensor.int32_data(index));
    case TensorProto::UINT8:
      return raw ? ReadRaw<uint8_t>(bytes, i) : static_cast<uint8_t>(tensor.int32_data(index));
    default:  // BOOL
      return (raw ? ReadRaw<uint8_t>(bytes, i) : tensor.int32_data(index)) != 0 ? 1 : 0;
  }
}

}  // namespace

std::string DataTypeName(int32_t data_type) {
  if (TensorProto::DataType_IsValid(data_type)) {
    return TensorProto::DataType_Name(static_cast<TensorProto::DataType>(data_type));
  }
  return fmt::format("type {}", data_type);
}

int64_t CheckedElementCount(const std::vector<int64_t>& dims, const OnnxImportLimits& limits,
                            const std::string& what) {
  if (dims.size() > kMaxTensorRank) {
    throw FormatError(fmt::format("{}: rank {} exceeds {}", what, dims.size(), kMaxTensorRank));
  }
  int64_t count = 1;
  for (int64_t dim : dims) {
    if (dim < 0) throw FormatError(fmt::format("{}: negative dim {}", what, dim));
    if (dim > limits.max_tensor_elements) {
      throw FormatError(fmt::format("{}: dim {} exceeds the limit of {} elements", what, dim,
                                    limits.max_tensor_elements));
    }
  }
  for (int64_t dim : dims) {
    if (dim == 0) return 0;
    if (count > limits.max_tensor_elements / dim) {
      throw FormatError(fmt::format("{}: dims {} exceed the limit of {} elements", what,
                                    fmt::join(dims, "x"), limits.max_tensor_elements));
    }
    count *= dim;
  }
  return count;
}

bool IsFloatingType(int32_t data_type) {
  return data_type == TensorProto::FLOAT || data_type == TensorProto::DOUBLE ||
         data_type == TensorProto::FLOAT16 || data_type == TensorProto::BFLOAT16;
}

int64_t ValidateTensor(const TensorProto& tensor, const OnnxImportLimits& limits,
                       const std::string& what) {
  if (tensor.data_location() == TensorProto::EXTERNAL || tensor.external_data_size() > 0) {
    throw UnsupportedModelError(
        fmt::format("{}: unsupported external data (weights must be inside the file)", what));
  }
  if (tensor.has_segment()) {
    throw UnsupportedModelError(fmt::format("{}: unsupported segmented tensor", what));
  }
  const std::vector<int64_t> dims(tensor.dims().begin(), tensor.dims().end());
  const int64_t count = CheckedElementCount(dims, limits, what);
  const int64_t element_size = RawElementSize(tensor.data_type());
  if (element_size == 0) {
    throw UnsupportedModelError(
        fmt::format("{}: unsupported element type {}", what, DataTypeName(tensor.data_type())));
  }
  if (tensor.has_raw_data()) {
    const auto bytes = static_cast<int64_t>(tensor.raw_data().size());
    if (bytes != count * element_size || TypedFieldSize(tensor) != 0) {
      throw FormatError(fmt::format("{}: raw_data has {} bytes, dims {} of {} need {}", what, bytes,
                                    fmt::join(dims, "x"), DataTypeName(tensor.data_type()),
                                    count * element_size));
    }
  } else if (TypedFieldSize(tensor) != count) {
    throw FormatError(fmt::format("{}: holds {} values, dims {} need {}", what,
                                  TypedFieldSize(tensor), fmt::join(dims, "x"), count));
  }
  return count;
}

ConstTensor DecodeTensor(const TensorProto& tensor, const std::string& what) {
  ConstTensor out;
  out.dims.assign(tensor.dims().begin(), tensor.dims().end());
  const int64_t count = ir::ElementCount(out.dims);
  out.is_int = !IsFloatingType(tensor.data_type());
  if (out.is_int) {
    out.ints.resize(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) out.ints[static_cast<size_t>(i)] = IntAt(tensor, i, what);
  } else if (tensor.data_type() == TensorProto::FLOAT && tensor.has_raw_data()) {
    out.floats.resize(static_cast<size_t>(count));
    if (count > 0) std::memcpy(out.floats.data(), tensor.raw_data().data(), out.floats.size() * 4);
  } else {
    out.floats.resize(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) out.floats[static_cast<size_t>(i)] = FloatAt(tensor, i);
  }
  return out;
}

void EncodeFloatTensor(const std::string& name, const ir::Shape& dims,
                       const std::vector<float>& data, onnx::TensorProto& out) {
  out.set_name(name);
  out.set_data_type(TensorProto::FLOAT);
  for (int64_t dim : dims) out.add_dims(dim);
  out.set_raw_data(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float));
}

void EncodeInt64Tensor(const std::string& name, const ir::Shape& dims,
                       const std::vector<int64_t>& data, onnx::TensorProto& out) {
  out.set_name(name);
  out.set_data_type(TensorProto::INT64);
  for (int64_t dim : dims) out.add_dims(dim);
  out.set_raw_data(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(int64_t));
}

}  // namespace edgebench::formats::onnx_detail

namespace edgebench::formats {

OnnxTensor ReadOnnxTensor(const std::string& bytes, const OnnxImportLimits& limits) {
  if (static_cast<int64_t>(bytes.size()) > limits.max_file_bytes || bytes.size() > INT_MAX) {
    throw FormatError(fmt::format("tensor file of {} bytes exceeds the limit", bytes.size()));
  }
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw FormatError("not an ONNX tensor (protobuf parse failed: truncated or corrupt bytes)");
  }
  const std::string what = fmt::format("tensor '{}'", proto.name());
  onnx_detail::ValidateTensor(proto, limits, what);
  onnx_detail::ConstTensor decoded = onnx_detail::DecodeTensor(proto, what);
  OnnxTensor tensor{.name = proto.name(), .shape = decoded.dims};
  if (decoded.is_int) {
    tensor.data.assign(decoded.ints.begin(), decoded.ints.end());
  } else {
    tensor.data = std::move(decoded.floats);
  }
  return tensor;
}

}  // namespace edgebench::formats
