// The OpenCV plugin's OpenCV-free parts: the rewrite of our opset-13 export into the node
// forms OpenCV 4.6's importer reads, and the nearest-resize index rule Supports() compares
// the IR's against. Whether OpenCV then computes the right thing is the consistency
// test's job; here the rewrite's structure and the rule's arithmetic are pinned down.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <limits>

#include "backends/opencv/modern_op_support.h"
#include "backends/opencv/onnx_adapter.h"
#include "formats/onnx.h"
#include "zoo/graph_builder.h"
#include "zoo/seeded_weights.h"

namespace edgebench::backends::opencv {
namespace {

using ir::OpKind;

const onnx::NodeProto& NodeOfType(const onnx::ModelProto& model, const std::string& type) {
  for (const onnx::NodeProto& node : model.graph().node()) {
    if (node.op_type() == type) return node;
  }
  ADD_FAILURE() << "no " << type << " node";
  return model.graph().node(0);
}

const onnx::AttributeProto* Attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const onnx::AttributeProto& attribute : node.attribute()) {
    if (attribute.name() == name) return &attribute;
  }
  return nullptr;
}

TEST(OpenCvOnnxAdapter, MovesConstantOperandsIntoAttributes) {
  zoo::GraphBuilder b("adapt", {1, 4, 3, 1});
  const ir::ValueId clipped =
      b.Op("clip", OpKind::kClip, ir::ClipAttrs{-0.5f, std::numeric_limits<float>::infinity()},
           {b.input()});
  const ir::ValueId summed = b.Op("sum", OpKind::kReduceSum, ir::ReduceAttrs{{1}, true}, {clipped});
  const ir::ValueId squeezed = b.Op("squeeze", OpKind::kSqueeze, ir::AxesAttrs{{-1}}, {summed});
  ir::Graph graph = b.Finish({squeezed});
  zoo::MaterializeWeights(graph);
  ASSERT_TRUE(NeedsOnnxAdaptation(graph));

  onnx::ModelProto model;
  ASSERT_TRUE(model.ParseFromString(AdaptOnnxForOpenCv(formats::ExportOnnx(graph))));
  const onnx::NodeProto& clip = NodeOfType(model, "Clip");
  EXPECT_EQ(clip.input_size(), 1);
  ASSERT_NE(Attribute(clip, "min"), nullptr);
  EXPECT_EQ(Attribute(clip, "min")->f(), -0.5f);
  ASSERT_NE(Attribute(clip, "max"), nullptr);
  EXPECT_EQ(Attribute(clip, "max")->f(), std::numeric_limits<float>::infinity());
  for (const char* type : {"ReduceSum", "Squeeze"}) {
    const onnx::NodeProto& node = NodeOfType(model, type);
    EXPECT_EQ(node.input_size(), 1) << type;
    const onnx::AttributeProto* axes = Attribute(node, "axes");
    ASSERT_NE(axes, nullptr) << type;
    ASSERT_EQ(axes->ints_size(), 1) << type;
    EXPECT_EQ(axes->ints(0), std::string(type) == "Squeeze" ? -1 : 1);
  }
}

TEST(OpenCvOnnxAdapter, OnlyGraphsWithRewrittenOpsNeedIt) {
  zoo::GraphBuilder b("plain", {1, 4, 3, 3});
  const ir::Graph graph = b.Finish({b.Relu("relu", b.input())});
  EXPECT_FALSE(NeedsOnnxAdaptation(graph));
}

TEST(OpenCvNearestRule, FloorsTheExtentRatioWhateverTheCoordinateMode) {
  // 5 -> 7: floor(o * 5 / 7) = 0, 0, 1, 2, 2, 3, 4.
  const int64_t expected[] = {0, 0, 1, 2, 2, 3, 4};
  for (auto mode : {ir::ResizeCoordinates::kAsymmetric, ir::ResizeCoordinates::kHalfPixel,
                    ir::ResizeCoordinates::kPytorchHalfPixel}) {
    for (int64_t o = 0; o < 7; ++o) {
      EXPECT_EQ(OpenCvNearestIndex(mode, o, 5, 7), expected[o]) << "output " << o;
    }
  }
}

TEST(OpenCvNearestRule, RoundsAlignCornersAndLeavesTiesUnknown) {
  // 5 -> 7: o * 4 / 6 = 0, 0.67, 1.33, 2, 2.67, 3.33, 4 -> 0, 1, 1, 2, 3, 3, 4.
  const int64_t expected[] = {0, 1, 1, 2, 3, 3, 4};
  for (int64_t o = 0; o < 7; ++o) {
    EXPECT_EQ(OpenCvNearestIndex(ir::ResizeCoordinates::kAlignCorners, o, 5, 7), expected[o]);
  }
  // 3 -> 5: o * 2 / 4 = 0.5 at o = 1.
  EXPECT_FALSE(OpenCvNearestIndex(ir::ResizeCoordinates::kAlignCorners, 1, 3, 5).has_value());
}

// One binary node on an NCHW input; `constant` is the shape of a constant operand, placed
// first or second.
Support BinaryWithConstant(OpKind op, const ir::Shape& constant, bool first) {
  zoo::GraphBuilder b("binary", {1, 8, 6, 7});
  const ir::ValueId c = b.Constant("c", constant, {1.0f, 0.5f});
  const ir::ValueId y =
      b.Op("op", op, {}, first ? std::vector{c, b.input()} : std::vector{b.input(), c});
  const ir::Graph graph = b.Finish({y});
  return ModernOpSupport(graph, graph.nodes().back());
}

TEST(OpenCvBinaryRules, ClassifyConstantOperands) {
  EXPECT_TRUE(BinaryWithConstant(OpKind::kDiv, {8, 1, 1}, false).supported);
  EXPECT_FALSE(BinaryWithConstant(OpKind::kDiv, {1, 8, 1, 1}, true).supported);
  EXPECT_TRUE(BinaryWithConstant(OpKind::kSub, {7}, true).supported);
  EXPECT_FALSE(BinaryWithConstant(OpKind::kMul, {7}, false).supported);
  EXPECT_TRUE(BinaryWithConstant(OpKind::kPow, {}, false).supported);
  EXPECT_FALSE(BinaryWithConstant(OpKind::kPow, {}, true).supported);
  EXPECT_FALSE(BinaryWithConstant(OpKind::kMaximum, {}, false).supported);
  // [6, 1] aligns with H and W: neither per channel nor along the last dim.
  const Support other = BinaryWithConstant(OpKind::kAdd, {6, 1}, false);
  EXPECT_FALSE(other.supported);
  EXPECT_NE(other.reason.find("6x1"), std::string::npos) << other.reason;
}

}  // namespace
}  // namespace edgebench::backends::opencv
