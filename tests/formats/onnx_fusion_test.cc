// The importer folds the node patterns exporters write for ops their opset lacks back
// into one IR op -- only when the pattern matches exactly and its inner tensors are read
// nowhere else. Expected values come from the textbook formulas, computed here.
#include <gtest/gtest.h>

#include <cmath>

#include "backends/reference/reference_backend.h"
#include "formats/onnx.h"
#include "onnx_test_model.h"

namespace edgebench::formats {
namespace {

using onnx_test::OnnxModelBuilder;
using onnx_test::SetFloat;
using onnx_test::SetInts;
using onnx_test::TestValues;

std::vector<ir::OpKind> Ops(const ir::Graph& graph) {
  std::vector<ir::OpKind> ops;
  for (ir::NodeId id : graph.ExecutionOrder()) ops.push_back(graph.node(id).op);
  return ops;
}

std::vector<float> RunGraph(const ir::Graph& graph, const ir::Shape& shape,
                            const std::vector<float>& x) {
  std::vector<backends::HostTensor> outputs;
  const backends::Status status =
      backends::reference::RunReference(graph, {backends::HostTensor(shape, x)}, outputs);
  EXPECT_TRUE(status.ok) << status.message;
  return outputs.empty() ? std::vector<float>{} : outputs[0].data;
}

void Scalar(OnnxModelBuilder& b, const std::string& name, float value) {
  b.Initializer(name, {}, {value});
}

TEST(OnnxFusionTest, SigmoidTimesInputIsSilu) {
  OnnxModelBuilder b;
  b.Input("x", {1, 6}).Output("y");
  b.Node("Sigmoid", {"x"}, {"s"});
  b.Node("Mul", {"s", "x"}, {"y"}, "swish");  // either operand order
  const ir::Graph graph = ImportOnnx(b.Bytes());
  ASSERT_EQ(Ops(graph), std::vector<ir::OpKind>{ir::OpKind::kSilu});
  EXPECT_EQ(graph.nodes()[0].name, "swish");
  const std::vector<float> x = TestValues(6);
  const std::vector<float> y = RunGraph(graph, {1, 6}, x);
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(y[i], x[i] / (1.0 + std::exp(-double{x[i]})), 1e-6);
  }
}

TEST(OnnxFusionTest, HardSigmoidSixthTimesInputIsHardSwish) {
  OnnxModelBuilder b;
  b.Input("x", {1, 8}).Output("y");
  onnx::NodeProto& gate = b.Node("HardSigmoid", {"x"}, {"h"});
  SetFloat(gate, "alpha", 1.0f / 6.0f);
  SetFloat(gate, "beta", 0.5f);
  b.Node("Mul", {"x", "h"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  ASSERT_EQ(Ops(graph), std::vector<ir::OpKind>{ir::OpKind::kHardSwish});
  std::vector<float> x = TestValues(8);
  for (float& v : x) v *= 5.0f;  // reach both saturated ends
  const std::vector<float> y = RunGraph(graph, {1, 8}, x);
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(y[i], x[i] * std::clamp(x[i] + 3.0, 0.0, 6.0) / 6.0, 1e-5);
  }
}

TEST(OnnxFusionTest, OtherHardSigmoidsStayApart) {
  OnnxModelBuilder b;
  b.Input("x", {1, 8}).Output("y");
  b.Node("HardSigmoid", {"x"}, {"h"});  // default alpha 0.2
  b.Node("Mul", {"x", "h"}, {"y"});
  EXPECT_EQ(Ops(ImportOnnx(b.Bytes())),
            (std::vector<ir::OpKind>{ir::OpKind::kHardSigmoid, ir::OpKind::kMul}));
}

TEST(OnnxFusionTest, GateReadElsewhereIsNotFused) {
  OnnxModelBuilder b;
  b.Input("x", {1, 6}).Output("y").Output("s");
  b.Node("Sigmoid", {"x"}, {"s"});
  b.Node("Mul", {"x", "s"}, {"y"});
  EXPECT_EQ(Ops(ImportOnnx(b.Bytes())),
            (std::vector<ir::OpKind>{ir::OpKind::kSigmoid, ir::OpKind::kMul}));
}

// x * 0.5 * (1 + erf(x / sqrt 2)) as torch.onnx writes nn.GELU before opset 20, in two
// of the arrangements exporters produce.
TEST(OnnxFusionTest, ErfPatternIsGelu) {
  for (bool torch_order : {true, false}) {
    OnnxModelBuilder b;
    b.Input("x", {2, 5}).Output("y");
    Scalar(b, "half", 0.5f);
    Scalar(b, "one", 1.0f);
    if (torch_order) {
      Scalar(b, "sqrt2", 1.4142135381698608f);
      b.Node("Div", {"x", "sqrt2"}, {"t"});
    } else {
      Scalar(b, "inv_sqrt2", 0.70710678f);
      b.Node("Mul", {"inv_sqrt2", "x"}, {"t"});
    }
    b.Node("Erf", {"t"}, {"e"});
    b.Node("Add", {torch_order ? "e" : "one", torch_order ? "one" : "e"}, {"a"});
    if (torch_order) {
      b.Node("Mul", {"x", "a"}, {"m"});
      b.Node("Mul", {"m", "half"}, {"y"}, "gelu");
    } else {
      b.Node("Mul", {"x", "half"}, {"m"});
      b.Node("Mul", {"m", "a"}, {"y"}, "gelu");
    }
    const ir::Graph graph = ImportOnnx(b.Bytes());
    ASSERT_EQ(Ops(graph), std::vector<ir::OpKind>{ir::OpKind::kGelu}) << torch_order;
    EXPECT_EQ(graph.nodes()[0].name, "gelu");
    EXPECT_FALSE(std::get<ir::GeluAttrs>(graph.nodes()[0].attrs).tanh_approximation);
    EXPECT_EQ(graph.values().size(), 2u) << "pattern constants left behind";
    const std::vector<float> x = TestValues(10);
    const std::vector<float> y = RunGraph(graph, {2, 5}, x);
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_NEAR(y[i], 0.5 * x[i] * (1.0 + std::erf(x[i] / std::sqrt(2.0))), 1e-6);
    }
  }
}

TEST(OnnxFusionTest, TanhPatternIsApproximateGelu) {
  OnnxModelBuilder b;
  b.Input("x", {1, 7}).Output("y");
  Scalar(b, "three", 3.0f);
  Scalar(b, "kappa", 0.044715f);
  Scalar(b, "beta", 0.7978845608f);
  Scalar(b, "one", 1.0f);
  Scalar(b, "half", 0.5f);
  b.Node("Pow", {"x", "three"}, {"cube"});
  b.Node("Mul", {"kappa", "cube"}, {"k"});
  b.Node("Add", {"x", "k"}, {"s"});
  b.Node("Mul", {"beta", "s"}, {"inner"});
  b.Node("Tanh", {"inner"}, {"t"});
  b.Node("Add", {"one", "t"}, {"a"});
  b.Node("Mul", {"x", "a"}, {"m"});
  b.Node("Mul", {"half", "m"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  ASSERT_EQ(Ops(graph), std::vector<ir::OpKind>{ir::OpKind::kGelu});
  EXPECT_TRUE(std::get<ir::GeluAttrs>(graph.nodes()[0].attrs).tanh_approximation);
  std::vector<float> x = TestValues(7);
  for (float& v : x) v *= 3.0f;
  const std::vector<float> y = RunGraph(graph, {1, 7}, x);
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    const double expected =
        0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)));
    EXPECT_NEAR(y[i], expected, 1e-5);
  }
}

