// ResNet v1.5 as defined by torchvision (He et al. 2016; stride on the 3x3 conv of
// bottleneck blocks), the most used definition and the one the study's row matches.
#include <string>

#include "zoo/families.h"
#include "zoo/graph_builder.h"

namespace edgebench::zoo {
namespace {

// Damps each residual branch's last batch norm so variance grows slowly over dozens of
// blocks with random weights (zero-init-residual in spirit, without killing the branch).
constexpr float kResidualGain = 0.2f;

ValueId ConvBn(GraphBuilder& b, const std::string& name, ValueId x, int64_t out, int64_t k,
               int64_t stride, int64_t pad, float gain = 1.0f) {
  ValueId y = b.Conv2d(name, x, out, k, stride, pad, /*bias=*/false);
  return b.BatchNorm(name + "_bn", y, 1e-5f, gain);
}

ValueId Shortcut(GraphBuilder& b, const std::string& name, ValueId x, int64_t out, int64_t stride) {
  if (stride == 1 && b.channels(x) == out) return x;
  return ConvBn(b, name + "_downsample", x, out, 1, stride, 0);
}

ValueId BasicBlock(GraphBuilder& b, const std::string& name, ValueId x, int64_t width,
                   int64_t stride) {
  ValueId y = b.Relu(name + "_relu1", ConvBn(b, name + "_conv1", x, width, 3, stride, 1));
  y = ConvBn(b, name + "_conv2", y, width, 3, 1, 1, kResidualGain);
  y = b.Add(name + "_add", y, Shortcut(b, name, x, width, stride));
  return b.Relu(name + "_relu2", y);
}

ValueId Bottleneck(GraphBuilder& b, const std::string& name, ValueId x, int64_t width,
                   int64_t stride) {
  const int64_t out = width * 4;
  ValueId y = b.Relu(name + "_relu1", ConvBn(b, name + "_conv1", x, width, 1, 1, 0));
  y = b.Relu(name + "_relu2", ConvBn(b, name + "_conv2", y, width, 3, stride, 1));
  y = ConvBn(b, name + "_conv3", y, out, 1, 1, 0, kResidualGain);
  y = b.Add(name + "_add", y, Shortcut(b, name, x, out, stride));
  return b.Relu(name + "_relu3", y);
}

ir::Graph BuildResNet(const std::string& name, const ir::Shape& input, const int (&blocks)[4],
                      bool bottleneck) {
  GraphBuilder b(name, input);
  ValueId x = b.Relu("conv1_relu", ConvBn(b, "conv1", b.input(), 64, 7, 2, 3));
  x = b.MaxPool("maxpool", x, {3, 3}, {2, 2}, Symmetric(1));
  const int64_t widths[4] = {64, 128, 256, 512};
  for (int stage = 0; stage < 4; ++stage) {
    for (int block = 0; block < blocks[stage]; ++block) {
      std::string block_name =
          "layer" + std::to_string(stage + 1) + "_block" + std::to_string(block);
      int64_t stride = (stage > 0 && block == 0) ? 2 : 1;
      x = bottleneck ? Bottleneck(b, block_name, x, widths[stage], stride)
                     : BasicBlock(b, block_name, x, widths[stage], stride);
    }
  }
  return b.Finish({b.GlobalPoolClassifier(x, 1000)});
}

}  // namespace

ir::Graph BuildResNet18(const ir::Shape& input) {
  return BuildResNet("resnet-18", input, {2, 2, 2, 2}, false);
}

ir::Graph BuildResNet50(const ir::Shape& input) {
  return BuildResNet("resnet-50", input, {3, 4, 6, 3}, true);
}

ir::Graph BuildResNet101(const ir::Shape& input) {
  return BuildResNet("resnet-101", input, {3, 4, 23, 3}, true);
}

}  // namespace edgebench::zoo
