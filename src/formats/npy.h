#pragma once

// NumPy .npy files (format versions 1.0, 2.0 and 3.0): how `edgebench infer` takes a
// user's input tensors and hands back its outputs, readable with numpy.load.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ir/shape.h"

namespace edgebench::formats {

/// A .npy file that cannot be read or written: the message says what is wrong (and names
/// the file when reading or writing one by path).
class NpyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bounds on what a file may ask for; .npy files come from users and are hostile until
/// validated.
struct NpyLimits {
  int64_t max_file_bytes = int64_t{4} << 30;
  /// numpy's own writer needs a few hundred bytes; version 2.0 allows 4 GiB.
  int64_t max_header_bytes = 64 * 1024;
  int64_t max_rank = 64;
  /// Elements after conversion to f32 (a file of 1-byte elements quadruples in memory).
  int64_t max_elements = int64_t{1} << 30;
};

/// A dense C-order array converted to f32.
struct NpyArray {
  ir::Shape shape;  // empty for a 0-d array; dims may be 0 (an empty array)
  std::vector<float> data;
};

/// Parses a whole .npy file held in `bytes`. Element types: little-endian (or
/// byte-order-free) f4, f8, f2, i8, i4, i2, i1, u1 and b1, all converted to f32 (integers
/// beyond 2^24 round). The header is parsed strictly: exactly the keys descr,
/// fortran_order and shape; fortran_order True, big-endian, structured and object dtypes
/// are refused; the data must fill the rest of the file exactly. Throws NpyError.
NpyArray ReadNpy(std::string_view bytes, const NpyLimits& limits = {});

/// Reads `path` (at most limits.max_file_bytes); errors name the path.
NpyArray ReadNpyFile(const std::string& path, const NpyLimits& limits = {});

/// A version 1.0 file of little-endian f32 in C order, as numpy.save writes it (the header
/// padded to a multiple of 64 bytes). Throws NpyError when `data` does not match `shape`.
std::string WriteNpy(const ir::Shape& shape, std::span<const float> data);

/// Writes WriteNpy's bytes to `path` (replacing it); throws NpyError naming the path.
void WriteNpyFile(const std::string& path, const ir::Shape& shape, std::span<const float> data);

}  // namespace edgebench::formats
