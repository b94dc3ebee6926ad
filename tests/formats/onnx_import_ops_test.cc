// Mapping rules of the modern op set's converters, on small hand-built models: which IR
// nodes each ONNX form becomes (per opset), and that they compute what the ONNX op
// defines. Expected values are worked out here from the op's definition.
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
using K = ir::OpKind;

std::vector<K> Ops(const ir::Graph& graph) {
  std::vector<K> ops;
  for (ir::NodeId id : graph.ExecutionOrder()) ops.push_back(graph.node(id).op);
  return ops;
}

std::vector<backends::HostTensor> RunGraph(const ir::Graph& graph,
                                           std::vector<backends::HostTensor> inputs) {
  std::vector<backends::HostTensor> outputs;
  const backends::Status status = backends::reference::RunReference(graph, inputs, outputs);
  EXPECT_TRUE(status.ok) << status.message;
  return outputs;
}

std::vector<float> Iota(size_t count, float start = 0.0f) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) values[i] = start + static_cast<float>(i);
  return values;
}

TEST(OnnxImportOpsTest, ConstantOnTheLeftBroadcasts) {
  OnnxModelBuilder b;
  b.Input("x", {2, 1, 3}).Output("y");
  b.Initializer("c", {2, 1}, {10, 20});
  b.Node("Sub", {"c", "x"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  ASSERT_EQ(Ops(graph), std::vector<K>{K::kSub});
  const backends::HostTensor y = RunGraph(graph, {{{2, 1, 3}, Iota(6)}})[0];
  ASSERT_EQ(y.shape, (ir::Shape{2, 2, 3}));
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      for (int k = 0; k < 3; ++k) {
        EXPECT_EQ(y.data[(i * 2 + j) * 3 + k], (j == 0 ? 10 : 20) - (i * 3 + k));
      }
    }
  }
}

TEST(OnnxImportOpsTest, LegacyBroadcastAxisAlignsTheConstant) {
  OnnxModelBuilder b(6);
  b.Input("x", {1, 3, 2, 2}).Output("y");
  b.Initializer("c", {3}, {100, 200, 300});
  onnx::NodeProto& add = b.Node("Add", {"x", "c"}, {"y"});
  SetInt(add, "broadcast", 1);
  SetInt(add, "axis", 1);
  const ir::Graph graph = ImportOnnx(b.Bytes());
  ASSERT_EQ(Ops(graph), std::vector<K>{K::kAdd});
  const backends::HostTensor y = RunGraph(graph, {{{1, 3, 2, 2}, Iota(12)}})[0];
  for (int i = 0; i < 12; ++i) EXPECT_EQ(y.data[i], i + 100 * (i / 4 + 1));
}

TEST(OnnxImportOpsTest, VariadicOpsAreChains) {
  OnnxModelBuilder b;
  b.Input("a", {1, 4}).Input("b", {1, 4}).Output("max").Output("mean");
  b.Initializer("c", {4}, {0.5f, -3, 2.5f, 1});
  b.Node("Max", {"c", "a", "b"}, {"max"}, "max");
  b.Node("Mean", {"a", "b", "c"}, {"mean"}, "mean");
  const ir::Graph graph = ImportOnnx(b.Bytes());
  EXPECT_EQ(Ops(graph), (std::vector<K>{K::kMaximum, K::kMaximum, K::kAdd, K::kAdd, K::kDiv}));
  const std::vector<float> a{1, -1, 2, 0};
  const std::vector<float> bv{0, -2, 3, 0.5f};
  const std::vector<float> c{0.5f, -3, 2.5f, 1};
  const auto outputs = RunGraph(graph, {{{1, 4}, a}, {{1, 4}, bv}});
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(outputs[0].data[i], std::max({a[i], bv[i], c[i]}));
    EXPECT_FLOAT_EQ(outputs[1].data[i], (a[i] + bv[i] + c[i]) / 3);
  }
}

