// The xnnpack plugin's subgraph builder, compiled in directly: what it folds (batch norm
// into the convolution's weights, clamps into output bounds) is invisible through the
// plugin boundary, so it is counted here. That the folded graphs compute the right
// numbers is xnnpack_backend_test's and the consistency test's job.
#include <gtest/gtest.h>
#include <xnnpack.h>

#include "backends/xnnpack/subgraph_builder.h"
#include "zoo/graph_builder.h"
#include "zoo/seeded_weights.h"

namespace edgebench::backends::xnnpack {
namespace {

BuiltSubgraph Build(ir::Graph graph) {
  EXPECT_EQ(xnn_initialize(nullptr), xnn_status_success);
  zoo::MaterializeWeights(graph);
  return SubgraphBuilder(graph).Build();
}

TEST(XnnpackBuilderTest, FoldsBatchNormAndClampIntoTheConvolution) {
  zoo::GraphBuilder b("conv_bn_relu6", {1, 3, 8, 8});
  const ir::ValueId conv = b.Conv2d("conv", b.input(), 4, 3, 1, 1);
  const BuiltSubgraph built = Build(b.Finish({b.Relu6("act", b.BatchNorm("bn", conv))}));
  EXPECT_EQ(built.folded_batch_norms, 1);
  EXPECT_EQ(built.fused_activations, 1);
  ASSERT_EQ(built.outputs.size(), 1u);
  EXPECT_EQ(built.outputs[0].name, "act");
  EXPECT_TRUE(built.outputs[0].nhwc);
}

TEST(XnnpackBuilderTest, ClampsFoldIntoFullyConnectedAndDepthwiseLayers) {
  zoo::GraphBuilder b("dw_fc", {1, 4, 6, 6});
  const ir::ValueId dw = b.Relu("dw_relu", b.Conv2d("dw", b.input(), 4, 3, 1, 1, true, 4));
  const ir::ValueId fc = b.FullyConnected("fc", b.Flatten("flat", dw), 5);
  const BuiltSubgraph built = Build(b.Finish({b.Relu("fc_relu", fc)}));
  EXPECT_EQ(built.folded_batch_norms, 0);
  EXPECT_EQ(built.fused_activations, 2);
}

TEST(XnnpackBuilderTest, NothingReadElsewhereIsFolded) {
  zoo::GraphBuilder b("shared", {1, 3, 8, 8});
  const ir::ValueId conv = b.Conv2d("conv", b.input(), 4, 3, 1, 1);
  const ir::ValueId bn = b.BatchNorm("bn", conv);
  const ir::ValueId relu = b.Relu("relu", bn);
  // bn is a graph output and also feeds an add: neither it nor the relu may vanish.
  const BuiltSubgraph built = Build(b.Finish({b.Add("sum", relu, bn), bn}));
  EXPECT_EQ(built.folded_batch_norms, 1);
  EXPECT_EQ(built.fused_activations, 0);
  EXPECT_EQ(built.outputs.size(), 2u);
}

TEST(XnnpackBuilderTest, RefusesUnsupportedNodesWithTheirName) {
  zoo::GraphBuilder b("lrn", {1, 3, 8, 8});
  ir::Graph graph = b.Finish({b.Lrn("norm", b.input(), 5, 1e-4f, 0.75f, 1.0f)});
  EXPECT_THROW(
      {
        try {
          Build(std::move(graph));
        } catch (const BuildError& error) {
          EXPECT_NE(std::string(error.what()).find("'norm'"), std::string::npos) << error.what();
          throw;
        }
      },
      BuildError);
}

}  // namespace
}  // namespace edgebench::backends::xnnpack
