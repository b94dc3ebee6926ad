// Shape rules of the ops that reduce over some dims: ReduceMean/Sum/Max and LayerNorm.

#include <fmt/format.h>

#include <cmath>

#include "ir/shape_rules.h"

namespace edgebench::ir::shape_rules {

Shape InferReduce(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const auto& attrs = AttrsOf<ReduceAttrs>(node);
  const Shape& x = InputShape(graph, node, 0);
  std::vector<bool> reduced(x.size(), attrs.axes.empty());
  for (int64_t axis : Axes(node, attrs.axes, x.size())) reduced[static_cast<size_t>(axis)] = true;
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    if (!reduced[d]) {
      out.push_back(x[d]);
    } else if (attrs.keepdims) {
      out.push_back(1);
    }
  }
  return out;  // a scalar when every dim is reduced without keepdims
}

Shape InferLayerNorm(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 2, 3);
  const auto& attrs = AttrsOf<LayerNormAttrs>(node);
  const Shape& x = InputShape(graph, node, 0);
  if (x.empty()) Fail(node, "cannot normalize a scalar");
  const auto axis = static_cast<size_t>(Axis(node, attrs.axis, x.size()));
  if (!(attrs.epsilon > 0.0f) || !std::isfinite(attrs.epsilon)) {
    Fail(node, fmt::format("epsilon {} must be positive and finite", attrs.epsilon));
  }
  const Shape normalized(x.begin() + static_cast<std::ptrdiff_t>(axis), x.end());
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    const Shape& parameter = InputShape(graph, node, i);
    if (parameter != normalized) {
      Fail(node, fmt::format("{} {} does not match the normalized dims {} of {}",
                             i == 1 ? "scale" : "bias", ShapeToString(parameter),
                             ShapeToString(normalized), ShapeToString(x)));
    }
  }
  return x;
}

}  // namespace edgebench::ir::shape_rules
