// Op mapping of the ONNX importer on small hand-built models: each test pins one rule
// (auto_pad, Gemm transposition, bias folding, legacy Softmax, shape folding, ...).
#include <gtest/gtest.h>

#include <cmath>

#include "backends/reference/reference_backend.h"
#include "formats/onnx.h"
#include "onnx_test_model.h"

namespace edgebench::formats {
namespace {

using onnx_test::OnnxModelBuilder;
using onnx_test::SetFloat;
using onnx_test::SetInt;
using onnx_test::SetInts;
using onnx_test::SetString;
using onnx_test::TestValues;

std::vector<ir::OpKind> Ops(const ir::Graph& graph) {
  std::vector<ir::OpKind> ops;
  for (ir::NodeId id : graph.ExecutionOrder()) ops.push_back(graph.node(id).op);
  return ops;
}

const ir::Node& OnlyNode(const ir::Graph& graph) {
  EXPECT_EQ(graph.nodes().size(), 1u);
  return graph.nodes().front();
}

backends::HostTensor RunOne(const ir::Graph& graph, const backends::HostTensor& input) {
  std::vector<backends::HostTensor> outputs;
  const backends::Status status = backends::reference::RunReference(graph, {input}, outputs);
  EXPECT_TRUE(status.ok) << status.message;
  return outputs.empty() ? backends::HostTensor{} : outputs.front();
}

template <typename Error>
std::string ImportError(const std::string& bytes) {
  try {
    ImportOnnx(bytes, "test");
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "import succeeded or threw another error type";
  return "";
}

OnnxModelBuilder ConvModel(const std::vector<int64_t>& x_dims, const std::vector<int64_t>& w_dims) {
  OnnxModelBuilder b;
  b.Input("x", x_dims).Output("y");
  int64_t count = 1;
  for (int64_t d : w_dims) count *= d;
  b.Initializer("w", w_dims, TestValues(static_cast<size_t>(count)));
  return b;
}

TEST(OnnxImportTest, ConvKeepsAttributesAndWeights) {
  OnnxModelBuilder b = ConvModel({1, 2, 5, 5}, {4, 2, 3, 3});
  b.Initializer("b", {4}, {0.5f, -0.5f, 1.0f, 0.0f});
  onnx::NodeProto& conv = b.Node("Conv", {"x", "w", "b"}, {"y"}, "conv1");
  SetInts(conv, "pads", {1, 0, 2, 1});
  SetInts(conv, "strides", {2, 1});
  SetInts(conv, "dilations", {1, 2});
  SetInts(conv, "kernel_shape", {3, 3});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  const ir::Node& node = OnlyNode(graph);
  ASSERT_EQ(node.op, ir::OpKind::kConv);
  EXPECT_EQ(node.name, "conv1");
  const auto& attrs = std::get<ir::ConvAttrs>(node.attrs);
  EXPECT_EQ(attrs.pads_begin, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(attrs.pads_end, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(attrs.strides, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(attrs.dilations, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(graph.value(node.inputs[1]).data, TestValues(72));
  EXPECT_EQ(graph.value(node.inputs[1]).role, ir::WeightRole::kWeight);
  EXPECT_EQ(graph.value(node.inputs[2]).role, ir::WeightRole::kBias);
  EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{1, 4, 3, 2}));
  EXPECT_EQ(graph.inputs().size(), 1u);
}

TEST(OnnxImportTest, ConvAutoPadResolvesFromShapes) {
  for (const auto& [mode, begin, end] :
       {std::tuple{"SAME_UPPER", 0, 1}, std::tuple{"SAME_LOWER", 1, 0},
        std::tuple{"VALID", 0, 0}}) {
    OnnxModelBuilder b = ConvModel({1, 1, 5, 5}, {1, 1, 2, 2});
    SetString(b.Node("Conv", {"x", "w"}, {"y"}), "auto_pad", mode);
    const ir::Graph graph = ImportOnnx(b.Bytes());
    const auto& attrs = std::get<ir::ConvAttrs>(OnlyNode(graph).attrs);
    EXPECT_EQ(attrs.pads_begin, (std::vector<int64_t>{begin, begin})) << mode;
    EXPECT_EQ(attrs.pads_end, (std::vector<int64_t>{end, end})) << mode;
  }
  // Stride 2, kernel 3 on 5: three outputs need two pad pixels, one on each side.
  OnnxModelBuilder b = ConvModel({1, 1, 5, 5}, {1, 1, 3, 3});
  onnx::NodeProto& conv = b.Node("Conv", {"x", "w"}, {"y"});
  SetString(conv, "auto_pad", "SAME_UPPER");
  SetInts(conv, "strides", {2, 2});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  EXPECT_EQ(std::get<ir::ConvAttrs>(OnlyNode(graph).attrs).pads_begin,
            (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{1, 1, 3, 3}));
}

TEST(OnnxImportTest, OneDimensionalConvIsUnsupported) {
  OnnxModelBuilder b = ConvModel({1, 2, 8}, {3, 2, 3});
  b.Node("Conv", {"x", "w"}, {"y"});
  EXPECT_NE(ImportError<UnsupportedModelError>(b.Bytes()).find("rank-3"), std::string::npos);
}

TEST(OnnxImportTest, GemmWithoutTransBTransposesTheWeight) {
  OnnxModelBuilder b;
  b.Input("a", {2, 3}).Output("y");
  const std::vector<float> weights = TestValues(12, 7);  // [K=3, N=4]
  b.Initializer("b", {3, 4}, weights);
  b.Initializer("c", {1, 4}, {1, 2, 3, 4});
  b.Node("Gemm", {"a", "b", "c"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  const ir::Node& node = OnlyNode(graph);
  ASSERT_EQ(node.op, ir::OpKind::kFullyConnected);
  EXPECT_EQ(graph.value(node.inputs[1]).shape, (ir::Shape{4, 3}));
  const std::vector<float> a = TestValues(6, 3);
  const backends::HostTensor y = RunOne(graph, backends::HostTensor({2, 3}, a));
  ASSERT_EQ(y.shape, (ir::Shape{2, 4}));
  for (int m = 0; m < 2; ++m) {
    for (int n = 0; n < 4; ++n) {
      double expected = n + 1;
      for (int k = 0; k < 3; ++k) expected += double{a[m * 3 + k]} * weights[k * 4 + n];
      EXPECT_NEAR(y.data[m * 4 + n], expected, 1e-6);
    }
  }
}

TEST(OnnxImportTest, GemmScalingKeepsTheWeightsAndScalesTheProduct) {
  OnnxModelBuilder b;
  b.Input("a", {1, 3}).Output("y");
  const std::vector<float> weights = TestValues(12);  // [N=4, K=3]
  b.Initializer("b", {4, 3}, weights);
  onnx::NodeProto& gemm = b.Node("Gemm", {"a", "b"}, {"y"}, "gemm");
  SetInt(gemm, "transB", 1);
  SetFloat(gemm, "alpha", 2.0f);
  const ir::Graph graph = ImportOnnx(b.Bytes());
  ASSERT_EQ(Ops(graph), (std::vector<ir::OpKind>{ir::OpKind::kFullyConnected, ir::OpKind::kMul}));
  const ir::Node& fc = graph.node(graph.ExecutionOrder()[0]);
  EXPECT_EQ(graph.value(fc.inputs[1]).data, weights);  // not pre-scaled
  const ir::Node& scale = graph.node(graph.ExecutionOrder()[1]);
  EXPECT_EQ(scale.name, "gemm");
  EXPECT_EQ(graph.value(scale.inputs[1]).data, (std::vector<float>{2.0f}));
  EXPECT_EQ(graph.value(graph.outputs()[0]).name, "y");
}

TEST(OnnxImportTest, MatMulPlusBiasBecomesOneFullyConnected) {
  OnnxModelBuilder b;
  b.Input("a", {1, 3}).Output("y");
  b.Initializer("w", {3, 2}, TestValues(6));
  b.Initializer("bias", {2}, {10, 20});
  b.Node("MatMul", {"a", "w"}, {"t"});
  b.Node("Add", {"t", "bias"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  const ir::Node& node = OnlyNode(graph);
  ASSERT_EQ(node.op, ir::OpKind::kFullyConnected);
  ASSERT_EQ(node.inputs.size(), 3u);
  EXPECT_EQ(graph.value(node.inputs[2]).data, (std::vector<float>{10, 20}));
}

TEST(OnnxImportTest, ChannelBiasAddFoldsIntoConv) {
  OnnxModelBuilder b = ConvModel({1, 2, 4, 4}, {3, 2, 1, 1});
  b.Initializer("bias", {3, 1, 1}, {1, 2, 3});
  b.Node("Conv", {"x", "w"}, {"c"});
  b.Node("Add", {"bias", "c"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  const ir::Node& node = OnlyNode(graph);
  ASSERT_EQ(node.inputs.size(), 3u);
  EXPECT_EQ(graph.value(node.inputs[2]).data, (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(graph.outputs()[0], node.outputs[0]);
}

TEST(OnnxImportTest, BroadcastAddElsewhereStaysAnAdd) {
  OnnxModelBuilder b;
  b.Input("x", {1, 3, 2, 2}).Output("y");
  b.Initializer("bias", {3, 1, 1}, {1, 2, 3});
  b.Node("Relu", {"x"}, {"r"});
  b.Node("Add", {"r", "bias"}, {"y"}, "badd");
  const ir::Graph graph = ImportOnnx(b.Bytes());
  ASSERT_EQ(Ops(graph), (std::vector<ir::OpKind>{ir::OpKind::kRelu, ir::OpKind::kAdd}));
  const ir::Node& add = graph.node(graph.ExecutionOrder()[1]);
  EXPECT_EQ(graph.value(add.inputs[1]).shape, (ir::Shape{3, 1, 1}));
  EXPECT_EQ(graph.value(add.outputs[0]).shape, (ir::Shape{1, 3, 2, 2}));
}

TEST(OnnxImportTest, BiasIsNotFoldedIntoAnOutputSeenElsewhere) {
  OnnxModelBuilder b = ConvModel({1, 2, 4, 4}, {3, 2, 1, 1});
  b.Output("z");
  b.Initializer("bias", {1, 3, 1, 1}, {1, 2, 3});
  b.Node("Conv", {"x", "w"}, {"c"});
  b.Node("Identity", {"c"}, {"d"});
  b.Node("Add", {"d", "bias"}, {"y"});
  b.Node("Relu", {"c"}, {"z"});  // must not see the bias
  const ir::Graph graph = ImportOnnx(b.Bytes());
  ASSERT_EQ(Ops(graph),
            (std::vector<ir::OpKind>{ir::OpKind::kConv, ir::OpKind::kAdd, ir::OpKind::kRelu}));
  EXPECT_EQ(graph.node(graph.ExecutionOrder()[0]).inputs.size(), 2u);
}

TEST(OnnxImportTest, InputsOfOtherTypesMatterOnlyWhenUsed) {
  OnnxModelBuilder b;
  b.Input("x", {1, 4}).Input("unused", {3}, onnx::TensorProto::INT64).Output("y");
  b.Node("Relu", {"x"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  ASSERT_EQ(graph.inputs().size(), 1u);
  OnnxModelBuilder used;
  used.Input("x", {1, 4}, onnx::TensorProto::INT32).Output("y");
  used.Node("Relu", {"x"}, {"y"});
  EXPECT_NE(ImportError<UnsupportedModelError>(used.Bytes()).find("element type INT32"),
            std::string::npos);
}

TEST(OnnxImportTest, ClipMapsToRelu6ReluOrClip) {
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 4}).Output("y");
    b.Initializer("lo", {}, {0});
    b.Initializer("hi", {}, {6});
    b.Node("Clip", {"x", "lo", "hi"}, {"y"});
    EXPECT_EQ(OnlyNode(ImportOnnx(b.Bytes())).op, ir::OpKind::kRelu6);
  }
  {
    OnnxModelBuilder b(6);
    b.Input("x", {1, 4}).Output("y");
    SetFloat(b.Node("Clip", {"x"}, {"y"}), "min", 0.0f);
    EXPECT_EQ(OnlyNode(ImportOnnx(b.Bytes())).op, ir::OpKind::kRelu);
  }
  {
    OnnxModelBuilder b(6);
    b.Input("x", {1, 4}).Output("y");
    onnx::NodeProto& clip = b.Node("Clip", {"x"}, {"y"});
    SetFloat(clip, "min", -1.0f);
    SetFloat(clip, "max", 1.0f);
    const ir::Graph graph = ImportOnnx(b.Bytes());
    const ir::Node& node = OnlyNode(graph);
    ASSERT_EQ(node.op, ir::OpKind::kClip);
    EXPECT_EQ(std::get<ir::ClipAttrs>(node.attrs).min, -1.0f);
    EXPECT_EQ(std::get<ir::ClipAttrs>(node.attrs).max, 1.0f);
  }
  {  // opset 11+: a missing bound is unbounded
    OnnxModelBuilder b;
    b.Input("x", {1, 4}).Output("y");
    b.Initializer("hi", {}, {2.5f});
    b.Node("Clip", {"x", "", "hi"}, {"y"});
    const ir::Graph graph = ImportOnnx(b.Bytes());
    const ir::Node& node = OnlyNode(graph);
    ASSERT_EQ(node.op, ir::OpKind::kClip);
    EXPECT_EQ(std::get<ir::ClipAttrs>(node.attrs).min, -INFINITY);
    EXPECT_EQ(std::get<ir::ClipAttrs>(node.attrs).max, 2.5f);
  }
}

TEST(OnnxImportTest, LegacySoftmaxOnlyWhenOneAxisIsWide) {
  auto import = [](int64_t opset, const std::vector<int64_t>& dims) {
    OnnxModelBuilder b(opset);
    b.Input("x", dims).Output("y");
    SetInt(b.Node("Softmax", {"x"}, {"y"}), "axis", 1);
    return ImportOnnx(b.Bytes());
  };
  EXPECT_EQ(std::get<ir::SoftmaxAttrs>(OnlyNode(import(11, {2, 10})).attrs).axis, 1);
  EXPECT_EQ(std::get<ir::SoftmaxAttrs>(OnlyNode(import(11, {1, 10, 1, 1})).attrs).axis, 1);
  EXPECT_EQ(std::get<ir::SoftmaxAttrs>(OnlyNode(import(11, {1, 1, 1, 7})).attrs).axis, 3);
  EXPECT_EQ(std::get<ir::SoftmaxAttrs>(OnlyNode(import(13, {1, 3, 4, 4})).attrs).axis, 1);
  EXPECT_THROW(import(11, {1, 3, 4, 4}), UnsupportedModelError);
}

// PyTorch's x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
TEST(OnnxImportTest, ShapeArithmeticFoldsIntoReshape) {
  for (int64_t opset : {11, 13}) {
    OnnxModelBuilder b(opset);
    b.Input("x", {1, 2, 3, 3}).Output("y");
    b.IntInitializer("zero", {}, {0});
    b.IntInitializer("minus_one", {1}, {-1});
    b.Node("Shape", {"x"}, {"shape"});
    b.Node("Gather", {"shape", "zero"}, {"batch"});
    if (opset < 13) {
      SetInts(b.Node("Unsqueeze", {"batch"}, {"batch1"}), "axes", {0});
    } else {
      b.IntInitializer("axes", {1}, {0});
      b.Node("Unsqueeze", {"batch", "axes"}, {"batch1"});
    }
    SetInt(b.Node("Concat", {"batch1", "minus_one"}, {"target"}), "axis", 0);
    b.Node("Reshape", {"x", "target"}, {"y"});
    const ir::Graph graph = ImportOnnx(b.Bytes());
    const ir::Node& node = OnlyNode(graph);
    ASSERT_EQ(node.op, ir::OpKind::kReshape);
    EXPECT_EQ(std::get<ir::ReshapeAttrs>(node.attrs).shape, (std::vector<int64_t>{1, -1}));
    EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{1, 18}));
  }
}

TEST(OnnxImportTest, DropoutAndIdentityDisappear) {
  OnnxModelBuilder b;
  b.Input("x", {1, 4}).Output("y");
  b.Node("Relu", {"x"}, {"r"});
  b.Node("Dropout", {"r"}, {"d"});
  b.Node("Identity", {"d"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  EXPECT_EQ(Ops(graph), (std::vector<ir::OpKind>{ir::OpKind::kRelu}));
  EXPECT_EQ(graph.outputs()[0], graph.nodes()[0].outputs[0]);
}

TEST(OnnxImportTest, InitializersListedAsInputsAreWeights) {
  OnnxModelBuilder b = ConvModel({1, 1, 3, 3}, {1, 1, 1, 1});
  b.Input("w", {1, 1, 1, 1});
  b.Node("Conv", {"x", "w"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  ASSERT_EQ(graph.inputs().size(), 1u);
  EXPECT_EQ(graph.value(graph.inputs()[0]).name, "x");
}

TEST(OnnxImportTest, NodeOrderAndNamesDoNotMatter) {
  OnnxModelBuilder b;
  b.Input("x", {1, 4}).Output("y");
  b.Node("Sigmoid", {"b"}, {"y"}, "same");
  b.Node("Relu", {"a"}, {"b"}, "same");
  b.Node("Relu", {"x"}, {"a"}, "");
  const ir::Graph graph = ImportOnnx(b.Bytes());
  EXPECT_EQ(Ops(graph),
            (std::vector<ir::OpKind>{ir::OpKind::kRelu, ir::OpKind::kRelu, ir::OpKind::kSigmoid}));
  std::set<std::string> names;
  for (const ir::Node& node : graph.nodes()) names.insert(node.name);
  EXPECT_EQ(names.size(), 3u);
  EXPECT_TRUE(names.contains("same"));
}

TEST(OnnxImportTest, NearestResizeByIntegerScalesIsUpsampling) {
  {  // opset 13 Resize by scales, default half_pixel / round_prefer_floor
    OnnxModelBuilder b;
    b.Input("x", {1, 2, 3, 3}).Output("y");
    b.Initializer("scales", {4}, {1, 1, 3, 2});
    SetString(b.Node("Resize", {"x", "", "scales"}, {"y"}), "mode", "nearest");
    const ir::Graph graph = ImportOnnx(b.Bytes());
    EXPECT_EQ(std::get<ir::UpsampleAttrs>(OnlyNode(graph).attrs).scales,
              (std::vector<int64_t>{3, 2}));
  }
  {  // opset 9 Upsample
    OnnxModelBuilder b(9);
    b.Input("x", {1, 2, 3, 3}).Output("y");
    b.Initializer("scales", {4}, {1, 1, 2, 2});
    b.Node("Upsample", {"x", "scales"}, {"y"});
    EXPECT_EQ(OnlyNode(ImportOnnx(b.Bytes())).op, ir::OpKind::kUpsampleNearest);
  }
}

TEST(OnnxImportTest, OtherResizesKeepTheirOnnxMeaning) {
  {  // sizes: kResize, scale = size / input
    OnnxModelBuilder b;
    b.Input("x", {1, 2, 3, 3}).Output("y");
    b.IntInitializer("sizes", {4}, {1, 2, 9, 6});
    SetString(b.Node("Resize", {"x", "", "", "sizes"}, {"y"}), "mode", "nearest");
    const ir::Graph graph = ImportOnnx(b.Bytes());
    const ir::Node& node = OnlyNode(graph);
    ASSERT_EQ(node.op, ir::OpKind::kResize);
    const auto& resize = std::get<ir::ResizeAttrs>(node.attrs);
    EXPECT_EQ(resize.sizes, (std::vector<int64_t>{1, 2, 9, 6}));
    EXPECT_EQ(resize.scales, (std::vector<float>{1, 1, 3, 2}));
    EXPECT_EQ(resize.coordinates, ir::ResizeCoordinates::kHalfPixel);
    EXPECT_EQ(resize.nearest, ir::ResizeNearest::kRoundPreferFloor);
  }
  {  // asymmetric + round_prefer_ceil reads the next pixel: not replication
    OnnxModelBuilder b;
    b.Input("x", {1, 2, 3, 3}).Output("y");
    b.Initializer("scales", {4}, {1, 1, 2, 2});
    onnx::NodeProto& resize = b.Node("Resize", {"x", "", "scales"}, {"y"});
    SetString(resize, "mode", "nearest");
    SetString(resize, "coordinate_transformation_mode", "asymmetric");
    SetString(resize, "nearest_mode", "round_prefer_ceil");
    const ir::Graph graph = ImportOnnx(b.Bytes());
    const ir::Node& node = OnlyNode(graph);
    ASSERT_EQ(node.op, ir::OpKind::kResize);
    EXPECT_EQ(std::get<ir::ResizeAttrs>(node.attrs).nearest, ir::ResizeNearest::kRoundPreferCeil);
    EXPECT_EQ(std::get<ir::ResizeAttrs>(node.attrs).sizes, (std::vector<int64_t>{1, 2, 6, 6}));
  }
  {  // fractional linear down-scaling: floor(4 * 0.6) = 2
    OnnxModelBuilder b;
    b.Input("x", {1, 2, 4, 4}).Output("y");
    b.Initializer("scales", {4}, {1, 1, 0.6f, 0.6f});
    onnx::NodeProto& resize = b.Node("Resize", {"x", "", "scales"}, {"y"});
    SetString(resize, "mode", "linear");
    SetString(resize, "coordinate_transformation_mode", "align_corners");
    const ir::Graph graph = ImportOnnx(b.Bytes());
    const auto& attrs = std::get<ir::ResizeAttrs>(OnlyNode(graph).attrs);
    EXPECT_EQ(attrs.mode, ir::ResizeMode::kLinear);
    EXPECT_EQ(attrs.coordinates, ir::ResizeCoordinates::kAlignCorners);
    EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{1, 2, 2, 2}));
  }
  for (const char* mode : {"tf_crop_and_resize", "tf_half_pixel_for_nn", "half_pixel_symmetric"}) {
    OnnxModelBuilder b;
    b.Input("x", {1, 2, 4, 4}).Output("y");
    b.Initializer("scales", {4}, {1, 1, 1.5f, 1.5f});
    onnx::NodeProto& resize = b.Node("Resize", {"x", "", "scales"}, {"y"});
    SetString(resize, "mode", "nearest");
    SetString(resize, "coordinate_transformation_mode", mode);
    EXPECT_NE(ImportError<UnsupportedModelError>(b.Bytes()).find(mode), std::string::npos);
  }
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 2, 4, 4}).Output("y");
    b.Initializer("scales", {4}, {1, 1, 2, 2});
    SetString(b.Node("Resize", {"x", "", "scales"}, {"y"}), "mode", "cubic");
    EXPECT_NE(ImportError<UnsupportedModelError>(b.Bytes()).find("cubic"), std::string::npos);
  }
}

TEST(OnnxImportTest, SymbolicBatchBecomesOneOtherDynamicDimsAreRefused) {
  {
    OnnxModelBuilder b;
    b.Input("x", {-1, 4}).Output("y");
    b.Node("Relu", {"x"}, {"y"});
    const ir::Graph graph = ImportOnnx(b.Bytes());
    EXPECT_EQ(graph.value(graph.inputs()[0]).shape, (ir::Shape{1, 4}));
  }
  OnnxModelBuilder b;
  b.Input("x", {1, -1}).Output("y");
  b.Node("Relu", {"x"}, {"y"});
  // Still an UnsupportedModelError to callers that know no better; the message says how
  // to settle the dim.
  EXPECT_NE(ImportError<UnsupportedModelError>(b.Bytes()).find("--input-shape 'x:1x<N>'"),
            std::string::npos);
  EXPECT_NE(ImportError<InputShapeError>(b.Bytes()).find("'N' at position 1"), std::string::npos);
}

TEST(OnnxImportTest, LayersWithoutWeights) {
  OnnxModelBuilder b(11);
  b.Input("x", {1, 4, 6, 6}).Output("y");
  b.Initializer("scale", {4}, {1, 2, 3, 4});
  b.Initializer("shift", {4}, {0, 1, 0, 1});
  b.Initializer("mean", {4}, {0, 0, 1, 1});
  b.Initializer("var", {4}, {1, 1, 2, 2});
  SetFloat(b.Node("BatchNormalization", {"x", "scale", "shift", "mean", "var"}, {"bn"}), "epsilon",
           1e-3f);
  onnx::NodeProto& max_pool = b.Node("MaxPool", {"bn"}, {"mp"});
  SetInts(max_pool, "kernel_shape", {3, 3});
  SetInts(max_pool, "strides", {2, 2});
  SetInt(max_pool, "ceil_mode", 1);
  onnx::NodeProto& avg_pool = b.Node("AveragePool", {"bn"}, {"ap"});
  SetInts(avg_pool, "kernel_shape", {3, 3});
  SetInts(avg_pool, "pads", {1, 1, 1, 1});
  SetInts(avg_pool, "strides", {2, 2});
  SetInt(avg_pool, "count_include_pad", 1);
  SetInt(b.Node("LRN", {"mp"}, {"lrn"}), "size", 3);
  SetFloat(b.Node("LeakyRelu", {"ap"}, {"lr"}), "alpha", 0.2f);
  b.Node("Sum", {"lrn", "lr", "lrn"}, {"sum"});
  b.Node("Sigmoid", {"sum"}, {"s"});
  SetInt(b.Node("Concat", {"s", "sum"}, {"cat"}), "axis", 1);
  b.Node("GlobalAveragePool", {"cat"}, {"gap"});
  b.Node("Flatten", {"gap"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  EXPECT_EQ(graph.nodes().size(), 11u);
  EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{1, 8}));
  for (const ir::Node& node : graph.nodes()) {
    if (node.op == ir::OpKind::kMaxPool) {
      EXPECT_TRUE(std::get<ir::PoolAttrs>(node.attrs).ceil_mode);
    }
    if (node.op == ir::OpKind::kAvgPool) {
      EXPECT_TRUE(std::get<ir::PoolAttrs>(node.attrs).count_include_pad);
    }
    if (node.op == ir::OpKind::kLeakyRelu) {
      EXPECT_EQ(std::get<ir::LeakyReluAttrs>(node.attrs).alpha, 0.2f);
    }
    if (node.op == ir::OpKind::kBatchNorm) {
      EXPECT_EQ(std::get<ir::BatchNormAttrs>(node.attrs).epsilon, 1e-3f);
    }
  }
  const backends::HostTensor y = RunOne(graph, backends::HostTensor({1, 4, 6, 6}, TestValues(144)));
  for (float v : y.data) EXPECT_TRUE(std::isfinite(v));
}

TEST(OnnxImportTest, ConstantInputsBindOnlyWhereConstantsAreNeeded) {
  OnnxModelBuilder b;
  b.Input("x", {1, 1, 3, 3}).Input("w", {1, 1, 1, 1}).Output("y");
  b.Node("Conv", {"x", "w"}, {"y"});
  onnx::TensorProto w;
  w.set_data_type(onnx::TensorProto::FLOAT);
  for (int i = 0; i < 4; ++i) w.add_dims(1);
  w.add_float_data(2.0f);
  OnnxImportOptions options;
  options.constant_inputs["w"] = w.SerializeAsString();
  options.constant_inputs["x"] = w.SerializeAsString();  // x feeds an activation slot
  const ir::Graph graph = ImportOnnx(b.Bytes(), "bound", options);
  ASSERT_EQ(graph.inputs().size(), 1u);
  EXPECT_EQ(graph.value(graph.inputs()[0]).name, "x");
  EXPECT_EQ(graph.value(graph.nodes()[0].inputs[1]).data, (std::vector<float>{2.0f}));
  // Without the binding, the weight is a run-time input: not expressible.
  ImportError<UnsupportedModelError>(b.Bytes());
}

TEST(OnnxImportTest, ReadsTensorFiles) {
  onnx::TensorProto t;
  t.set_name("t");
  t.set_data_type(onnx::TensorProto::DOUBLE);
  t.add_dims(2);
  t.add_double_data(1.5);
  t.add_double_data(-2.0);
  const OnnxTensor tensor = ReadOnnxTensor(t.SerializeAsString());
  EXPECT_EQ(tensor.name, "t");
  EXPECT_EQ(tensor.shape, (ir::Shape{2}));
  EXPECT_EQ(tensor.data, (std::vector<float>{1.5f, -2.0f}));
  onnx::TensorProto half;
  half.set_data_type(onnx::TensorProto::FLOAT16);
  half.add_dims(3);
  half.add_int32_data(0x3c00);  // 1
  half.add_int32_data(0xc000);  // -2
  half.add_int32_data(0x0001);  // smallest subnormal
  EXPECT_EQ(ReadOnnxTensor(half.SerializeAsString()).data,
            (std::vector<float>{1.0f, -2.0f, std::ldexp(1.0f, -24)}));
}

}  // namespace
}  // namespace edgebench::formats