TEST(OnnxImportOpsTest, GemmWithEverythingDecomposes) {
  // Y = 0.5 * A^T B^T + 2 C, A [K=3, M=2] run-time, B [N=4, K=3], C [2, 4].
  OnnxModelBuilder b;
  b.Input("a", {3, 2}).Output("y");
  const std::vector<float> bw = TestValues(12, 4);
  const std::vector<float> c = TestValues(8, 5);
  b.Initializer("b", {4, 3}, bw);
  b.Initializer("c", {2, 4}, c);
  onnx::NodeProto& gemm = b.Node("Gemm", {"a", "b", "c"}, {"y"}, "gemm");
  SetInt(gemm, "transA", 1);
  SetInt(gemm, "transB", 1);
  SetFloat(gemm, "alpha", 0.5f);
  SetFloat(gemm, "beta", 2.0f);
  const ir::Graph graph = ImportOnnx(b.Bytes());
  EXPECT_EQ(Ops(graph), (std::vector<K>{K::kTranspose, K::kMatMul, K::kMul, K::kAdd}));
  EXPECT_EQ(graph.node(graph.ExecutionOrder().back()).name, "gemm");
  const std::vector<float> a = TestValues(6, 3);
  const backends::HostTensor y = RunGraph(graph, {{{3, 2}, a}})[0];
  ASSERT_EQ(y.shape, (ir::Shape{2, 4}));
  for (int m = 0; m < 2; ++m) {
    for (int n = 0; n < 4; ++n) {
      double product = 0;
      for (int k = 0; k < 3; ++k) product += double{a[k * 2 + m]} * bw[n * 3 + k];
      EXPECT_NEAR(y.data[m * 4 + n], 0.5 * product + 2.0 * c[m * 4 + n], 1e-5);
    }
  }
}

TEST(OnnxImportOpsTest, MatMulOfActivationsAndBatchedWeights) {
  {
    OnnxModelBuilder b;
    b.Input("a", {2, 2, 3}).Input("b", {2, 3, 1}).Output("y");
    b.Node("MatMul", {"a", "b"}, {"y"});
    const ir::Graph graph = ImportOnnx(b.Bytes());
    ASSERT_EQ(Ops(graph), std::vector<K>{K::kMatMul});
    const backends::HostTensor y =
        RunGraph(graph, {{{2, 2, 3}, Iota(12)}, {{2, 3, 1}, {1, 0, -1, 2, 2, 2}}})[0];
    // batch 0: rows [0 1 2], [3 4 5] . [1 0 -1]; batch 1: rows [6 7 8], [9 10 11] . [2 2 2]
    EXPECT_EQ(y.data, (std::vector<float>{-2, -2, 42, 60}));
  }
  {  // a ViT-style [tokens, features] x constant stays a MatMul with its weight
    OnnxModelBuilder b;
    b.Input("x", {1, 5, 4}).Output("y");
    b.Initializer("w", {4, 2}, TestValues(8));
    b.Node("MatMul", {"x", "w"}, {"y"});
    const ir::Graph graph = ImportOnnx(b.Bytes());
    ASSERT_EQ(Ops(graph), std::vector<K>{K::kMatMul});
    EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{1, 5, 2}));
  }
}

