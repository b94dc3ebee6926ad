#include "ir/graph.h"

#include <gtest/gtest.h>

#include "ir/shape_inference.h"

namespace edgebench::ir {
namespace {

TEST(GraphTest, ExecutionOrderFollowsDependenciesNotInsertion) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 4, 8, 8});
  ValueId late = graph.DeclareActivation("late");
  graph.AddNode("consumer", OpKind::kRelu, {}, {late});
  graph.AddNodeWithOutput("producer", OpKind::kSigmoid, {}, {x}, late);
  std::vector<NodeId> order = graph.ExecutionOrder();
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(graph.node(order[0]).name, "producer");
  EXPECT_EQ(graph.node(order[1]).name, "consumer");
}

TEST(GraphTest, DuplicateNamesAreRejected) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 4, 8, 8});
  graph.AddNode("relu", OpKind::kRelu, {}, {x});
  EXPECT_THROW(graph.AddNode("relu", OpKind::kRelu, {}, {x}), GraphError);
  EXPECT_THROW(graph.AddInput("x", {1}), GraphError);
}

TEST(GraphTest, UnknownInputIdIsRejected) {
  Graph graph;
  EXPECT_THROW(graph.AddNode("relu", OpKind::kRelu, {}, {42}), GraphError);
  EXPECT_THROW(graph.AddNode("relu", OpKind::kRelu, {}, {-1}), GraphError);
}

TEST(GraphTest, DanglingEdgeNamesTheNodeAndValue) {
  Graph graph;
  ValueId ghost = graph.DeclareActivation("ghost");
  graph.AddNode("relu", OpKind::kRelu, {}, {ghost});
  try {
    graph.ExecutionOrder();
    FAIL() << "dangling edge accepted";
  } catch (const GraphError& error) {
    EXPECT_NE(std::string(error.what()).find("'relu'"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("'ghost'"), std::string::npos) << error.what();
  }
}

TEST(GraphTest, CycleIsRejectedByOrderAndShapeInference) {
  Graph graph;
  ValueId a = graph.DeclareActivation("a");
  ValueId b = graph.DeclareActivation("b");
  graph.AddNodeWithOutput("a", OpKind::kRelu, {}, {b}, a);
  graph.AddNodeWithOutput("b", OpKind::kRelu, {}, {a}, b);
  EXPECT_THROW(graph.ExecutionOrder(), GraphError);
  EXPECT_THROW(InferShapes(graph), GraphError);
}

TEST(GraphTest, SecondProducerIsRejected) {
  Graph graph;
  ValueId x = graph.AddInput("x", {1, 2});
  ValueId y = graph.AddNode("y", OpKind::kRelu, {}, {x});
  EXPECT_THROW(graph.AddNodeWithOutput("z", OpKind::kRelu, {}, {x}, y), GraphError);
  EXPECT_THROW(graph.AddNodeWithOutput("w", OpKind::kRelu, {}, {x}, x), GraphError);
}

TEST(GraphTest, NonPositiveDimsAreRejected) {
  Graph graph;
  EXPECT_THROW(graph.AddInput("x", {1, 0, 4}), GraphError);
  EXPECT_THROW(graph.AddConstant("w", {-3}, WeightRole::kWeight, {}), GraphError);
}

TEST(GraphTest, UnproducedOutputIsRejected) {
  Graph graph;
  graph.MarkOutput(graph.DeclareActivation("nothing"));
  EXPECT_THROW(graph.ExecutionOrder(), GraphError);
}

}  // namespace
}  // namespace edgebench::ir
