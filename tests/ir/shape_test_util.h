#pragma once

// One-node graphs for shape rule tests: the node reads graph inputs of the given shapes
// (the rules do not care whether an operand is an input or a constant).

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "ir/shape_inference.h"

namespace edgebench::ir::test_util {

inline constexpr const char* kCulprit = "culprit";

inline ValueId AddOneNode(Graph& graph, OpKind op, Attrs attrs, const std::vector<Shape>& inputs) {
  std::vector<ValueId> ids;
  for (size_t i = 0; i < inputs.size(); ++i) {
    ids.push_back(graph.AddInput("in" + std::to_string(i), inputs[i]));
  }
  return graph.AddNode(kCulprit, op, std::move(attrs), std::move(ids));
}

/// The inferred output shape of `op` over inputs of `inputs`' shapes.
inline Shape InferOne(OpKind op, Attrs attrs, const std::vector<Shape>& inputs) {
  Graph graph;
  ValueId out = AddOneNode(graph, op, std::move(attrs), inputs);
  InferShapes(graph);
  return graph.value(out).shape;
}

/// Success when shape inference of `graph` throws GraphError naming the node 'culprit' and
/// containing `phrase`.
inline ::testing::AssertionResult FailsNamingCulprit(Graph& graph, std::string_view phrase) {
  try {
    InferShapes(graph);
  } catch (const GraphError& error) {
    const std::string message = error.what();
    if (message.find("node 'culprit'") != std::string::npos &&
        message.find(phrase) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "message \"" << message << "\" lacks the node name or \"" << phrase << "\"";
  }
  return ::testing::AssertionFailure() << "no error";
}

inline ::testing::AssertionResult FailsNamingCulprit(OpKind op, Attrs attrs,
                                                     const std::vector<Shape>& inputs,
                                                     std::string_view phrase) {
  Graph graph;
  AddOneNode(graph, op, std::move(attrs), inputs);
  return FailsNamingCulprit(graph, phrase);
}

}  // namespace edgebench::ir::test_util
