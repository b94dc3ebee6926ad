#include "backends/reference/matmul_kernels.h"

#include <fmt/format.h>

#include "backends/reference/kernel_support.h"
#include "ir/graph.h"
#include "ir/op_semantics.h"

namespace edgebench::backends::reference {

void MatMul(const HostTensor& a, const HostTensor& b, HostTensor& y) {
  if (a.shape.empty() || b.shape.empty()) throw ir::GraphError("matmul of a 0-D operand");
  const bool a_is_vector = a.shape.size() == 1;
  const bool b_is_vector = b.shape.size() == 1;
  const ir::Shape a_matrix = a_is_vector ? ir::Shape{1, a.shape[0]} : a.shape;
  const ir::Shape b_matrix = b_is_vector ? ir::Shape{b.shape[0], 1} : b.shape;
  const int64_t rows = a_matrix[a_matrix.size() - 2];
  const int64_t depth = a_matrix.back();
  const int64_t cols = b_matrix.back();
  if (b_matrix[b_matrix.size() - 2] != depth) {
    throw ir::GraphError(fmt::format("matmul of {} by {}: inner dims differ",
                                     ir::ShapeToString(a.shape), ir::ShapeToString(b.shape)));
  }
  const ir::Shape a_batch(a_matrix.begin(), a_matrix.end() - 2);
  const ir::Shape b_batch(b_matrix.begin(), b_matrix.end() - 2);
  const ir::Shape batch = ir::BroadcastShapes(a_batch, b_batch);
  ir::Shape out_shape = batch;
  if (!a_is_vector) out_shape.push_back(rows);
  if (!b_is_vector) out_shape.push_back(cols);
  RequireShape("matmul output", y.shape, out_shape);
  if (y.data.empty()) return;

  // Batch strides in whole matrices, scaled to elements; 0 along broadcast dims.
  Dims a_strides = BroadcastStrides(a_batch, batch);
  Dims b_strides = BroadcastStrides(b_batch, batch);
  for (int64_t& s : a_strides) s *= rows * depth;
  for (int64_t& s : b_strides) s *= depth * cols;
  Dims index(batch.size(), 0);
  float* out = y.data.data();
  do {
    const float* a_mat = a.data.data() + Dot(index, a_strides);
    const float* b_mat = b.data.data() + Dot(index, b_strides);
    for (int64_t m = 0; m < rows; ++m) {
      for (int64_t n = 0; n < cols; ++n) {
        double sum = 0.0;
        for (int64_t k = 0; k < depth; ++k) {
          sum += static_cast<double>(a_mat[m * depth + k]) * b_mat[k * cols + n];
        }
        *out++ = static_cast<float>(sum);
      }
    }
  } while (NextIndex(index, batch));
}

}  // namespace edgebench::backends::reference
