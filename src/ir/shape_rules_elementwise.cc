// Shape rules of the elementwise ops: binary ops broadcast NumPy-style, unary ops keep
// their input's shape and only their attributes need checking.

#include <fmt/format.h>

#include <cmath>

#include "ir/shape_rules.h"

namespace edgebench::ir::shape_rules {

Shape InferBinary(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 2, 2);
  ExpectNoAttrs(node);
  return Broadcast(node, InputShape(graph, node, 0), InputShape(graph, node, 1));
}

Shape InferUnaryElementwise(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  ExpectNoAttrs(node);
  return InputShape(graph, node, 0);
}

Shape InferHardSigmoid(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const auto& attrs = AttrsOf<HardSigmoidAttrs>(node);
  if (!std::isfinite(attrs.alpha) || !std::isfinite(attrs.beta)) {
    Fail(node, fmt::format("alpha {} and beta {} must be finite", attrs.alpha, attrs.beta));
  }
  return InputShape(graph, node, 0);
}

Shape InferGelu(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  AttrsOf<GeluAttrs>(node);
  return InputShape(graph, node, 0);
}

Shape InferClip(const Graph& graph, const Node& node) {
  ExpectInputCount(node, 1, 1);
  const auto& attrs = AttrsOf<ClipAttrs>(node);
  // Written so that a NaN bound fails too; infinite bounds mean "unbounded".
  if (!(attrs.min <= attrs.max)) {
    Fail(node, fmt::format("min {} is not <= max {}", attrs.min, attrs.max));
  }
  return InputShape(graph, node, 0);
}

}  // namespace edgebench::ir::shape_rules
