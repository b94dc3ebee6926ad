#include "backends/reference/kernel_support.h"

#include <fmt/format.h>

#include "ir/graph.h"

namespace edgebench::backends::reference {

Dims BroadcastStrides(const ir::Shape& in, const ir::Shape& out) {
  if (in.size() > out.size()) {
    throw ir::GraphError(fmt::format("shape {} does not broadcast to {}", ir::ShapeToString(in),
                                     ir::ShapeToString(out)));
  }
  const Dims own = RowMajorStrides(in);
  const size_t lead = out.size() - in.size();
  Dims strides(out.size(), 0);
  for (size_t d = 0; d < in.size(); ++d) {
    if (in[d] == out[lead + d]) {
      strides[lead + d] = in[d] == 1 ? 0 : own[d];
    } else if (in[d] != 1) {
      throw ir::GraphError(fmt::format("shape {} does not broadcast to {}", ir::ShapeToString(in),
                                       ir::ShapeToString(out)));
    }
  }
  return strides;
}

int64_t CheckedAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) throw ir::GraphError("a size computation overflows");
  return sum;
}

int64_t CheckedMul(int64_t a, int64_t b) {
  int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    throw ir::GraphError("a size computation overflows");
  }
  return product;
}

void RequireShape(const char* what, const ir::Shape& tensor_shape, const ir::Shape& expected) {
  if (tensor_shape != expected) {
    throw ir::GraphError(fmt::format("{} has shape {}, expected {}", what,
                                     ir::ShapeToString(tensor_shape), ir::ShapeToString(expected)));
  }
}

}  // namespace edgebench::backends::reference