TEST(OnnxFusionTest, ErfPatternWithAnotherConstantStaysApart) {
  OnnxModelBuilder b;
  b.Input("x", {2, 5}).Output("y");
  Scalar(b, "two", 2.0f);  // not sqrt(2): not GELU
  Scalar(b, "one", 1.0f);
  Scalar(b, "half", 0.5f);
  b.Node("Div", {"x", "two"}, {"t"});
  b.Node("Erf", {"t"}, {"e"});
  b.Node("Add", {"e", "one"}, {"a"});
  b.Node("Mul", {"x", "a"}, {"m"});
  b.Node("Mul", {"m", "half"}, {"y"});
  EXPECT_EQ(Ops(ImportOnnx(b.Bytes())).size(), 5u);
}

// nn.LayerNorm as torch.onnx exports it before opset 17.
OnnxModelBuilder LayerNormPattern(int64_t opset, bool affine, const std::vector<int64_t>& axes) {
  OnnxModelBuilder b(opset);
  b.Input("x", {2, 3, 4}).Output("y");
  Scalar(b, "two", 2.0f);
  Scalar(b, "eps", 1e-5f);
  SetInts(b.Node("ReduceMean", {"x"}, {"mean"}), "axes", axes);
  b.Node("Sub", {"x", "mean"}, {"d"});
  b.Node("Pow", {"d", "two"}, {"p"});
  SetInts(b.Node("ReduceMean", {"p"}, {"var"}), "axes", axes);
  b.Node("Add", {"var", "eps"}, {"v"});
  b.Node("Sqrt", {"v"}, {"s"});
  b.Node("Div", {"d", "s"}, {affine ? "n" : "y"}, affine ? "div" : "norm");
  if (affine) {
    b.Initializer("weight", {4}, {1.0f, 2.0f, 0.5f, -1.0f});
    b.Initializer("bias", {4}, {0.0f, 0.25f, -0.5f, 1.0f});
    b.Node("Mul", {"n", "weight"}, {"m"});
    b.Node("Add", {"m", "bias"}, {"y"}, "norm");
  }
  return b;
}