TEST(OnnxImportOpsTest, SplitBecomesOneSlicePerOutput) {
  auto split = [](int64_t opset, const std::vector<int64_t>& sizes, int outputs, int64_t dim) {
    OnnxModelBuilder b(opset);
    b.Input("x", {2, dim});
    const std::vector<std::string> all_names{"y0", "y1", "y2"};
    const std::vector<std::string> names(all_names.begin(), all_names.begin() + outputs);
    for (const std::string& name : names) b.Output(name);
    std::vector<std::string> inputs{"x"};
    if (opset >= 13 && !sizes.empty()) {
      b.IntInitializer("split", {static_cast<int64_t>(sizes.size())}, sizes);
      inputs.push_back("split");
    }
    onnx::NodeProto& node = b.Node("Split", inputs, names);
    SetInt(node, "axis", -1);
    if (opset < 13 && !sizes.empty()) SetInts(node, "split", sizes);
    if (opset >= 18) SetInt(node, "num_outputs", outputs);
    return ImportOnnx(b.Bytes());
  };
  auto widths = [](const ir::Graph& graph) {
    std::vector<int64_t> out;
    for (ir::ValueId id : graph.outputs()) out.push_back(graph.value(id).shape[1]);
    return out;
  };
  EXPECT_EQ(widths(split(11, {1, 3}, 2, 4)), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(widths(split(13, {3, 1}, 2, 4)), (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(widths(split(13, {}, 2, 4)), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(widths(split(18, {}, 3, 7)), (std::vector<int64_t>{3, 3, 1}));
  const ir::Graph graph = split(13, {1, 3}, 2, 4);
  ASSERT_EQ(Ops(graph), (std::vector<K>{K::kSlice, K::kSlice}));
  const auto outputs = RunGraph(graph, {{{2, 4}, Iota(8)}});
  EXPECT_EQ(outputs[0].data, (std::vector<float>{0, 4}));
  EXPECT_EQ(outputs[1].data, (std::vector<float>{1, 2, 3, 5, 6, 7}));
}

TEST(OnnxImportOpsTest, PadModesByOpset) {
  auto pad = [](int64_t opset, const std::string& mode) {
    OnnxModelBuilder b(opset);
    b.Input("x", {1, 3}).Output("y");
    const std::vector<int64_t> pads{0, 2, 0, 1};  // dim 1: 2 before, 1 after
    onnx::NodeProto* node;
    if (opset < 11) {
      node = &b.Node("Pad", {"x"}, {"y"});
      SetInts(*node, "pads", pads);
      SetFloat(*node, "value", 9.0f);
    } else {
      b.IntInitializer("pads", {4}, pads);
      b.Initializer("value", {}, {9.0f});
      node = &b.Node("Pad", {"x", "pads", "value"}, {"y"});
    }
    SetString(*node, "mode", mode);
    const ir::Graph graph = ImportOnnx(b.Bytes());
    EXPECT_EQ(Ops(graph), std::vector<K>{K::kPad});
    return RunGraph(graph, {{{1, 3}, {1, 2, 3}}})[0].data;
  };
  for (int64_t opset : {2, 11}) {
    EXPECT_EQ(pad(opset, "constant"), (std::vector<float>{9, 9, 1, 2, 3, 9})) << opset;
    EXPECT_EQ(pad(opset, "reflect"), (std::vector<float>{3, 2, 1, 2, 3, 2})) << opset;
    EXPECT_EQ(pad(opset, "edge"), (std::vector<float>{1, 1, 1, 2, 3, 3})) << opset;
  }
}

TEST(OnnxImportOpsTest, GatherWithConstantIndices) {
  OnnxModelBuilder b;
  b.Input("x", {3, 2}).Output("y");
  b.IntInitializer("indices", {1, 2}, {2, -3});
  b.Node("Gather", {"x", "indices"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  ASSERT_EQ(Ops(graph), std::vector<K>{K::kGather});
  const backends::HostTensor y = RunGraph(graph, {{{3, 2}, Iota(6)}})[0];
  EXPECT_EQ(y.shape, (ir::Shape{1, 2, 2}));
  EXPECT_EQ(y.data, (std::vector<float>{4, 5, 0, 1}));
}

TEST(OnnxImportOpsTest, ReductionsByOpset) {
  {  // opset 13 ReduceSum: axes as an input
    OnnxModelBuilder b;
    b.Input("x", {2, 3}).Output("y");
    b.IntInitializer("axes", {1}, {-1});
    SetInt(b.Node("ReduceSum", {"x", "axes"}, {"y"}), "keepdims", 0);
    const ir::Graph graph = ImportOnnx(b.Bytes());
    const backends::HostTensor y = RunGraph(graph, {{{2, 3}, Iota(6)}})[0];
    EXPECT_EQ(y.shape, (ir::Shape{2}));
    EXPECT_EQ(y.data, (std::vector<float>{3, 12}));
  }
  {  // ... and without axes but noop_with_empty_axes: nothing to do
    OnnxModelBuilder b;
    b.Input("x", {2, 3}).Output("r").Output("y");
    b.Node("Relu", {"x"}, {"r"});
    SetInt(b.Node("ReduceSum", {"r"}, {"y"}), "noop_with_empty_axes", 1);
    EXPECT_EQ(Ops(ImportOnnx(b.Bytes())), std::vector<K>{K::kRelu});
  }
  {  // opset 11 ReduceMin: an attribute; -max(-x)
    OnnxModelBuilder b(11);
    b.Input("x", {2, 3}).Output("y");
    SetInts(b.Node("ReduceMin", {"x"}, {"y"}), "axes", {0});
    const ir::Graph graph = ImportOnnx(b.Bytes());
    EXPECT_EQ(Ops(graph), (std::vector<K>{K::kNeg, K::kReduceMax, K::kNeg}));
    const backends::HostTensor y = RunGraph(graph, {{{2, 3}, {4, -1, 6, 3, 5, -7}}})[0];
    EXPECT_EQ(y.shape, (ir::Shape{1, 3}));
    EXPECT_EQ(y.data, (std::vector<float>{3, -1, -7}));
  }
  {  // opset 18 ReduceL2: axes as an input; sqrt(sum(x^2))
    OnnxModelBuilder b(18);
    b.Input("x", {2, 2}).Output("y");
    b.IntInitializer("axes", {1}, {1});
    b.Node("ReduceL2", {"x", "axes"}, {"y"});
    const backends::HostTensor y = RunGraph(ImportOnnx(b.Bytes()), {{{2, 2}, {3, 4, 6, 8}}})[0];
    EXPECT_EQ(y.data, (std::vector<float>{5, 10}));
  }
}

TEST(OnnxImportOpsTest, AxesByOpset) {
  {
    OnnxModelBuilder b(11);
    b.Input("x", {1, 3, 1}).Output("y");
    SetInts(b.Node("Squeeze", {"x"}, {"s"}), "axes", {-1});
    SetInts(b.Node("Unsqueeze", {"s"}, {"y"}), "axes", {0});
    const ir::Graph graph = ImportOnnx(b.Bytes());
    EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{1, 1, 3}));
  }
  {
    OnnxModelBuilder b(13);
    b.Input("x", {1, 3, 1}).Output("y");
    b.IntInitializer("axes", {1}, {-1});
    b.Node("Squeeze", {"x"}, {"s"});  // every 1
    b.Node("Unsqueeze", {"s", "axes"}, {"y"});
    const ir::Graph graph = ImportOnnx(b.Bytes());
    EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{3, 1}));
  }
  {  // opset-9 Slice: attributes
    OnnxModelBuilder b(9);
    b.Input("x", {2, 5}).Output("y");
    onnx::NodeProto& slice = b.Node("Slice", {"x"}, {"y"});
    SetInts(slice, "starts", {1, -4});
    SetInts(slice, "ends", {1000, -1});
    SetInts(slice, "axes", {0, 1});
    const ir::Graph graph = ImportOnnx(b.Bytes());
    const backends::HostTensor y = RunGraph(graph, {{{2, 5}, Iota(10)}})[0];
    EXPECT_EQ(y.shape, (ir::Shape{1, 3}));
    EXPECT_EQ(y.data, (std::vector<float>{6, 7, 8}));
  }
}

TEST(OnnxImportOpsTest, ConvTransposeOutputShapeSetsPadding) {
  // Natural extent (3 - 1) * stride + 3 = 9 and 7; asking for 10 x 8 adds one row and
  // one column that only the bias reaches.
  OnnxModelBuilder b;
  b.Input("x", {1, 1, 3, 3}).Output("y");
  b.Initializer("w", {1, 2, 3, 3}, std::vector<float>(18, 1.0f));
  onnx::NodeProto& conv = b.Node("ConvTranspose", {"x", "w"}, {"y"});
  SetInts(conv, "strides", {3, 2});
  SetInts(conv, "output_shape", {10, 8});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  const auto& attrs = std::get<ir::ConvTransposeAttrs>(graph.nodes()[0].attrs);
  EXPECT_EQ(attrs.pads_begin, (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(attrs.output_padding, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{1, 2, 10, 8}));
  const backends::HostTensor y = RunGraph(graph, {{{1, 1, 3, 3}, std::vector<float>(9, 1)}})[0];
  EXPECT_EQ(y.data[9 * 8 + 7], 0.0f);  // the extra corner
  EXPECT_EQ(y.data[0], 1.0f);
}

TEST(OnnxImportOpsTest, CastOfActivations) {
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 2}).Output("y");
    SetInt(b.Node("Cast", {"x"}, {"c"}), "to", onnx::TensorProto::FLOAT);
    b.Node("Relu", {"c"}, {"y"});
    EXPECT_EQ(Ops(ImportOnnx(b.Bytes())), std::vector<K>{K::kRelu});
  }
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 2}).Output("y");
    SetInt(b.Node("Cast", {"x"}, {"y"}), "to", onnx::TensorProto::INT64);
    try {
      ImportOnnx(b.Bytes());
      ADD_FAILURE() << "imported a Cast to INT64";
    } catch (const UnsupportedModelError& error) {
      EXPECT_NE(std::string(error.what()).find("INT64"), std::string::npos) << error.what();
    }
  }
}

