#pragma once

// Internal to shape inference (not part of the IR's API): the checks every rule shares and
// the rules of the modern op set, which live in shape_rules_*.cc so that no file grows
// past one job. Every function throws GraphError whose message names the node.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "ir/graph.h"
#include "ir/op_semantics.h"

namespace edgebench::ir::shape_rules {

// Dims beyond this are rejected: no real model gets near it, and it keeps element
// counts far from int64 overflow even for hostile imported graphs.
inline constexpr int64_t kMaxDim = int64_t{1} << 31;

/// Throws GraphError "node '<name>' (<op>): <why>".
[[noreturn]] void Fail(const Node& node, const std::string& why);

/// Shape of input `index`; fails when the node has no such input.
const Shape& InputShape(const Graph& graph, const Node& node, size_t index);

void ExpectInputCount(const Node& node, size_t min, size_t max);

template <typename T>
const T& AttrsOf(const Node& node) {
  const T* attrs = std::get_if<T>(&node.attrs);
  if (attrs == nullptr) Fail(node, "attributes of the wrong kind");
  return *attrs;
}

/// For ops that take no attributes: anything but std::monostate is a caller's mistake.
inline void ExpectNoAttrs(const Node& node) { AttrsOf<std::monostate>(node); }

/// Element count of `shape`, failing instead of overflowing when it passes `limit`.
int64_t CheckedElementCount(const Node& node, const Shape& shape, int64_t limit);

// The op_semantics.h helpers, with their GraphError re-thrown to name the node.
Shape Broadcast(const Node& node, const Shape& a, const Shape& b);
int64_t Axis(const Node& node, int64_t axis, size_t rank, bool allow_end = false);
std::vector<int64_t> Axes(const Node& node, const std::vector<int64_t>& axes, size_t rank);
std::vector<SliceDim> Slice(const Node& node, const SliceAttrs& attrs, const Shape& input);

/// Checks an NCHW / NCDHW activation and returns its number of spatial dims.
size_t SpatialRank(const Node& node, const Shape& shape);

/// Checks one value per spatial dim, each within [min, kMaxDim].
void CheckPerSpatial(const Node& node, const std::vector<int64_t>& values, size_t rank,
                     const char* what, int64_t min);

// Rules of the modern op set (kAdd included, since it broadcasts like them).
Shape InferBinary(const Graph& graph, const Node& node);            // shape_rules_elementwise.cc
Shape InferUnaryElementwise(const Graph& graph, const Node& node);  // shape_rules_elementwise.cc
Shape InferHardSigmoid(const Graph& graph, const Node& node);       // shape_rules_elementwise.cc
Shape InferGelu(const Graph& graph, const Node& node);              // shape_rules_elementwise.cc
Shape InferClip(const Graph& graph, const Node& node);              // shape_rules_elementwise.cc
Shape InferReduce(const Graph& graph, const Node& node);            // shape_rules_reduction.cc
Shape InferLayerNorm(const Graph& graph, const Node& node);         // shape_rules_reduction.cc
Shape InferTranspose(const Graph& graph, const Node& node);         // shape_rules_layout.cc
Shape InferSlice(const Graph& graph, const Node& node);             // shape_rules_layout.cc
Shape InferSqueeze(const Graph& graph, const Node& node);           // shape_rules_layout.cc
Shape InferUnsqueeze(const Graph& graph, const Node& node);         // shape_rules_layout.cc
Shape InferPad(const Graph& graph, const Node& node);               // shape_rules_layout.cc
Shape InferGather(const Graph& graph, const Node& node);            // shape_rules_layout.cc
Shape InferMatMul(const Graph& graph, const Node& node);            // shape_rules_linear.cc
Shape InferConvTranspose(const Graph& graph, const Node& node);     // shape_rules_linear.cc
Shape InferResize(const Graph& graph, const Node& node);            // shape_rules_resize.cc

}  // namespace edgebench::ir::shape_rules
