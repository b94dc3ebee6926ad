#include "backends/reference/reduce_kernels.h"

#include <cmath>
#include <limits>
#include <vector>

#include "backends/reference/kernel_support.h"
#include "ir/op_semantics.h"

namespace edgebench::backends::reference {
namespace {

enum class Reduction { kMean, kSum, kMax };

void Reduce(Reduction kind, const ir::ReduceAttrs& attrs, const HostTensor& x, HostTensor& y) {
  const size_t rank = x.shape.size();
  std::vector<bool> reduced(rank, attrs.axes.empty());
  for (int64_t axis : ir::NormalizeAxes(attrs.axes, rank))
    reduced[static_cast<size_t>(axis)] = true;

  ir::Shape kept = x.shape;  // the keepdims shape
  ir::Shape dropped;         // the shape without the reduced dims
  int64_t group_size = 1;    // input elements per output element
  for (size_t d = 0; d < rank; ++d) {
    if (reduced[d]) {
      kept[d] = 1;
      group_size *= x.shape[d];
    } else {
      dropped.push_back(x.shape[d]);
    }
  }
  RequireShape("reduction output", y.shape, attrs.keepdims ? kept : dropped);

  // Removing size-1 dims leaves the row-major layout unchanged, so the keepdims strides
  // (0 along reduced dims) address y in either form.
  const Dims out_strides = BroadcastStrides(kept, x.shape);
  const double init = kind == Reduction::kMax ? -std::numeric_limits<double>::infinity() : 0.0;
  std::vector<double> acc(y.data.size(), init);
  if (!x.data.empty()) {
    Dims index(rank, 0);
    size_t in = 0;
    do {
      double& slot = acc[static_cast<size_t>(Dot(index, out_strides))];
      const double v = x.data[in++];
      if (kind != Reduction::kMax) {
        slot += v;
      } else if (v > slot || std::isnan(v)) {
        // Once NaN, the slot stays NaN: no comparison with it is true.
        slot = v;
      }
    } while (NextIndex(index, x.shape));
  }
  for (size_t i = 0; i < acc.size(); ++i) {
    const double v = kind == Reduction::kMean ? acc[i] / static_cast<double>(group_size) : acc[i];
    y.data[i] = static_cast<float>(v);
  }
}

}  // namespace

void ReduceMean(const ir::ReduceAttrs& attrs, const HostTensor& x, HostTensor& y) {
  Reduce(Reduction::kMean, attrs, x, y);
}

void ReduceSum(const ir::ReduceAttrs& attrs, const HostTensor& x, HostTensor& y) {
  Reduce(Reduction::kSum, attrs, x, y);
}

void ReduceMax(const ir::ReduceAttrs& attrs, const HostTensor& x, HostTensor& y) {
  Reduce(Reduction::kMax, attrs, x, y);
}

}  // namespace edgebench::backends::reference