TEST(OnnxFusionTest, DecomposedLayerNormFoldsWithItsAffineParameters) {
  for (bool affine : {false, true}) {
    const ir::Graph graph = ImportOnnx(LayerNormPattern(13, affine, {-1}).Bytes());
    ASSERT_EQ(Ops(graph), std::vector<ir::OpKind>{ir::OpKind::kLayerNorm}) << affine;
    const ir::Node& node = graph.nodes()[0];
    EXPECT_EQ(node.name, "norm");
    EXPECT_EQ(graph.value(node.outputs[0]).name, "y");
    EXPECT_EQ(std::get<ir::LayerNormAttrs>(node.attrs).epsilon, 1e-5f);
    ASSERT_EQ(node.inputs.size(), affine ? 3u : 2u);
    const std::vector<float> scale = graph.value(node.inputs[1]).data;
    EXPECT_EQ(scale, affine ? (std::vector<float>{1, 2, 0.5f, -1}) : std::vector<float>(4, 1.0f));
    const std::vector<float> x = TestValues(24);
    const std::vector<float> y = RunGraph(graph, {2, 3, 4}, x);
    const std::vector<float> bias{0.0f, 0.25f, -0.5f, 1.0f};
    for (size_t row = 0; row < 6; ++row) {
      double mean = 0;
      for (size_t k = 0; k < 4; ++k) mean += x[row * 4 + k] / 4.0;
      double variance = 0;
      for (size_t k = 0; k < 4; ++k) variance += std::pow(x[row * 4 + k] - mean, 2) / 4.0;
      for (size_t k = 0; k < 4; ++k) {
        const double normalized = (x[row * 4 + k] - mean) / std::sqrt(variance + 1e-5);
        const double expected = affine ? normalized * scale[k] + bias[k] : normalized;
        EXPECT_NEAR(y[row * 4 + k], expected, 1e-5);
      }
    }
  }
}

TEST(OnnxFusionTest, LayerNormPatternOverLeadingDimsStaysApart) {
  // Reducing dim 1 of 3 is not a LayerNorm over trailing dims.
  const ir::Graph graph = ImportOnnx(LayerNormPattern(13, false, {1}).Bytes());
  EXPECT_EQ(graph.nodes().size(), 7u);
}

TEST(OnnxFusionTest, LayerNormPatternWithTheCenteredInputReadElsewhereStaysApart) {
  OnnxModelBuilder b = LayerNormPattern(13, false, {-1});
  b.Output("d");
  EXPECT_EQ(ImportOnnx(b.Bytes()).nodes().size(), 7u);
}

}  // namespace
}  // namespace edgebench::formats