TEST(OnnxImportOpsTest, LayerNormalizationWithItsStatistics) {
  OnnxModelBuilder b(17);
  b.Input("x", {2, 4}).Output("y").Output("mean").Output("inv_std");
  b.Initializer("scale", {4}, {1, 2, 3, 4});
  b.Initializer("bias", {4}, {0, 0, 1, 1});
  SetFloat(b.Node("LayerNormalization", {"x", "scale", "bias"}, {"y", "mean", "inv_std"}, "ln"),
           "epsilon", 0.5f);
  const ir::Graph graph = ImportOnnx(b.Bytes());
  EXPECT_EQ(graph.node(graph.ExecutionOrder()[0]).op, K::kLayerNorm);
  const std::vector<float> x{1, 2, 3, 4, -2, 0, 0, 2};
  const auto outputs = RunGraph(graph, {{{2, 4}, x}});
  ASSERT_EQ(outputs.size(), 3u);
  // Row 0: mean 2.5, variance 1.25; row 1: mean 0, variance 2.
  const double means[2] = {2.5, 0.0};
  const double variances[2] = {1.25, 2.0};
  const float scale[4] = {1, 2, 3, 4};
  const float bias[4] = {0, 0, 1, 1};
  EXPECT_EQ(outputs[1].shape, (ir::Shape{2, 1}));
  for (int r = 0; r < 2; ++r) {
    EXPECT_FLOAT_EQ(outputs[1].data[r], means[r]);
    EXPECT_NEAR(outputs[2].data[r], 1.0 / std::sqrt(variances[r] + 0.5), 1e-6);
    for (int k = 0; k < 4; ++k) {
      const double normalized = (x[r * 4 + k] - means[r]) / std::sqrt(variances[r] + 0.5);
      EXPECT_NEAR(outputs[0].data[r * 4 + k], normalized * scale[k] + bias[k], 1e-5);
    }
  }
}

