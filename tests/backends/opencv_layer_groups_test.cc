// OpenCV's layers mapped back to IR nodes, without OpenCV: names, fused layers, additions.
#include <gtest/gtest.h>

#include "backends/opencv/layer_groups.h"

namespace edgebench::backends::opencv {
namespace {

using Nodes = std::vector<std::string>;

const std::map<std::string, std::string>
    kProducers =
        {
            {"conv1", "conv1"}, {"bn1", "bn1"},     {"relu1", "relu1"}, {"conv2", "conv2"},
            {"add", "add"},     {"relu2", "relu2"}, {"cat", "cat"},     {"pad", "pad"},
            {"pad_out", "pad"},  // an activation named otherwise than its node
};

TEST(OpenCvLayerGroups, LayerNamesMapToTheirIrNode) {
  EXPECT_EQ(IrNodeOfLayer("onnx_node!conv1", kProducers), "conv1");
  EXPECT_EQ(IrNodeOfLayer("pad_out", kProducers), "pad");
  EXPECT_EQ(IrNodeOfLayer("onnx_node!pad_out_pads", kProducers), "pad");  // longest prefix
  EXPECT_EQ(IrNodeOfLayer("onnx_node!cat/flatten", kProducers), "cat");
  EXPECT_EQ(IrNodeOfLayer("onnx_node!conv10", kProducers), "");  // no separator: not conv1's
  EXPECT_EQ(IrNodeOfLayer("Const_7", kProducers), "");
}

TEST(OpenCvLayerGroups, FusedConvBnReluAndEltwiseJoinTheLayerThatRanThem) {
  // conv1 (+ bn1 + relu1 fused); conv2 absorbs the add of relu1's output and relu2; a
  // concat OpenCV elided; a layer its importer added.
  const std::vector<NetLayer> layers = {
      {"onnx_node!conv1", "Convolution", 0.004, {-1}},
      {"onnx_node!bn1", "BatchNorm", 0, {0}},
      {"onnx_node!relu1", "ReLU", 0, {1}},
      {"onnx_node!conv2", "Convolution", 0.003, {2}},
      {"onnx_node!add", "Eltwise", 0, {2, 3}},
      {"onnx_node!relu2", "ReLU", 0, {4}},
      {"onnx_node!cat", "Concat", 0, {2, 5}},
      {"Const_7", "Const", 0.0001, {}},
  };
  const std::vector<LayerTime> rows = GroupLayers(layers, kProducers);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].layer, "onnx_node!conv1");
  EXPECT_EQ(rows[0].ir_nodes, (Nodes{"conv1", "bn1", "relu1"}));
  EXPECT_DOUBLE_EQ(rows[0].seconds, 0.004);
  EXPECT_EQ(rows[1].ir_nodes, (Nodes{"conv2", "add", "relu2"}));  // the latest input: conv2
  EXPECT_EQ(rows[1].kind, "Convolution");
  EXPECT_EQ(rows[2].ir_nodes, Nodes{"cat"});  // elided, but its own row, at zero
  EXPECT_DOUBLE_EQ(rows[2].seconds, 0);
  EXPECT_TRUE(rows[3].ir_nodes.empty());  // the importer's own layer
  EXPECT_EQ(rows[3].layer, "Const_7");
}

}  // namespace
}  // namespace edgebench::backends::opencv
