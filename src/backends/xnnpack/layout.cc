#include "backends/xnnpack/layout.h"

#include <utility>

namespace edgebench::backends::xnnpack {
namespace {

bool IsReshape(ir::OpKind op) {
  return op == ir::OpKind::kFlatten || op == ir::OpKind::kReshape || op == ir::OpKind::kSqueeze ||
         op == ir::OpKind::kUnsqueeze;
}

// Visits every element of a 4-D NCHW tensor with its NCHW and NHWC offsets.
template <typename Fn>
void ForEachNchw(const ir::Shape& nchw, Fn&& fn) {
  const int64_t n_count = nchw[0], c_count = nchw[1], h_count = nchw[2], w_count = nchw[3];
  int64_t nchw_offset = 0;
  for (int64_t n = 0; n < n_count; ++n) {
    for (int64_t c = 0; c < c_count; ++c) {
      for (int64_t h = 0; h < h_count; ++h) {
        for (int64_t w = 0; w < w_count; ++w) {
          fn(nchw_offset++, ((n * h_count + h) * w_count + w) * c_count + c);
        }
      }
    }
  }
}

}  // namespace

bool NhwcKeepsOrder(const ir::Shape& shape) {
  return shape.size() != 4 || shape[1] == 1 || shape[2] * shape[3] == 1;
}

bool ReshapeKeepsOrder(const ir::Shape& from, const ir::Shape& to) {
  return NhwcKeepsOrder(from) && NhwcKeepsOrder(to);
}

bool IsPerSampleFlatten(const ir::Shape& from, const ir::Shape& to) {
  return from.size() == 4 && to.size() == 2 && to[0] == from[0] &&
         to[1] == from[1] * from[2] * from[3];
}

Layout LayoutOf(const ir::Graph& graph, ir::ValueId id) {
  const ir::Value& value = graph.value(id);
  if (value.shape.size() == 4) return Layout::kNhwc;
  if (value.producer != ir::kNoId) {
    const ir::Node& producer = graph.node(value.producer);
    if (IsReshape(producer.op)) {
      const ir::Shape& from = graph.value(producer.inputs.front()).shape;
      if (!ReshapeKeepsOrder(from, value.shape) && IsPerSampleFlatten(from, value.shape)) {
        return Layout::kNhwcFlattened;
      }
    }
  }
  return Layout::kPlain;
}

std::vector<size_t> StorageDims(const ir::Shape& shape) {
  std::vector<size_t> dims(shape.begin(), shape.end());
  if (shape.size() == 4) {
    dims = {static_cast<size_t>(shape[0]), static_cast<size_t>(shape[2]),
            static_cast<size_t>(shape[3]), static_cast<size_t>(shape[1])};
  }
  return dims;
}

void NchwToNhwc(const float* src, const ir::Shape& nchw, float* dst) {
  ForEachNchw(nchw, [&](int64_t from, int64_t to) { dst[to] = src[from]; });
}

void NhwcToNchw(const float* src, const ir::Shape& nchw, float* dst) {
  ForEachNchw(nchw, [&](int64_t to, int64_t from) { dst[to] = src[from]; });
}

std::vector<size_t> AlignBroadcastConstant(const ir::Shape& shape, size_t rank,
                                           std::vector<float>& data) {
  ir::Shape aligned(rank - shape.size(), 1);
  aligned.insert(aligned.end(), shape.begin(), shape.end());
  if (rank == 4 && !NhwcKeepsOrder(aligned)) {
    std::vector<float> permuted(data.size());
    NchwToNhwc(data.data(), aligned, permuted.data());
    data = std::move(permuted);
  }
  return StorageDims(aligned);
}

}  // namespace edgebench::backends::xnnpack
