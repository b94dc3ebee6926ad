// Input shapes given by the user: the --input-shape text, the ONNX importer binding a
// model's dynamic dims to them (shapes of the whole graph inferred from there), and zoo
// ids taking them as ID@HxW.
#include <gtest/gtest.h>

#include "backends/reference/reference_backend.h"
#include "formats/input_shapes.h"
#include "formats/model_source.h"
#include "formats/onnx.h"
#include "onnx_test_model.h"

namespace edgebench::formats {
namespace {

using onnx_test::OnnxModelBuilder;
using onnx_test::SetInt;
using onnx_test::SetInts;
using onnx_test::TestValues;

// x [dims] -> Conv 3x3 (4 filters, no padding) -> y. `dims` as SymbolicInput takes them.
OnnxModelBuilder ConvModel(const std::vector<std::string>& dims) {
  OnnxModelBuilder b;
  b.SymbolicInput("x", dims).Output("y");
  b.Initializer("w", {4, 2, 3, 3}, TestValues(4 * 2 * 3 * 3));
  b.Node("Conv", {"x", "w"}, {"y"});
  return b;
}

ir::Graph Import(const OnnxModelBuilder& b, const InputShapes& shapes) {
  OnnxImportOptions options;
  options.input_shapes = shapes;
  return ImportOnnx(b.Bytes(), "test", options);
}

std::string ShapeError(const OnnxModelBuilder& b, const InputShapes& shapes) {
  try {
    Import(b, shapes);
  } catch (const InputShapeError& error) {
    return error.what();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "another error type: " << error.what();
    return "";
  }
  ADD_FAILURE() << "import succeeded";
  return "";
}

const ir::Shape& InputShape(const ir::Graph& graph, size_t i = 0) {
  return graph.value(graph.inputs().at(i)).shape;
}
const ir::Shape& OutputShape(const ir::Graph& graph) {
  return graph.value(graph.outputs().at(0)).shape;
}

TEST(InputShapesTextTest, ParsesNamesAndBareShapes) {
  EXPECT_EQ(ParseInputShapes("x:1x3x224x224,y:2"),
            (InputShapes{{"x", {1, 3, 224, 224}}, {"y", {2}}}));
  EXPECT_EQ(ParseInputShapes("1x3x8x8"), (InputShapes{{"", {1, 3, 8, 8}}}));
  // A name ends at its last ':' (TensorFlow exports name inputs "input:0").
  EXPECT_EQ(ParseInputShapes("input:0:1x4"), (InputShapes{{"input:0", {1, 4}}}));
  EXPECT_TRUE(ParseInputShapes("").empty());
}

TEST(InputShapesTextTest, CanonicalTextIsOrderedAndReadsBack) {
  const InputShapes shapes = ParseInputShapes("y:2,x:1x3");
  EXPECT_EQ(FormatInputShapes(shapes), "x:1x3,y:2");
  EXPECT_EQ(ParseInputShapes(FormatInputShapes(shapes)), shapes);
  EXPECT_EQ(FormatInputShapes({{"", {1, 3}}}), "1x3");
  EXPECT_EQ(FormatInputShapes({}), "");
}

TEST(InputShapesTextTest, MalformedTextIsAnInputShapeError) {
  for (const char* text : {",", "x:1x3,", ":1x3", "x:", "x", "x:0x3", "x:1x-3", "x:1xx3", "x:1x3x",
                           "x:1.5", "x:1x3,x:1x3", "1x3,x:1x3", "1x3,2x3"}) {
    EXPECT_THROW(ParseInputShapes(text), InputShapeError) << text;
  }
}

TEST(OnnxInputShapeTest, DynamicDimsBindToTheGivenShapeAndShapesFollow) {
  const OnnxModelBuilder b = ConvModel({"batch", "2", "height", "width"});
  // A 3x3 valid convolution takes 2 from each spatial dim.
  ir::Graph graph = Import(b, {{"x", {1, 2, 8, 7}}});
  EXPECT_EQ(InputShape(graph), (ir::Shape{1, 2, 8, 7}));
  EXPECT_EQ(OutputShape(graph), (ir::Shape{1, 4, 6, 5}));
  graph = Import(b, {{"x", {3, 2, 5, 5}}});
  EXPECT_EQ(OutputShape(graph), (ir::Shape{3, 4, 3, 3}));
  // A bare shape is the only input's.
  EXPECT_EQ(InputShape(Import(b, {{"", {1, 2, 4, 4}}})), (ir::Shape{1, 2, 4, 4}));
  // Unknown dims (no value, no name) bind the same way.
  EXPECT_EQ(OutputShape(Import(ConvModel({"", "2", "", ""}), {{"x", {2, 2, 4, 6}}})),
            (ir::Shape{2, 4, 2, 4}));
}

TEST(OnnxInputShapeTest, BoundModelComputesWhatTheFixedModelComputes) {
  ir::Graph dynamic = Import(ConvModel({"batch", "2", "height", "width"}), {{"x", {1, 2, 6, 5}}});
  ir::Graph fixed = Import(ConvModel({"1", "2", "6", "5"}), {});
  const backends::HostTensor input({1, 2, 6, 5}, TestValues(60, 9));
  std::vector<backends::HostTensor> a, b;
  ASSERT_TRUE(backends::reference::RunReference(dynamic, {input}, a).ok);
  ASSERT_TRUE(backends::reference::RunReference(fixed, {input}, b).ok);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].shape, b[0].shape);
  EXPECT_EQ(a[0].data, b[0].data);
}