// Shape arithmetic as exporters write it folds away, leaving only the layers.
TEST(OnnxImportOpsTest, ShapeSubgraphsFold) {
  OnnxModelBuilder b;
  b.Input("x", {2, 3, 4}).Output("y");
  // target = Where(Equal(t, -1), [12], t) with t = [x.shape[0], -1]  ->  [2, 12]
  b.Node("Shape", {"x"}, {"shape"});
  b.IntInitializer("zero", {}, {0});
  b.Node("Gather", {"shape", "zero"}, {"batch"});
  b.IntInitializer("axes0", {1}, {0});
  b.Node("Unsqueeze", {"batch", "axes0"}, {"batch1"});
  b.IntInitializer("minus_one", {1}, {-1});
  SetInt(b.Node("Concat", {"batch1", "minus_one"}, {"t"}), "axis", 0);
  b.Node("Equal", {"t", "minus_one"}, {"is_free"});
  b.IntInitializer("twelve", {1}, {12});
  b.Node("Where", {"is_free", "twelve", "t"}, {"target"});
  b.Node("Reshape", {"x", "target"}, {"flat"});
  // indices = Range(0, 12, 5) = [0, 5, 10]; scale = Expand([2], [3])
  b.IntInitializer("start", {}, {0});
  b.IntInitializer("limit", {}, {12});
  b.IntInitializer("delta", {}, {5});
  b.Node("Range", {"start", "limit", "delta"}, {"indices"});
  SetInt(b.Node("Gather", {"flat", "indices"}, {"picked"}), "axis", 1);
  b.Initializer("two", {1}, {2.0f});
  b.IntInitializer("three", {1}, {3});
  b.Node("Expand", {"two", "three"}, {"scale"});
  b.Node("Mul", {"picked", "scale"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  EXPECT_EQ(Ops(graph), (std::vector<K>{K::kReshape, K::kGather, K::kMul}));
  const backends::HostTensor y = RunGraph(graph, {{{2, 3, 4}, Iota(24)}})[0];
  EXPECT_EQ(y.shape, (ir::Shape{2, 3}));
  EXPECT_EQ(y.data, (std::vector<float>{0, 10, 20, 24, 34, 44}));
}

TEST(OnnxImportOpsTest, FusedActivationOpsOfNewerOpsets) {
  {  // opset 20 Gelu, both forms
    for (const char* approximate : {"none", "tanh"}) {
      OnnxModelBuilder b(20);
      b.Input("x", {1, 3}).Output("y");
      SetString(b.Node("Gelu", {"x"}, {"y"}), "approximate", approximate);
      const ir::Graph graph = ImportOnnx(b.Bytes());
      ASSERT_EQ(Ops(graph), std::vector<K>{K::kGelu});
      EXPECT_EQ(std::get<ir::GeluAttrs>(graph.nodes()[0].attrs).tanh_approximation,
                std::string(approximate) == "tanh");
      const backends::HostTensor y = RunGraph(graph, {{{1, 3}, {-1, 0, 2}}})[0];
      EXPECT_NEAR(y.data[2], 2 * 0.5 * (1 + std::erf(2 / std::sqrt(2.0))), 1e-3);
    }
  }
  {  // opset 14 HardSwish
    OnnxModelBuilder b(14);
    b.Input("x", {1, 4}).Output("y");
    b.Node("HardSwish", {"x"}, {"y"});
    const backends::HostTensor y = RunGraph(ImportOnnx(b.Bytes()), {{{1, 4}, {-4, -1, 1, 4}}})[0];
    EXPECT_EQ(y.data[0], 0.0f);
    EXPECT_NEAR(y.data[1], -1.0 * 2 / 6, 1e-6);
    EXPECT_NEAR(y.data[2], 1.0 * 4 / 6, 1e-6);
    EXPECT_EQ(y.data[3], 4.0f);
  }
}

TEST(OnnxImportOpsTest, ResizeAxesAtOpset18) {
  OnnxModelBuilder b(18);
  b.Input("x", {1, 2, 3, 3}).Output("y");
  b.IntInitializer("sizes", {2}, {5, 4});
  onnx::NodeProto& resize = b.Node("Resize", {"x", "", "", "sizes"}, {"y"});
  SetInts(resize, "axes", {3, 2});
  SetString(resize, "mode", "linear");
  const ir::Graph graph = ImportOnnx(b.Bytes());
  const auto& attrs = std::get<ir::ResizeAttrs>(graph.nodes()[0].attrs);
  EXPECT_EQ(attrs.sizes, (std::vector<int64_t>{1, 2, 4, 5}));
  EXPECT_EQ(attrs.scales, (std::vector<float>{1, 1, 4.0f / 3.0f, 5.0f / 3.0f}));
}

}  // namespace
}  // namespace edgebench::formats
