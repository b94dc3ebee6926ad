#include <fmt/format.h>

#include "ir/shape_rules.h"

namespace edgebench::ir::shape_rules {

void Fail(const Node& node, const std::string& why) {
  throw GraphError(fmt::format("node '{}' ({}): {}", node.name, OpName(node.op), why));
}

const Shape& InputShape(const Graph& graph, const Node& node, size_t index) {
  if (index >= node.inputs.size()) Fail(node, fmt::format("missing input #{}", index));
  // An empty shape is a scalar, not "not inferred yet": InferShapes visits nodes in
  // Graph::ExecutionOrder(), so every activation's producer has been inferred before its
  // consumers, and the other callers (the zoo builder, the ONNX importer) infer each node
  // as they add it, after its inputs. A flag on ir::Value would have to be kept in step by
  // every writer of Value::shape for no extra safety.
  return graph.value(node.inputs[index]).shape;
}

void ExpectInputCount(const Node& node, size_t min, size_t max) {
  if (node.inputs.size() < min || node.inputs.size() > max) {
    Fail(node, min == max
                   ? fmt::format("expects {} inputs, has {}", min, node.inputs.size())
                   : fmt::format("expects {} to {} inputs, has {}", min, max, node.inputs.size()));
  }
}

int64_t CheckedElementCount(const Node& node, const Shape& shape, int64_t limit) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) Fail(node, fmt::format("negative dim in {}", ShapeToString(shape)));
    if (dim == 0) return 0;
  }
  for (int64_t dim : shape) {
    if (count > limit / dim) {
      Fail(node, fmt::format("tensor {} has more than {} elements", ShapeToString(shape), limit));
    }
    count *= dim;
  }
  return count;
}

Shape Broadcast(const Node& node, const Shape& a, const Shape& b) {
  try {
    return BroadcastShapes(a, b);
  } catch (const GraphError& error) {
    Fail(node, error.what());
  }
}

int64_t Axis(const Node& node, int64_t axis, size_t rank, bool allow_end) {
  try {
    return NormalizeAxis(axis, rank, allow_end);
  } catch (const GraphError& error) {
    Fail(node, error.what());
  }
}

std::vector<int64_t> Axes(const Node& node, const std::vector<int64_t>& axes, size_t rank) {
  try {
    return NormalizeAxes(axes, rank);
  } catch (const GraphError& error) {
    Fail(node, error.what());
  }
}

std::vector<SliceDim> Slice(const Node& node, const SliceAttrs& attrs, const Shape& input) {
  try {
    return ResolveSlice(attrs, input);
  } catch (const GraphError& error) {
    Fail(node, error.what());
  }
}

size_t SpatialRank(const Node& node, const Shape& shape) {
  if (shape.size() != 4 && shape.size() != 5) {
    Fail(node, fmt::format("expects an NCHW or NCDHW input, got {}", ShapeToString(shape)));
  }
  return shape.size() - 2;
}

void CheckPerSpatial(const Node& node, const std::vector<int64_t>& values, size_t rank,
                     const char* what, int64_t min) {
  if (values.size() != rank) {
    Fail(node, fmt::format("{} has {} entries for {} spatial dims", what, values.size(), rank));
  }
  for (int64_t v : values) {
    if (v < min || v > kMaxDim) Fail(node, fmt::format("{} value {} is invalid", what, v));
  }
}

}  // namespace edgebench::ir::shape_rules
