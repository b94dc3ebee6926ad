#include "ir/shape.h"

#include <charconv>

namespace edgebench::ir {

int64_t ElementCount(const Shape& shape) {
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;
  return count;
}

std::string ShapeToString(const Shape& shape) {
  if (shape.empty()) return "scalar";
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += 'x';
    text += std::to_string(shape[i]);
  }
  return text;
}

bool ParseShape(const std::string& text, Shape& out) {
  Shape dims;
  const char* cursor = text.data();
  const char* end = text.data() + text.size();
  while (cursor < end) {
    int64_t dim = 0;
    auto [next, error] = std::from_chars(cursor, end, dim);
    if (error != std::errc() || dim <= 0) return false;
    dims.push_back(dim);
    cursor = next;
    if (cursor == end) break;
    if (*cursor != 'x') return false;
    ++cursor;
    if (cursor == end) return false;
  }
  if (dims.empty()) return false;
  out = std::move(dims);
  return true;
}

}  // namespace edgebench::ir
