// Xception (Chollet, CVPR 2017) laid out as keras.applications.Xception, so layer names,
// shapes and parameter counts line up with the published Keras model.

#include <cstdint>
#include <string>

#include "zoo/families.h"
#include "zoo/graph_builder.h"

namespace edgebench::zoo {
namespace {

// Keras' BatchNormalization default; the reference weights were trained with it.
constexpr float kBnEpsilon = 1e-3f;

// With random weights every residual branch adds its full variance to the trunk, and
// twelve such additions would grow activations by orders of magnitude. Damping the
// branch's last batch norm keeps seeded outputs in a numerically useful range.
constexpr float kResidualBranchGain = 0.1f;

constexpr int64_t kEntryChannels[] = {128, 256, 728};
constexpr int kMiddleBlocks = 8;
constexpr int64_t kMiddleChannels = 728;
constexpr int64_t kNumClasses = 1000;

std::string BlockName(int block) { return "block" + std::to_string(block); }

// Square, stride-1, unpadded and bias-free (every conv here feeds a BN, which supplies the
// shift); callers adjust the rest. Assigned field by field because GCC warns about the
// members a designated initializer leaves out.
GraphBuilder::ConvSpec BiasFreeConv(int64_t out_channels, int64_t kernel) {
  GraphBuilder::ConvSpec spec;
  spec.out_channels = out_channels;
  spec.kernel = {kernel, kernel};
  spec.bias = false;
  return spec;
}

// Unpadded 3x3 convolution of the stem, as Keras builds it (no bias: BN follows).
ValueId StemConvBnRelu(GraphBuilder& b, const std::string& name, ValueId x, int64_t out_channels,
                       int64_t stride) {
  ValueId y = b.Conv2d(name, x, out_channels, /*kernel=*/3, stride, /*pad=*/0, /*bias=*/false);
  y = b.BatchNorm(name + "_bn", y, kBnEpsilon);
  return b.Relu(name + "_act", y);
}

// Keras SeparableConv2D (depth multiplier 1, 'same', no bias) followed by its batch norm.
// The IR has no separable op, so it becomes a depthwise and a pointwise conv node, which
// is also how ONNX/TFLite exports of the model look.
ValueId SeparableConvBn(GraphBuilder& b, const std::string& name, ValueId x, int64_t out_channels,
                        float bn_gain = 1.0f) {
  GraphBuilder::ConvSpec depthwise = BiasFreeConv(b.channels(x), 3);
  depthwise.padding = Same(b.shape(x), depthwise.kernel, {1, 1});
  depthwise.groups = b.channels(x);
  ValueId y = b.Conv(name + "_dw", x, depthwise);
  y = b.Conv(name + "_pw", y, BiasFreeConv(out_channels, 1));
  return b.BatchNorm(name + "_bn", y, kBnEpsilon, bn_gain);
}

// Entry- and exit-flow block: two separable convs and a strided max pool, added to a
// strided 1x1 projection of the block input. The first block skips the leading ReLU
// because its input has just been through one.
ValueId DownsamplingBlock(GraphBuilder& b, int block, ValueId x, int64_t mid_channels,
                          int64_t out_channels, bool leading_relu) {
  const std::string prefix = BlockName(block);
  GraphBuilder::ConvSpec projection = BiasFreeConv(out_channels, 1);
  projection.strides = {2, 2};
  projection.padding = Same(b.shape(x), projection.kernel, projection.strides);
  ValueId shortcut = b.Conv(prefix + "_shortcut", x, projection);
  shortcut = b.BatchNorm(prefix + "_shortcut_bn", shortcut, kBnEpsilon);

  ValueId y = leading_relu ? b.Relu(prefix + "_sepconv1_act", x) : x;
  y = SeparableConvBn(b, prefix + "_sepconv1", y, mid_channels);
  y = b.Relu(prefix + "_sepconv2_act", y);
  y = SeparableConvBn(b, prefix + "_sepconv2", y, out_channels, kResidualBranchGain);
  y = b.MaxPool(prefix + "_pool", y, {3, 3}, {2, 2}, Same(b.shape(y), {3, 3}, {2, 2}));
  return b.Add(prefix + "_add", y, shortcut);
}

// Middle-flow block: three pre-activated separable convs around an identity shortcut.
ValueId MiddleBlock(GraphBuilder& b, int block, ValueId x) {
  const std::string prefix = BlockName(block);
  ValueId y = x;
  for (int i = 1; i <= 3; ++i) {
    const std::string conv = prefix + "_sepconv" + std::to_string(i);
    y = b.Relu(conv + "_act", y);
    y = SeparableConvBn(b, conv, y, kMiddleChannels, i == 3 ? kResidualBranchGain : 1.0f);
  }
  return b.Add(prefix + "_add", y, x);
}

}  // namespace

ir::Graph BuildXception(const ir::Shape& input) {
  GraphBuilder b("xception", input);

  // Entry flow.
  ValueId x = StemConvBnRelu(b, "block1_conv1", b.input(), 32, /*stride=*/2);
  x = StemConvBnRelu(b, "block1_conv2", x, 64, /*stride=*/1);
  int block = 2;
  for (int64_t channels : kEntryChannels) {
    x = DownsamplingBlock(b, block, x, channels, channels, /*leading_relu=*/block != 2);
    ++block;
  }

  // Middle flow.
  for (int i = 0; i < kMiddleBlocks; ++i) x = MiddleBlock(b, block++, x);

  // Exit flow.
  x = DownsamplingBlock(b, block++, x, 728, 1024, /*leading_relu=*/true);
  const std::string prefix = BlockName(block);
  x = SeparableConvBn(b, prefix + "_sepconv1", x, 1536);
  x = b.Relu(prefix + "_sepconv1_act", x);
  x = SeparableConvBn(b, prefix + "_sepconv2", x, 2048);
  x = b.Relu(prefix + "_sepconv2_act", x);

  return b.Finish({b.GlobalPoolClassifier(x, kNumClasses)});
}

}  // namespace edgebench::zoo
