// Shape rule of Resize: one scale per dim (which the coordinate mapping needs), and
// either explicit output sizes or floor(input * scale), as in ONNX.

#include <fmt/format.h>

#include <cmath>

#include "ir/shape_rules.h"

namespace edgebench::ir::shape_rules {

Shape InferResize(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const auto& attrs = AttrsOf<ResizeAttrs>(node);
  const Shape& x = InputShape(graph, node, 0);
  if (x.empty()) Fail(node, "cannot resize a scalar");
  if (attrs.scales.size() != x.size()) {
    Fail(node, fmt::format("{} scales for {} dims", attrs.scales.size(), x.size()));
  }
  if (!attrs.sizes.empty() && attrs.sizes.size() != x.size()) {
    Fail(node, fmt::format("{} sizes for {} dims", attrs.sizes.size(), x.size()));
  }
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    const float scale = attrs.scales[d];
    if (!(scale > 0.0f) || !std::isfinite(scale)) {
      Fail(node, fmt::format("scale {} of dim {} must be positive and finite", scale, d));
    }
    int64_t extent = 0;
    if (attrs.sizes.empty()) {
      // Compared as a double before the cast, which would be undefined out of range.
      const double scaled = std::floor(static_cast<double>(x[d]) * static_cast<double>(scale));
      if (scaled > static_cast<double>(kMaxDim)) {
        Fail(node, fmt::format("dim {} resized to {} exceeds {}", d, scaled, kMaxDim));
      }
      extent = static_cast<int64_t>(scaled);
    } else {
      extent = attrs.sizes[d];
      if (extent > kMaxDim) {
        Fail(node, fmt::format("size {} of dim {} exceeds {}", extent, d, kMaxDim));
      }
    }
    if (extent < 1) Fail(node, fmt::format("dim {} of {} resizes to nothing", d, ShapeToString(x)));
    // Every output element reads at least one input element.
    if (x[d] < 1) Fail(node, fmt::format("dim {} of {} is empty", d, ShapeToString(x)));
    out.push_back(extent);
  }
  return out;
}

}  // namespace edgebench::ir::shape_rules
