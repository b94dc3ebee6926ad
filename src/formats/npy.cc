// The .npy reader treats the header (a Python dict literal) as hostile text: a small
// recursive-descent parser that accepts exactly what numpy writes for a plain array and
// nothing that would need a Python interpreter to understand.

#include "formats/npy.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

namespace edgebench::formats {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
// numpy aligns the data to 64 bytes so it can be memory-mapped; readers must not rely on
// it (files from old numpy versions align to 16).
constexpr size_t kWriterAlignment = 64;
constexpr int64_t kMaxDim = int64_t{1} << 62;

enum class ElementType { kF2, kF4, kF8, kI1, kI2, kI4, kI8, kU1, kB1 };

struct Descr {
  ElementType type;
  size_t size;
};

struct Header {
  std::optional<Descr> descr;
  std::optional<bool> fortran_order;
  std::optional<ir::Shape> shape;
};

uint64_t LittleEndian(const unsigned char* bytes, size_t size) {
  uint64_t value = 0;
  for (size_t i = size; i-- > 0;) value = (value << 8) | bytes[i];
  return value;
}

float HalfToFloat(uint16_t half) {
  const uint32_t sign = uint32_t{half & 0x8000u} << 16;
  const uint32_t exponent = (half >> 10) & 0x1f;
  const uint32_t mantissa = half & 0x3ffu;
  if (exponent == 0x1f) {  // infinity or NaN, payload kept
    return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  }
  if (exponent != 0) {
    return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
  // Zero or subnormal: mantissa x 2^-24, exact in f32.
  const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
  return sign != 0 ? -magnitude : magnitude;
}

Descr ParseDescr(const std::string& text) {
  static constexpr struct {
    std::string_view code;
    ElementType type;
    size_t size;
  } kTypes[] = {
      {"f2", ElementType::kF2, 2}, {"f4", ElementType::kF4, 4}, {"f8", ElementType::kF8, 8},
      {"i1", ElementType::kI1, 1}, {"i2", ElementType::kI2, 2}, {"i4", ElementType::kI4, 4},
      {"i8", ElementType::kI8, 8}, {"u1", ElementType::kU1, 1}, {"b1", ElementType::kB1, 1}};
  if (text.size() == 3) {
    const char order = text[0];
    for (const auto& known : kTypes) {
      if (text.substr(1) != known.code) continue;
      if (order == '<' || (order == '|' && known.size == 1)) return {known.type, known.size};
      if (order == '>') {
        throw NpyError(
            fmt::format("dtype '{}' is big-endian; save it little-endian (e.g. a.astype('<{}'))",
                        text, known.code));
      }
    }
  }
  throw NpyError(fmt::format(
      "unsupported dtype '{}' (supported: <f4, <f8, <f2, <i8, <i4, <i2, |i1, |u1, |b1)", text));
}

// Recursive descent over the header dict. Python literal syntax, restricted to the forms
// numpy writes: quoted strings without escapes, True/False, tuples of decimal integers.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  Header Parse() {
    Header header;
    Expect('{');
    while (true) {
      SkipSpace();
      if (Peek() == '}') break;
      const std::string key = String();
      Expect(':');
      if (key == "descr") {
        if (header.descr) Fail("key 'descr' appears twice");
        header.descr = ParseDescr(String());
      } else if (key == "fortran_order") {
        if (header.fortran_order) Fail("key 'fortran_order' appears twice");
        header.fortran_order = Boolean();
      } else if (key == "shape") {
        if (header.shape) Fail("key 'shape' appears twice");
        header.shape = Tuple();
      } else {
        Fail(fmt::format("unknown key '{}'", key));
      }
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() != '}') Fail("expected ',' or '}'");
    }
    ++pos_;  // '}'
    // numpy pads with spaces and ends the header with a newline.
    for (; pos_ < text_.size(); ++pos_) {
      if (!IsSpace(text_[pos_])) Fail("text after the closing '}'");
    }
    if (!header.descr || !header.fortran_order || !header.shape) {
      Fail("the header must have the keys 'descr', 'fortran_order' and 'shape'");
    }
    return header;
  }

 private:
  static bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  [[noreturn]] void Fail(const std::string& what) const {
    throw NpyError(fmt::format("malformed header at byte {}: {}", pos_, what));
  }

  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }

  void Expect(char c) {
    SkipSpace();
    if (Peek() != c) Fail(fmt::format("expected '{}'", c));
    ++pos_;
  }

  std::string String() {
    SkipSpace();
    const char quote = Peek();
    if (quote != '\'' && quote != '"') Fail("expected a quoted string");
    const size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '\\' || c < 0x20 || c >= 0x7f) Fail("unsupported character in a string");
      ++pos_;
    }
    if (pos_ >= text_.size()) Fail("unterminated string");
    return std::string(text_.substr(start, pos_++ - start));
  }

  bool Boolean() {
    SkipSpace();
    for (const bool value : {true, false}) {
      const std::string_view word = value ? "True" : "False";
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    }
    Fail("expected True or False");
  }

  int64_t Integer() {
    SkipSpace();
    const size_t start = pos_;
    int64_t value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const int digit = text_[pos_] - '0';
      // Checked before it is computed: the next value must not overflow, only exceed.
      if (value > (kMaxDim - digit) / 10) Fail("dimension too large");
      value = value * 10 + digit;
      ++pos_;
    }
    if (pos_ == start) Fail("expected a non-negative integer");
    // Python 3 has no leading zeros ("010" is a syntax error).
    if (text_[start] == '0' && pos_ - start > 1) Fail("integer with a leading zero");
    return value;
  }

  ir::Shape Tuple() {
    Expect('(');
    ir::Shape dims;
    bool trailing_comma = false;
    while (true) {
      SkipSpace();
      if (Peek() == ')') break;
      dims.push_back(Integer());
      SkipSpace();
      trailing_comma = Peek() == ',';
      if (trailing_comma) {
        ++pos_;
      } else if (Peek() != ')') {
        Fail("expected ',' or ')' in the shape");
      }
    }
    ++pos_;  // ')'
    // "(3)" is the integer 3 in Python, not a tuple.
    if (dims.size() == 1 && !trailing_comma) Fail("the shape is not a tuple");
    return dims;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

void Convert(ElementType type, const unsigned char* bytes, std::vector<float>& out) {
  for (size_t i = 0; i < out.size(); ++i) {
    switch (type) {
      case ElementType::kF2:
        out[i] = HalfToFloat(static_cast<uint16_t>(LittleEndian(bytes + 2 * i, 2)));
        break;
      case ElementType::kF4:
        out[i] = std::bit_cast<float>(static_cast<uint32_t>(LittleEndian(bytes + 4 * i, 4)));
        break;
      case ElementType::kF8:
        out[i] = static_cast<float>(std::bit_cast<double>(LittleEndian(bytes + 8 * i, 8)));
        break;
      case ElementType::kI1:
        out[i] = static_cast<float>(static_cast<int8_t>(bytes[i]));
        break;
      case ElementType::kI2:
        out[i] = static_cast<float>(static_cast<int16_t>(LittleEndian(bytes + 2 * i, 2)));
        break;
      case ElementType::kI4:
        out[i] = static_cast<float>(static_cast<int32_t>(LittleEndian(bytes + 4 * i, 4)));
        break;
      case ElementType::kI8:
        out[i] = static_cast<float>(static_cast<int64_t>(LittleEndian(bytes + 8 * i, 8)));
        break;
      case ElementType::kU1:
        out[i] = static_cast<float>(bytes[i]);
        break;
      case ElementType::kB1:
        out[i] = bytes[i] != 0 ? 1.0f : 0.0f;
        break;
    }
  }
}

std::string ShapeRepr(const ir::Shape& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += fmt::format("{}{}", i > 0 ? ", " : "", shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

NpyArray ReadNpy(std::string_view bytes, const NpyLimits& limits) {
  if (static_cast<int64_t>(bytes.size()) > limits.max_file_bytes) {
    throw NpyError(
        fmt::format("{} bytes exceed the limit of {}", bytes.size(), limits.max_file_bytes));
  }
  if (bytes.size() < kMagic.size() + 2 || bytes.substr(0, kMagic.size()) != kMagic) {
    throw NpyError("not a .npy file (no \\x93NUMPY magic)");
  }
  const auto* raw = reinterpret_cast<const unsigned char*>(bytes.data());
  const int major = raw[6];
  const int minor = raw[7];
  if (minor != 0 || major < 1 || major > 3) {
    throw NpyError(
        fmt::format("unsupported .npy format version {}.{} (1.0, 2.0, 3.0)", major, minor));
  }
  const size_t length_size = major == 1 ? 2 : 4;
  const size_t prefix = 8 + length_size;
  if (bytes.size() < prefix) throw NpyError("truncated before the header length");
  const uint64_t header_length = LittleEndian(raw + 8, length_size);
  if (header_length > static_cast<uint64_t>(limits.max_header_bytes)) {
    throw NpyError(fmt::format("header of {} bytes exceeds the limit of {}", header_length,
                               limits.max_header_bytes));
  }
  if (header_length > bytes.size() - prefix) throw NpyError("truncated header");
  const Header header = HeaderParser(bytes.substr(prefix, header_length)).Parse();
  if (*header.fortran_order) {
    throw NpyError("fortran_order is True; save the array in C order (numpy.ascontiguousarray)");
  }
  const ir::Shape& shape = *header.shape;
  if (static_cast<int64_t>(shape.size()) > limits.max_rank) {
    throw NpyError(fmt::format("{} dims exceed the limit of {}", shape.size(), limits.max_rank));
  }
  // Bounded before multiplying, so the product never wraps: every element needs at least
  // one byte of the file.
  const uint64_t data_bytes = bytes.size() - prefix - header_length;
  uint64_t elements = 1;
  for (int64_t dim : shape) {
    if (dim == 0) elements = 0;
  }
  for (int64_t dim : shape) {
    if (elements == 0) break;
    if (elements > data_bytes / static_cast<uint64_t>(dim)) {
      throw NpyError(fmt::format("shape {} needs more data than the file holds ({} bytes)",
                                 ShapeRepr(shape), data_bytes));
    }
    elements *= static_cast<uint64_t>(dim);
  }
  if (elements > static_cast<uint64_t>(limits.max_elements)) {
    throw NpyError(
        fmt::format("{} elements exceed the limit of {}", elements, limits.max_elements));
  }
  const Descr descr = *header.descr;
  if (elements * descr.size != data_bytes) {
    throw NpyError(fmt::format("shape {} of {}-byte elements needs {} data bytes, the file has {}",
                               ShapeRepr(shape), descr.size, elements * descr.size, data_bytes));
  }
  NpyArray array{.shape = shape};
  array.data.resize(static_cast<size_t>(elements));
  Convert(descr.type, raw + prefix + header_length, array.data);
  return array;
}

NpyArray ReadNpyFile(const std::string& path, const NpyLimits& limits) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw NpyError(fmt::format("cannot read '{}': {}", path, error.message()));
  if (size > static_cast<uintmax_t>(limits.max_file_bytes)) {
    throw NpyError(
        fmt::format("'{}' has {} bytes, over the limit of {}", path, size, limits.max_file_bytes));
  }
  std::ifstream file(path, std::ios::binary);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!file || !file.read(bytes.data(), static_cast<std::streamsize>(size))) {
    throw NpyError(fmt::format("cannot read '{}'", path));
  }
  try {
    return ReadNpy(bytes, limits);
  } catch (const NpyError& problem) {
    throw NpyError(fmt::format("'{}': {}", path, problem.what()));
  }
}

std::string WriteNpy(const ir::Shape& shape, std::span<const float> data) {
  const auto mismatch = [&] {
    return NpyError(
        fmt::format("shape {} does not match {} values", ShapeRepr(shape), data.size()));
  };
  uint64_t elements = 1;
  for (int64_t dim : shape) {
    if (dim < 0) throw mismatch();
    if (dim == 0) elements = 0;
  }
  for (int64_t dim : shape) {
    if (elements == 0) break;
    if (elements > data.size() / static_cast<uint64_t>(dim)) throw mismatch();
    elements *= static_cast<uint64_t>(dim);
  }
  if (elements != data.size()) throw mismatch();
  std::string header =
      fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': {}, }}", ShapeRepr(shape));
  const size_t unpadded = kMagic.size() + 2 + 2 + header.size() + 1;  // + the newline
  header.append((kWriterAlignment - unpadded % kWriterAlignment) % kWriterAlignment, ' ');
  header += '\n';
  if (header.size() > 0xffff) throw NpyError("shape too long for a version 1.0 header");
  std::string bytes(kMagic);
  bytes += '\x01';
  bytes += '\x00';
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  bytes.reserve(bytes.size() + data.size() * 4);
  for (float value : data) {
    const auto bits = std::bit_cast<uint32_t>(value);
    for (int shift = 0; shift < 32; shift += 8) bytes += static_cast<char>((bits >> shift) & 0xff);
  }
  return bytes;
}

void WriteNpyFile(const std::string& path, const ir::Shape& shape, std::span<const float> data) {
  const std::string bytes = WriteNpy(shape, data);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file || !file.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) ||
      !file.flush()) {
    throw NpyError(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  }
}

}  // namespace edgebench::formats
