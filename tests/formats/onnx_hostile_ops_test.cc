// Hostile uses of the modern op set: absurd broadcasts, out-of-range axes, huge pads,
// resize sizes, split sizes and folded tensors, out-of-range gather indices. Each must
// end in a FormatError naming the problem (UnsupportedModelError where the model is
// valid but not expressible) -- never a crash, a hang or a huge allocation.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "formats/onnx.h"
#include "onnx_test_model.h"

namespace edgebench::formats {
namespace {

using onnx_test::OnnxModelBuilder;
using onnx_test::SetFloat;
using onnx_test::SetInt;
using onnx_test::SetInts;
using onnx_test::SetString;

constexpr int64_t kHuge = int64_t{1} << 40;
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Imports expecting an error of exactly type Error (FormatError: not an Unsupported one)
// whose message contains `needle`.
template <typename Error = FormatError>
void ExpectError(const OnnxModelBuilder& b, const std::string& needle) {
  try {
    ImportOnnx(b.Bytes(), "hostile");
    ADD_FAILURE() << "imported without error; expected '" << needle << "'";
  } catch (const FormatError& error) {
    const std::string message = error.what();
    const bool unsupported = dynamic_cast<const UnsupportedModelError*>(&error) != nullptr;
    EXPECT_EQ(unsupported, (std::is_same_v<Error, UnsupportedModelError>)) << message;
    EXPECT_NE(message.find(needle), std::string::npos) << message;
    EXPECT_NE(message.find("'hostile'"), std::string::npos) << message;
  }
}

// x [rows, cols] through one node `op` with the given extra initializer inputs.
OnnxModelBuilder OneNode(const std::string& op, const std::vector<int64_t>& x_dims,
                         const std::vector<std::string>& extra_inputs = {}, int64_t opset = 13) {
  OnnxModelBuilder b(opset);
  b.Input("x", x_dims).Output("y");
  std::vector<std::string> inputs{"x"};
  inputs.insert(inputs.end(), extra_inputs.begin(), extra_inputs.end());
  b.Node(op, inputs, {"y"}, "victim");
  return b;
}

onnx::NodeProto& Victim(OnnxModelBuilder& b) {
  return *b.model().mutable_graph()->mutable_node(b.model().graph().node_size() - 1);
}

TEST(OnnxHostileOpsTest, AbsurdBroadcasts) {
  {
    OnnxModelBuilder b;
    b.Input("a", {1, 65536}).Input("b", {65536, 1}).Output("y");
    b.Node("Add", {"a", "b"}, {"y"});
    ExpectError(b, "exceed the limit");  // 2^32 elements from two small inputs
  }
  {
    OnnxModelBuilder b;
    b.Input("a", {2, 3}).Input("b", {4}).Output("y");
    b.Node("Mul", {"a", "b"}, {"y"});
    ExpectError(b, "broadcast");
  }
  {  // the same through folding: a 2^40-element constant from two tiny ones
    OnnxModelBuilder b = OneNode("Add", {1, 4}, {"big"});
    b.IntInitializer("dims", {2}, {kHuge, 1});
    b.Initializer("one", {1}, {1.0f});
    b.Node("Expand", {"one", "dims"}, {"big"});
    ExpectError(b, "exceed");
  }
}

TEST(OnnxHostileOpsTest, OutOfRangeAxes) {
  {
    OnnxModelBuilder b = OneNode("Transpose", {2, 3});
    SetInts(Victim(b), "perm", {0, -1});
    ExpectError(b, "not a permutation");
  }
  {
    OnnxModelBuilder b = OneNode("Squeeze", {1, 3}, {"axes"});
    b.IntInitializer("axes", {1}, {-10});
    ExpectError(b, "axis -10 out of range");
  }
  {
    OnnxModelBuilder b = OneNode("Unsqueeze", {1, 3}, {"axes"});
    b.IntInitializer("axes", {1}, {kMin});
    ExpectError(b, "out of range");
  }
  {
    OnnxModelBuilder b = OneNode("ReduceMean", {2, 3}, {}, 13);
    SetInts(Victim(b), "axes", {-5});
    ExpectError(b, "axis -5 out of range");
  }
  {
    OnnxModelBuilder b = OneNode("ReduceSum", {2, 3}, {"axes"});
    b.IntInitializer("axes", {2}, {1, -1});  // the same axis twice
    ExpectError(b, "twice");
  }
  {
    OnnxModelBuilder b = OneNode("Gather", {2, 3}, {"indices"});
    b.IntInitializer("indices", {1}, {0});
    SetInt(Victim(b), "axis", -3);
    ExpectError(b, "axis -3 out of range");
  }
  {
    OnnxModelBuilder b = OneNode("Split", {2, 4});
    SetInt(Victim(b), "axis", 7);
    ExpectError(b, "axis 7 out of range");
  }
  {
    OnnxModelBuilder b = OneNode("LayerNormalization", {2, 3}, {"scale"}, 17);
    b.Initializer("scale", {3}, {1, 1, 1});
    SetInt(Victim(b), "axis", -7);
    ExpectError(b, "axis -7 out of range");
  }
  {
    OnnxModelBuilder b = OneNode("Slice", {2, 3}, {"starts", "ends", "axes"});
    b.IntInitializer("starts", {1}, {0});
    b.IntInitializer("ends", {1}, {1});
    b.IntInitializer("axes", {1}, {-3});
    ExpectError(b, "out of range");
  }
}

TEST(OnnxHostileOpsTest, HugeAndNegativePads) {
  {
    OnnxModelBuilder b = OneNode("Pad", {1, 2}, {"pads"});
    b.IntInitializer("pads", {4}, {0, kHuge, 0, 0});
    ExpectError(b, "exceeds the limit");
  }
  {  // each pad allowed, their product not: 2^30 x 2^30 elements
    OnnxModelBuilder b = OneNode("Pad", {1, 2}, {"pads"});
    b.IntInitializer("pads", {4}, {int64_t{1} << 30, int64_t{1} << 30, 0, 0});
    ExpectError(b, "exceed the limit");
  }
  {
    OnnxModelBuilder b = OneNode("Pad", {1, 2}, {"pads"});
    b.IntInitializer("pads", {4}, {0, kMin, 0, 0});
    ExpectError<UnsupportedModelError>(b, "negative padding");
  }
  {
    OnnxModelBuilder b = OneNode("Pad", {1, 2}, {"pads"});
    b.IntInitializer("pads", {3}, {0, 1, 0});
    ExpectError(b, "3 pads for 2 padded dims");
  }
  {
    OnnxModelBuilder b = OneNode("Pad", {1, 2}, {"pads"});
    b.IntInitializer("pads", {4}, {0, 5, 0, 0});
    SetString(Victim(b), "mode", "reflect");
    ExpectError<UnsupportedModelError>(b, "reflect padding");
  }
  {
    OnnxModelBuilder b = OneNode("Pad", {1, 2}, {"pads"});
    b.IntInitializer("pads", {4}, {0, 1, 0, 0});
    SetString(Victim(b), "mode", "mirror");
    ExpectError(b, "mode 'mirror' is invalid");
  }
}

TEST(OnnxHostileOpsTest, HugeOrInvalidResizes) {
  auto resize = [](std::vector<float> scales, std::vector<int64_t> sizes) {
    OnnxModelBuilder b = OneNode("Resize", {1, 1, 2, 2}, {"", "scales", "sizes"});
    if (!scales.empty()) b.Initializer("scales", {static_cast<int64_t>(scales.size())}, scales);
    if (scales.empty()) Victim(b).set_input(2, "");
    if (!sizes.empty()) b.IntInitializer("sizes", {4}, sizes);
    if (sizes.empty()) Victim(b).mutable_input()->RemoveLast();
    return b;
  };
  ExpectError(resize({}, {1, 1, kHuge, kHuge}), "is invalid");
  ExpectError(resize({}, {1, 1, 60000, 60000}), "exceed the limit");
  ExpectError(resize({}, {1, 1, kMin, 2}), "is invalid");
  ExpectError(resize({1, 1, 1e30f, 1e30f}, {}), "is invalid");
  ExpectError(resize({1, 1, NAN, 2}, {}), "is invalid");
  ExpectError(resize({1, 1, 0, 2}, {}), "is invalid");
  ExpectError(resize({1, 1, -2, 2}, {}), "is invalid");
  ExpectError(resize({1, 1, 2}, {}), "scales has 3 values for rank 4");
  ExpectError<UnsupportedModelError>(resize({1, 1, 0.1f, 0.1f}, {}),
                                     "empty tensor");  // floor(2 * 0.1) = 0
}

TEST(OnnxHostileOpsTest, GatherIndicesOutOfRange) {
  for (int64_t index : {int64_t{3}, int64_t{-4}, kMin, kMax}) {
    OnnxModelBuilder b = OneNode("Gather", {3, 2}, {"indices"});
    b.IntInitializer("indices", {2}, {0, index});
    ExpectError(b, "out of range");
  }
  {  // folded Gather on a constant
    OnnxModelBuilder b = OneNode("Reshape", {3, 2}, {"shape"});
    b.IntInitializer("dims", {2}, {2, 3});
    b.IntInitializer("index", {1}, {9});
    b.Node("Gather", {"dims", "index"}, {"shape"});
    ExpectError(b, "out of range");
  }
}

TEST(OnnxHostileOpsTest, SplitsThatDoNotAddUp) {
  {
    OnnxModelBuilder b(13);
    b.Input("x", {2, 7}).Output("a").Output("b");
    b.IntInitializer("split", {2}, {3, 3});
    SetInt(b.Node("Split", {"x", "split"}, {"a", "b"}), "axis", 1);
    ExpectError(b, "add up to 6");
  }
  {
    OnnxModelBuilder b(13);
    b.Input("x", {2, 7}).Output("a").Output("b");
    SetInt(b.Node("Split", {"x"}, {"a", "b"}), "axis", 1);
    ExpectError(b, "equal parts");
  }
  {
    OnnxModelBuilder b(13);
    b.Input("x", {2, 7}).Output("a").Output("b");
    b.IntInitializer("split", {2}, {kMax, -kMax + 7});
    SetInt(b.Node("Split", {"x", "split"}, {"a", "b"}), "axis", 1);
    ExpectError(b, "split size");
  }
}

TEST(OnnxHostileOpsTest, ConvTransposeWithAbsurdShapes) {
  auto conv = [](const std::function<void(onnx::NodeProto&)>& damage) {
    OnnxModelBuilder b = OneNode("ConvTranspose", {1, 2, 3, 3}, {"w"});
    b.Initializer("w", {2, 1, 3, 3}, std::vector<float>(18, 0.5f));
    damage(Victim(b));
    return b;
  };
  ExpectError(conv([](onnx::NodeProto& n) {
                SetInts(n, "output_shape", {kHuge, 4});
              }),
              "output size");
  ExpectError(conv([](onnx::NodeProto& n) { SetInts(n, "strides", {0, 1}); }), "strides");
  ExpectError(conv([](onnx::NodeProto& n) { SetInt(n, "group", 0); }), "group 0");
  ExpectError(conv([](onnx::NodeProto& n) { SetInt(n, "group", 3); }), "group 3");
  ExpectError(conv([](onnx::NodeProto& n) { SetInts(n, "pads", {0, 0, -1, 0}); }), "pad -1");
  // Each factor allowed, the output far beyond the element limit.
  ExpectError(conv([](onnx::NodeProto& n) {
                SetInts(n, "strides", {1 << 20, 1 << 20});
              }),
              "exceed");
}

TEST(OnnxHostileOpsTest, FoldedArithmeticIsChecked) {
  auto reshape_by = [](const std::function<void(OnnxModelBuilder&)>& make_shape) {
    OnnxModelBuilder b = OneNode("Reshape", {2, 3}, {"shape"});
    make_shape(b);
    return b;
  };
  ExpectError(reshape_by([](OnnxModelBuilder& b) {
                b.IntInitializer("start", {}, {0});
                b.IntInitializer("limit", {}, {kMax});
                b.IntInitializer("delta", {}, {1});
                b.Node("Range", {"start", "limit", "delta"}, {"shape"});
              }),
              "exceeds the limit");
  ExpectError(reshape_by([](OnnxModelBuilder& b) {
                b.IntInitializer("start", {}, {0});
                b.IntInitializer("limit", {}, {10});
                b.IntInitializer("delta", {}, {0});
                b.Node("Range", {"start", "limit", "delta"}, {"shape"});
              }),
              "non-zero delta");
  ExpectError(reshape_by([](OnnxModelBuilder& b) {
                b.IntInitializer("base", {1}, {10});
                b.IntInitializer("exponent", {1}, {100});
                b.Node("Pow", {"base", "exponent"}, {"shape"});
              }),
              "overflows");
  ExpectError(reshape_by([](OnnxModelBuilder& b) {
                b.IntInitializer("a", {1}, {6});
                b.IntInitializer("zero", {1}, {0});
                b.Node("Mod", {"a", "zero"}, {"shape"});
              }),
              "divides by zero");
  ExpectError(reshape_by([](OnnxModelBuilder& b) {
                b.IntInitializer("v", {1}, {6});
                b.IntInitializer("repeats", {1}, {kHuge});
                b.Node("Tile", {"v", "repeats"}, {"shape"});
              }),
              "Tile repeat");
  ExpectError(reshape_by([](OnnxModelBuilder& b) {
                b.IntInitializer("v", {2}, {kMax, 2});
                b.IntInitializer("axes", {1}, {0});
                b.Node("ReduceProd", {"v"}, {"shape"});
              }),
              "overflows");
  ExpectError(reshape_by([](OnnxModelBuilder& b) {
                b.IntInitializer("c", {3}, {1, 0, 1});
                b.IntInitializer("p", {2}, {6, 1});
                b.IntInitializer("q", {2}, {1, 6});
                b.Node("Where", {"c", "p", "q"}, {"shape"});
              }),
              "do not broadcast");
}

TEST(OnnxHostileOpsTest, ExtremeSliceStepsStayWellDefined) {
  OnnxModelBuilder b = OneNode("Slice", {4, 6}, {"starts", "ends", "axes", "steps"});
  b.IntInitializer("starts", {2}, {kMax, kMin});
  b.IntInitializer("ends", {2}, {kMin, kMax});
  b.IntInitializer("axes", {2}, {0, 1});
  b.IntInitializer("steps", {2}, {kMin, kMax});
  const ir::Graph graph = ImportOnnx(b.Bytes(), "hostile");
  // Row 3 only (the first from the end), column 0 only.
  EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{1, 1}));
}

TEST(OnnxHostileOpsTest, MismatchedMatrices) {
  {
    OnnxModelBuilder b;
    b.Input("a", {2, 3}).Input("b", {4, 5}).Output("y");
    b.Node("MatMul", {"a", "b"}, {"y"});
    ExpectError(b, "MatMul");
  }
  {
    OnnxModelBuilder b = OneNode("Gemm", {2, 3}, {"w", "c"});
    b.Initializer("w", {3, 4}, std::vector<float>(12, 1.0f));
    b.Initializer("c", {3, 4}, std::vector<float>(12, 1.0f));
    SetFloat(Victim(b), "beta", 2.0f);
    ExpectError(b, "does not broadcast");
  }
}

}  // namespace
}  // namespace edgebench::formats
