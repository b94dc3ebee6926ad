// Inception-v4 (Szegedy et al., AAAI 2017) as built by TF-slim and its Keras and PyTorch
// ports, whose checkpoints define the reference shapes and parameter counts. Node names
// follow TF-slim's scopes (mixed_5b, ...) with branch indices.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "zoo/families.h"
#include "zoo/graph_builder.h"

namespace edgebench::zoo {
namespace {

// TF-slim's batch-norm epsilon; the released checkpoints were trained with it.
constexpr float kBnEpsilon = 1e-3f;

// TF-slim's checkpoints reserve class 0 for "background", so the classifier has 1001.
constexpr int64_t kNumClasses = 1001;

constexpr int kInceptionABlocks = 4;
constexpr int kInceptionBBlocks = 7;
constexpr int kInceptionCBlocks = 3;

enum class Pad { kValid, kSame };

// One "conv_bn" unit: bias-free convolution (BN supplies the shift), BN and ReLU. The
// node names the unit; its BN and ReLU carry suffixes. The BN keeps a learned scale as the
// PyTorch ports (Cadene, timm) do; TF-slim builds it without one, 31,584 fewer params.
ValueId ConvBn(GraphBuilder& b, const std::string& name, ValueId x, int64_t out_channels,
               std::vector<int64_t> kernel, int64_t stride = 1, Pad pad = Pad::kSame) {
  // Filled field by field: GCC warns about members a designated initializer leaves out.
  GraphBuilder::ConvSpec spec;
  spec.out_channels = out_channels;
  spec.kernel = std::move(kernel);
  spec.strides = {stride, stride};
  if (pad == Pad::kSame) spec.padding = Same(b.shape(x), spec.kernel, spec.strides);
  spec.bias = false;
  ValueId y = b.Conv(name, x, spec);
  y = b.BatchNorm(name + "_bn", y, kBnEpsilon);
  return b.Relu(name + "_relu", y);
}

ValueId MaxPool3x3s2(GraphBuilder& b, const std::string& name, ValueId x) {
  return b.MaxPool(name, x, {3, 3}, {2, 2});
}

// The pooling branch of every Inception module: TF 'SAME' average pooling divides by the
// number of real pixels under the window, i.e. excludes the padding.
ValueId AvgPool3x3Same(GraphBuilder& b, const std::string& name, ValueId x) {
  return b.AvgPool(name, x, {3, 3}, {1, 1}, Same(b.shape(x), {3, 3}, {1, 1}),
                   /*ceil_mode=*/false, /*count_include_pad=*/false);
}

// Prefix for the units of one branch: "mixed_5b_branch2_".
std::string Branch(const std::string& block, int branch) {
  return block + "_branch" + std::to_string(branch) + "_";
}

// Repeated blocks are mixed_5b, mixed_5c, ...; 'a' names the block that opens each stage.
std::string BlockName(int stage, int index) {
  return "mixed_" + std::to_string(stage) + static_cast<char>('b' + index);
}

// 299 -> 35x35x384.
ValueId Stem(GraphBuilder& b, ValueId x) {
  x = ConvBn(b, "conv2d_1a_3x3", x, 32, {3, 3}, 2, Pad::kValid);
  x = ConvBn(b, "conv2d_2a_3x3", x, 32, {3, 3}, 1, Pad::kValid);
  x = ConvBn(b, "conv2d_2b_3x3", x, 64, {3, 3}, 1, Pad::kSame);

  {
    const std::string block = "mixed_3a";
    ValueId b0 = MaxPool3x3s2(b, Branch(block, 0) + "pool", x);
    ValueId b1 = ConvBn(b, Branch(block, 1) + "conv1", x, 96, {3, 3}, 2, Pad::kValid);
    x = b.Concat(block + "_concat", {b0, b1});
  }
  {
    const std::string block = "mixed_4a";
    std::string p = Branch(block, 0);
    ValueId b0 = ConvBn(b, p + "conv1", x, 64, {1, 1});
    b0 = ConvBn(b, p + "conv2", b0, 96, {3, 3}, 1, Pad::kValid);
    p = Branch(block, 1);
    ValueId b1 = ConvBn(b, p + "conv1", x, 64, {1, 1});
    b1 = ConvBn(b, p + "conv2", b1, 64, {1, 7});
    b1 = ConvBn(b, p + "conv3", b1, 64, {7, 1});
    b1 = ConvBn(b, p + "conv4", b1, 96, {3, 3}, 1, Pad::kValid);
    x = b.Concat(block + "_concat", {b0, b1});
  }
  {
    const std::string block = "mixed_5a";
    ValueId b0 = ConvBn(b, Branch(block, 0) + "conv1", x, 192, {3, 3}, 2, Pad::kValid);
    ValueId b1 = MaxPool3x3s2(b, Branch(block, 1) + "pool", x);
    x = b.Concat(block + "_concat", {b0, b1});
  }
  return x;
}

// 35x35, 384 channels in and out.
ValueId InceptionA(GraphBuilder& b, const std::string& block, ValueId x) {
  ValueId b0 = ConvBn(b, Branch(block, 0) + "conv1", x, 96, {1, 1});

  std::string p = Branch(block, 1);
  ValueId b1 = ConvBn(b, p + "conv1", x, 64, {1, 1});
  b1 = ConvBn(b, p + "conv2", b1, 96, {3, 3});

  p = Branch(block, 2);
  ValueId b2 = ConvBn(b, p + "conv1", x, 64, {1, 1});
  b2 = ConvBn(b, p + "conv2", b2, 96, {3, 3});
  b2 = ConvBn(b, p + "conv3", b2, 96, {3, 3});

  p = Branch(block, 3);
  ValueId b3 = AvgPool3x3Same(b, p + "pool", x);
  b3 = ConvBn(b, p + "conv1", b3, 96, {1, 1});

  return b.Concat(block + "_concat", {b0, b1, b2, b3});
}

// 35x35x384 -> 17x17x1024.
ValueId ReductionA(GraphBuilder& b, ValueId x) {
  const std::string block = "mixed_6a";
  ValueId b0 = ConvBn(b, Branch(block, 0) + "conv1", x, 384, {3, 3}, 2, Pad::kValid);

  const std::string p = Branch(block, 1);
  ValueId b1 = ConvBn(b, p + "conv1", x, 192, {1, 1});
  b1 = ConvBn(b, p + "conv2", b1, 224, {3, 3});
  b1 = ConvBn(b, p + "conv3", b1, 256, {3, 3}, 2, Pad::kValid);

  ValueId b2 = MaxPool3x3s2(b, Branch(block, 2) + "pool", x);
  return b.Concat(block + "_concat", {b0, b1, b2});
}

// 17x17, 1024 channels in and out; factorized 7x7 convolutions.
ValueId InceptionB(GraphBuilder& b, const std::string& block, ValueId x) {
  ValueId b0 = ConvBn(b, Branch(block, 0) + "conv1", x, 384, {1, 1});

  std::string p = Branch(block, 1);
  ValueId b1 = ConvBn(b, p + "conv1", x, 192, {1, 1});
  b1 = ConvBn(b, p + "conv2", b1, 224, {1, 7});
  b1 = ConvBn(b, p + "conv3", b1, 256, {7, 1});

  p = Branch(block, 2);
  ValueId b2 = ConvBn(b, p + "conv1", x, 192, {1, 1});
  b2 = ConvBn(b, p + "conv2", b2, 192, {7, 1});
  b2 = ConvBn(b, p + "conv3", b2, 224, {1, 7});
  b2 = ConvBn(b, p + "conv4", b2, 224, {7, 1});
  b2 = ConvBn(b, p + "conv5", b2, 256, {1, 7});

  p = Branch(block, 3);
  ValueId b3 = AvgPool3x3Same(b, p + "pool", x);
  b3 = ConvBn(b, p + "conv1", b3, 128, {1, 1});

  return b.Concat(block + "_concat", {b0, b1, b2, b3});
}

// 17x17x1024 -> 8x8x1536.
ValueId ReductionB(GraphBuilder& b, ValueId x) {
  const std::string block = "mixed_7a";
  std::string p = Branch(block, 0);
  ValueId b0 = ConvBn(b, p + "conv1", x, 192, {1, 1});
  b0 = ConvBn(b, p + "conv2", b0, 192, {3, 3}, 2, Pad::kValid);

  p = Branch(block, 1);
  ValueId b1 = ConvBn(b, p + "conv1", x, 256, {1, 1});
  b1 = ConvBn(b, p + "conv2", b1, 256, {1, 7});
  b1 = ConvBn(b, p + "conv3", b1, 320, {7, 1});
  b1 = ConvBn(b, p + "conv4", b1, 320, {3, 3}, 2, Pad::kValid);

  ValueId b2 = MaxPool3x3s2(b, Branch(block, 2) + "pool", x);
  return b.Concat(block + "_concat", {b0, b1, b2});
}

// 8x8, 1536 channels in and out. Branches 1 and 2 fork into parallel 1x3 and 3x1 convs;
// the inner concats mirror the reference graphs (the channel order is the same either way).
ValueId InceptionC(GraphBuilder& b, const std::string& block, ValueId x) {
  ValueId b0 = ConvBn(b, Branch(block, 0) + "conv1", x, 256, {1, 1});

  std::string p = Branch(block, 1);
  ValueId b1 = ConvBn(b, p + "conv1", x, 384, {1, 1});
  ValueId b1a = ConvBn(b, p + "conv2a", b1, 256, {1, 3});
  ValueId b1b = ConvBn(b, p + "conv2b", b1, 256, {3, 1});
  b1 = b.Concat(p + "concat", {b1a, b1b});

  p = Branch(block, 2);
  ValueId b2 = ConvBn(b, p + "conv1", x, 384, {1, 1});
  b2 = ConvBn(b, p + "conv2", b2, 448, {3, 1});
  b2 = ConvBn(b, p + "conv3", b2, 512, {1, 3});
  ValueId b2a = ConvBn(b, p + "conv4a", b2, 256, {1, 3});
  ValueId b2b = ConvBn(b, p + "conv4b", b2, 256, {3, 1});
  b2 = b.Concat(p + "concat", {b2a, b2b});

  p = Branch(block, 3);
  ValueId b3 = AvgPool3x3Same(b, p + "pool", x);
  b3 = ConvBn(b, p + "conv1", b3, 256, {1, 1});

  return b.Concat(block + "_concat", {b0, b1, b2, b3});
}

}  // namespace

ir::Graph BuildInceptionV4(const ir::Shape& input) {
  GraphBuilder b("inception_v4", input);

  ValueId x = Stem(b, b.input());
  for (int i = 0; i < kInceptionABlocks; ++i) x = InceptionA(b, BlockName(5, i), x);
  x = ReductionA(b, x);
  for (int i = 0; i < kInceptionBBlocks; ++i) x = InceptionB(b, BlockName(6, i), x);
  x = ReductionB(b, x);
  for (int i = 0; i < kInceptionCBlocks; ++i) x = InceptionC(b, BlockName(7, i), x);

  return b.Finish({b.GlobalPoolClassifier(x, kNumClasses)});
}

}  // namespace edgebench::zoo