TEST(OnnxInputShapeTest, ShapeMustAgreeWithEveryFixedDimAndTheRank) {
  const OnnxModelBuilder b = ConvModel({"batch", "2", "height", "width"});
  std::string error = ShapeError(b, {{"x", {1, 3, 8, 8}}});
  EXPECT_NE(error.find("has 3 at position 1, where the model fixes 2"), std::string::npos) << error;
  EXPECT_NE(error.find("x: batch x 2 x height x width"), std::string::npos) << error;
  error = ShapeError(b, {{"x", {1, 2, 8}}});
  EXPECT_NE(error.find("has 3 dims; the model declares 4"), std::string::npos) << error;
  error = ShapeError(b, {{"x", {1, 2, 0, 8}}});
  EXPECT_NE(error.find("below 1"), std::string::npos) << error;
}

TEST(OnnxInputShapeTest, UnknownInputNamesListTheModelsInputs) {
  OnnxModelBuilder b = ConvModel({"N", "2", "H", "W"});
  b.Initializer("bias_as_input", {4}, TestValues(4));
  // Old exporters list initializers as inputs: those are weights, not inputs to shape.
  b.Input("bias_as_input", {4});
  b.Input("ids", {1, 4}, onnx::TensorProto::INT64);
  std::string error = ShapeError(b, {{"nope", {1}}});
  EXPECT_NE(error.find("'nope', which is not an input of the model"), std::string::npos) << error;
  EXPECT_NE(error.find("x: N x 2 x H x W; ids: INT64 1 x 4"), std::string::npos) << error;
  error = ShapeError(b, {{"bias_as_input", {4}}});
  EXPECT_NE(error.find("not an input of the model"), std::string::npos) << error;
  error = ShapeError(b, {{"x", {1, 2, 8, 8}}, {"ids", {1, 4}}});
  EXPECT_NE(error.find("element type INT64"), std::string::npos) << error;
  // Two run-time inputs: a nameless shape cannot say which.
  error = ShapeError(b, {{"", {1, 2, 8, 8}}});
  EXPECT_NE(error.find("needs a model with one input; this one has 2"), std::string::npos) << error;
}

