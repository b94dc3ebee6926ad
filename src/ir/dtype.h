#pragma once

#include <cstdint>
#include <string_view>

namespace edgebench::ir {

/// Element type of a tensor. Only f32 is produced today; the others are reserved so
/// precision passes (fp16, int8 quantization) can extend graphs without a format change.
enum class DType : uint8_t { kF32, kF16, kS8, kU8 };

/// Size of one element in bytes.
constexpr int64_t DTypeSize(DType type) {
  switch (type) {
    case DType::kF32:
      return 4;
    case DType::kF16:
      return 2;
    case DType::kS8:
    case DType::kU8:
      return 1;
  }
  return 0;
}

/// Short lower-case name ("f32", "f16", "s8", "u8").
constexpr std::string_view DTypeName(DType type) {
  switch (type) {
    case DType::kF32:
      return "f32";
    case DType::kF16:
      return "f16";
    case DType::kS8:
      return "s8";
    case DType::kU8:
      return "u8";
  }
  return "?";
}

}  // namespace edgebench::ir
