// The Darknet writer: cfg text and .weights bytes checked against hand-written
// expectations (the layout libdarknet 2018's parser.c reads), and its refusals.
#include "formats/darknet_export.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "ir/shape_inference.h"

namespace edgebench::formats {
namespace {

ir::ValueId Constant(ir::Graph& g, const std::string& name, ir::Shape shape, ir::WeightRole role,
                     std::vector<float> data) {
  const ir::ValueId id = g.AddConstant(name, std::move(shape), role, {});
  g.mutable_value(id).data = std::move(data);
  return id;
}

std::vector<float> Filled(size_t count, float value) { return std::vector<float>(count, value); }

ir::ConvAttrs Conv2d(int64_t stride, int64_t pad) {
  return {{stride, stride}, {pad, pad}, {pad, pad}, {1, 1}, 1};
}

// conv+bn+leaky -> maxpool -> conv+relu -> add (residual) -> gap -> flatten -> fc -> softmax
ir::Graph SmallClassifier() {
  ir::Graph g("small");
  const ir::ValueId x = g.AddInput("x", {1, 3, 8, 8});
  const auto w1 = Constant(g, "w1", {4, 3, 3, 3}, ir::WeightRole::kWeight, Filled(108, 0.1f));
  const auto b1 = Constant(g, "b1", {4}, ir::WeightRole::kBias, Filled(4, 0.0f));
  ir::ValueId v = g.AddNode("conv1", ir::OpKind::kConv, Conv2d(1, 1), {x, w1, b1});
  const auto s = Constant(g, "s", {4}, ir::WeightRole::kBnScale, Filled(4, 1.0f));
  const auto sh = Constant(g, "sh", {4}, ir::WeightRole::kBnBias, Filled(4, 0.0f));
  const auto m = Constant(g, "m", {4}, ir::WeightRole::kBnMean, Filled(4, 0.0f));
  const auto var = Constant(g, "var", {4}, ir::WeightRole::kBnVariance, Filled(4, 1.0f));
  v = g.AddNode("bn1", ir::OpKind::kBatchNorm, ir::BatchNormAttrs{}, {v, s, sh, m, var});
  v = g.AddNode("leaky1", ir::OpKind::kLeakyRelu, ir::LeakyReluAttrs{0.1f}, {v});
  const ir::ValueId pooled =
      g.AddNode("pool", ir::OpKind::kMaxPool, ir::PoolAttrs{{2, 2}, {2, 2}, {0, 0}, {0, 0}}, {v});
  const auto w2 = Constant(g, "w2", {4, 4, 1, 1}, ir::WeightRole::kWeight, Filled(16, 0.2f));
  v = g.AddNode("conv2", ir::OpKind::kConv, Conv2d(1, 0), {pooled, w2});
  v = g.AddNode("relu2", ir::OpKind::kRelu, {}, {v});
  v = g.AddNode("add", ir::OpKind::kAdd, {}, {pooled, v});
  v = g.AddNode("gap", ir::OpKind::kGlobalAvgPool, {}, {v});
  v = g.AddNode("flat", ir::OpKind::kFlatten, ir::FlattenAttrs{1}, {v});
  const auto wf = Constant(g, "wf", {5, 4}, ir::WeightRole::kWeight, Filled(20, 0.3f));
  const auto bf = Constant(g, "bf", {5}, ir::WeightRole::kBias, Filled(5, 0.5f));
  v = g.AddNode("fc", ir::OpKind::kFullyConnected, {}, {v, wf, bf});
  v = g.AddNode("softmax", ir::OpKind::kSoftmax, ir::SoftmaxAttrs{1}, {v});
  g.MarkOutput(v);
  ir::InferShapes(g);
  return g;
}

TEST(DarknetExport, WritesTheCfgLayerByLayer) {
  const DarknetModel model = ExportDarknet(SmallClassifier());
  EXPECT_EQ(model.cfg,
            "# small written by edgebench for Darknet (pjreddie, 2018)\n"
            "[net]\nbatch=1\nsubdivisions=1\nwidth=8\nheight=8\nchannels=3\n"
            "\n# 0: conv1, bn1, leaky1\n[convolutional]\nbatch_normalize=1\nfilters=4\nsize=3\n"
            "stride=1\npadding=1\nactivation=leaky\n"
            "\n# 1: pool\n[maxpool]\nsize=2\nstride=2\npadding=0\n"
            "\n# 2: conv2, relu2\n[convolutional]\nfilters=4\nsize=1\nstride=1\npadding=0\n"
            "activation=relu\n"
            "\n# 3: add\n[shortcut]\nfrom=1\nactivation=linear\n"
            "\n# 4: gap\n[avgpool]\n"
            "\n# 5: fc\n[connected]\noutput=5\nactivation=linear\n"
            "\n# 6: softmax\n[softmax]\ngroups=1\n");
  EXPECT_EQ(model.output_layers, std::vector<int>{6});
  // Header (3 int32 + uint64) + conv1 (4 biases, 3x4 normalization, 108 weights) + conv2
  // (4 biases, 16 weights) + fc (5 biases, 20 weights).
  EXPECT_EQ(model.weights.size(), 20u + 4u * (4 + 12 + 108 + 4 + 16 + 5 + 20));
}

std::vector<float> FloatsAt(const std::string& bytes, size_t offset, size_t count) {
  std::vector<float> out(count);
  std::memcpy(out.data(), bytes.data() + offset, count * sizeof(float));
  return out;
}

TEST(DarknetExport, WritesConvWithBatchNormInDarknetsWeightOrder) {
  ir::Graph g("tiny");
  const ir::ValueId x = g.AddInput("x", {1, 1, 2, 2});
  const auto w = Constant(g, "w", {2, 1, 1, 1}, ir::WeightRole::kWeight, {3.0f, -2.0f});
  const auto b = Constant(g, "b", {2}, ir::WeightRole::kBias, {0.5f, 1.5f});
  ir::ValueId v = g.AddNode("conv", ir::OpKind::kConv, Conv2d(1, 0), {x, w, b});
  const auto s = Constant(g, "s", {2}, ir::WeightRole::kBnScale, {2.0f, 4.0f});
  const auto sh = Constant(g, "sh", {2}, ir::WeightRole::kBnBias, {0.25f, -0.75f});
  const auto m = Constant(g, "m", {2}, ir::WeightRole::kBnMean, {1.0f, 2.0f});
  const auto var = Constant(g, "var", {2}, ir::WeightRole::kBnVariance, {4.0f, 0.25f});
  v = g.AddNode("bn", ir::OpKind::kBatchNorm, ir::BatchNormAttrs{1e-5f}, {v, s, sh, m, var});
  g.MarkOutput(v);
  ir::InferShapes(g);
  const DarknetModel model = ExportDarknet(g);

  ASSERT_EQ(model.weights.size(), 20u + 4u * 10u);
  int32_t header[3];
  uint64_t seen = 1;
  std::memcpy(header, model.weights.data(), sizeof(header));
  std::memcpy(&seen, model.weights.data() + 12, sizeof(seen));
  EXPECT_EQ(header[0], 0);
  EXPECT_EQ(header[1], 2);
  EXPECT_EQ(header[2], 0);
  EXPECT_EQ(seen, 0u);
  // biases = the normalization's shift, scales, rolling mean (less the conv bias Darknet
  // does not add before normalizing), rolling variance, then the filters.
  EXPECT_EQ(FloatsAt(model.weights, 20, 2), (std::vector<float>{0.25f, -0.75f}));
  EXPECT_EQ(FloatsAt(model.weights, 28, 2), (std::vector<float>{2.0f, 4.0f}));
  EXPECT_EQ(FloatsAt(model.weights, 36, 2), (std::vector<float>{0.5f, 0.5f}));
  const std::vector<float> variance = FloatsAt(model.weights, 44, 2);
  // Darknet divides by sqrt(rolling_variance) + 1e-6; the IR by sqrt(var + eps).
  EXPECT_NEAR(std::sqrt(variance[0]) + 1e-6, std::sqrt(4.0 + 1e-5), 1e-6);
  EXPECT_NEAR(std::sqrt(variance[1]) + 1e-6, std::sqrt(0.25 + 1e-5), 1e-6);
  EXPECT_EQ(FloatsAt(model.weights, 52, 2), (std::vector<float>{3.0f, -2.0f}));
  EXPECT_NE(model.cfg.find("[convolutional]\nbatch_normalize=1\nfilters=2\nsize=1\n"),
            std::string::npos);
}

TEST(DarknetExport, CopiesAnInputReadTwiceAndRoutesConcat) {
  ir::Graph g("branches");
  const ir::ValueId x = g.AddInput("x", {1, 2, 4, 4});
  const auto w = Constant(g, "w", {3, 2, 1, 1}, ir::WeightRole::kWeight, Filled(6, 1.0f));
  const ir::ValueId a = g.AddNode("a", ir::OpKind::kConv, Conv2d(1, 0), {x, w});
  const ir::ValueId b = g.AddNode("b", ir::OpKind::kConv, Conv2d(1, 0), {x, w});
  const ir::ValueId cat = g.AddNode("cat", ir::OpKind::kConcat, ir::ConcatAttrs{1}, {a, b});
  g.MarkOutput(cat);
  g.MarkOutput(a);
  ir::InferShapes(g);
  const DarknetModel model = ExportDarknet(g);
  // Layer 0 holds the input (an identity 1x1 max pool); b reads it through a route copy.
  EXPECT_NE(model.cfg.find("# 0: copy of input 'x'\n[maxpool]\nsize=1\nstride=1\npadding=0\n"),
            std::string::npos)
      << model.cfg;
  EXPECT_NE(model.cfg.find("[route]\nlayers=0\n"), std::string::npos) << model.cfg;
  EXPECT_NE(model.cfg.find("# 4: cat\n[route]\nlayers=1,3\n"), std::string::npos) << model.cfg;
  EXPECT_EQ(model.output_layers, (std::vector<int>{4, 1}));
}

TEST(DarknetExport, CopiesTheInputWhenAReshapeOfItIsAdded) {
  // [shortcut] names layers only: the input, even reshaped, must be held by one.
  ir::Graph g("reshaped_input");
  const ir::ValueId x = g.AddInput("x", {1, 2, 4, 4});
  const ir::ValueId relu = g.AddNode("relu", ir::OpKind::kRelu, {}, {x});
  const ir::ValueId same =
      g.AddNode("same", ir::OpKind::kReshape, ir::ReshapeAttrs{{1, 2, 4, 4}}, {x});
  g.MarkOutput(g.AddNode("sum", ir::OpKind::kAdd, {}, {relu, same}));
  ir::InferShapes(g);
  const DarknetModel model = ExportDarknet(g);
  EXPECT_NE(model.cfg.find("# 0: copy of input 'x'\n[maxpool]"), std::string::npos) << model.cfg;
  EXPECT_NE(model.cfg.find("# 1: relu\n[activation]\nactivation=relu\n\n"
                           "# 2: sum\n[shortcut]\nfrom=0\n"),
            std::string::npos)
      << model.cfg;
}

std::string ReasonFor(const ir::Graph& g, const std::string& node_name) {
  for (const ir::Node& node : g.nodes()) {
    if (node.name == node_name) return DarknetUnsupportedReason(g, node);
  }
  return "no such node";
}

TEST(DarknetExport, RefusesWhatDarknetComputesDifferently) {
  ir::Graph g("refused");
  const ir::ValueId x = g.AddInput("x", {1, 2, 6, 6});
  const auto w = Constant(g, "w", {2, 2, 3, 3}, ir::WeightRole::kWeight, Filled(36, 1.0f));
  ir::ValueId v = g.AddNode("asym", ir::OpKind::kConv,
                            ir::ConvAttrs{{1, 1}, {0, 0}, {1, 1}, {1, 1}, 1}, {x, w});
  v = g.AddNode("leaky2", ir::OpKind::kLeakyRelu, ir::LeakyReluAttrs{0.2f}, {v});
  v = g.AddNode("relu6", ir::OpKind::kRelu6, {}, {v});
  g.MarkOutput(v);
  ir::InferShapes(g);
  EXPECT_NE(ReasonFor(g, "asym").find("asymmetric"), std::string::npos) << ReasonFor(g, "asym");
  EXPECT_NE(ReasonFor(g, "leaky2").find("0.1"), std::string::npos);
  EXPECT_NE(ReasonFor(g, "relu6").find("relu6"), std::string::npos);
  EXPECT_THROW(ExportDarknet(g), UnsupportedModelError);
}

TEST(DarknetExport, RefusesGraphsWithTwoInputs) {
  ir::Graph g("two");
  const ir::ValueId a = g.AddInput("a", {1, 2, 4, 4});
  const ir::ValueId b = g.AddInput("b", {1, 2, 4, 4});
  g.MarkOutput(g.AddNode("sum", ir::OpKind::kAdd, {}, {a, b}));
  ir::InferShapes(g);
  EXPECT_NE(ReasonFor(g, "sum").find("exactly one input"), std::string::npos);
}

TEST(DarknetExport, PicksTheMaxPoolPaddingOfTinyYolosStrideOnePool) {
  // size 2, stride 1, padding only after: Darknet's default padding (size - 1).
  ir::Graph g("pool");
  const ir::ValueId x = g.AddInput("x", {1, 1, 3, 3});
  g.MarkOutput(
      g.AddNode("p", ir::OpKind::kMaxPool, ir::PoolAttrs{{2, 2}, {1, 1}, {0, 0}, {1, 1}}, {x}));
  ir::InferShapes(g);
  EXPECT_NE(ExportDarknet(g).cfg.find("[maxpool]\nsize=2\nstride=1\npadding=1\n"),
            std::string::npos);
}

TEST(DarknetExport, SubsamplesBeforeAStridedOneByOneConv) {
  // Darknet runs a 1x1 kernel as a plain gemm over its input, ignoring the stride.
  ir::Graph g("strided");
  const ir::ValueId x = g.AddInput("x", {1, 2, 5, 5});
  const auto w = Constant(g, "w", {3, 2, 1, 1}, ir::WeightRole::kWeight, Filled(6, 1.0f));
  g.MarkOutput(g.AddNode("proj", ir::OpKind::kConv, Conv2d(2, 0), {x, w}));
  ir::InferShapes(g);
  const DarknetModel model = ExportDarknet(g);
  EXPECT_NE(model.cfg.find("# 0: stride of 'proj'\n[maxpool]\nsize=1\nstride=2\npadding=0\n\n"
                           "# 1: proj\n[convolutional]\nfilters=3\nsize=1\nstride=1\n"),
            std::string::npos)
      << model.cfg;
  EXPECT_EQ(model.output_layers, std::vector<int>{1});
}

}  // namespace
}  // namespace edgebench::formats