TEST(OnnxInputShapeTest, UnsettledDynamicDimsAreNamedWithTheOptionToSettleThem) {
  const OnnxModelBuilder b = ConvModel({"batch", "2", "height", ""});
  const std::string error = ShapeError(b, {});
  EXPECT_NE(error.find("'height' at position 2, '?' at position 3"), std::string::npos) << error;
  EXPECT_NE(error.find("--input-shape 'x:1x2x<height>x<dim3>'"), std::string::npos) << error;
  // Only a symbolic batch: one image at a time, as before input shapes existed.
  EXPECT_EQ(InputShape(Import(ConvModel({"batch", "2", "5", "5"}), {})), (ir::Shape{1, 2, 5, 5}));
}

TEST(OnnxInputShapeTest, InputWithoutADeclaredShapeTakesTheGivenOne) {
  OnnxModelBuilder b;
  b.Input("x", {}).Output("y");
  b.model().mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  b.Node("Relu", {"x"}, {"y"});
  EXPECT_NE(ShapeError(b, {}).find("declares no shape"), std::string::npos);
  EXPECT_EQ(OutputShape(Import(b, {{"x", {2, 3}}})), (ir::Shape{2, 3}));
}

TEST(OnnxInputShapeTest, EachOfSeveralInputsBindsItsOwnShape) {
  OnnxModelBuilder b;
  b.SymbolicInput("a", {"n", "c"}).SymbolicInput("b", {"n", "c"}).Output("y");
  b.Node("Add", {"a", "b"}, {"y"});
  const ir::Graph graph = Import(b, {{"a", {2, 5}}, {"b", {2, 5}}});
  ASSERT_EQ(graph.inputs().size(), 2u);
  EXPECT_EQ(InputShape(graph, 0), (ir::Shape{2, 5}));
  EXPECT_EQ(InputShape(graph, 1), (ir::Shape{2, 5}));
  EXPECT_EQ(OutputShape(graph), (ir::Shape{2, 5}));
  // One left unsettled is named.
  EXPECT_NE(ShapeError(b, {{"a", {2, 5}}}).find("graph input 'b'"), std::string::npos);
}

TEST(ZooInputShapeTest, ShapesBecomeTheZoosSizeSyntax) {
  EXPECT_EQ(ZooIdWithInputShapes("resnet-18", {}), "resnet-18");
  EXPECT_EQ(ZooIdWithInputShapes("resnet-18", {{"", {1, 3, 160, 160}}}), "resnet-18@160x160");
  EXPECT_EQ(ZooIdWithInputShapes("resnet-18", {{"input", {1, 3, 160, 128}}}), "resnet-18@160x128");
  EXPECT_EQ(ZooIdWithInputShapes("resnet-18", {{"", {1, 3, 224, 224}}}), "resnet-18");
  EXPECT_EQ(ZooIdWithInputShapes("c3d", {{"", {1, 3, 8, 64, 64}}}), "c3d@8x64x64");
  EXPECT_EQ(ZooIdWithInputShapes("yolov3@320", {{"", {1, 3, 320, 320}}}), "yolov3@320x320");
  for (const InputShapes& bad :
       {InputShapes{{"", {1, 4, 160, 160}}}, InputShapes{{"", {2, 3, 160, 160}}},
        InputShapes{{"", {1, 3, 160}}}, InputShapes{{"image", {1, 3, 160, 160}}},
        InputShapes{{"", {1, 3, 99999, 99999}}}}) {
    EXPECT_THROW(ZooIdWithInputShapes("resnet-18", bad), InputShapeError) << FormatInputShapes(bad);
  }
  EXPECT_THROW(ZooIdWithInputShapes("yolov3@320", {{"", {1, 3, 416, 416}}}), InputShapeError);
  EXPECT_EQ(LoadModelStructure("cifarnet", {{"", {1, 3, 64, 64}}}).name(), "cifarnet@64x64");
}

}  // namespace
}  // namespace edgebench::formats
