// MobileNet-v2 (Sandler et al. 2018) as in torchvision: inverted residual blocks with
// linear bottlenecks, ReLU6, width multiplier 1.0.
#include <string>

#include "zoo/families.h"
#include "zoo/graph_builder.h"

namespace edgebench::zoo {
namespace {

ValueId ConvBnRelu6(GraphBuilder& b, const std::string& name, ValueId x, int64_t out, int64_t k,
                    int64_t stride, int64_t groups = 1) {
  ValueId y = b.Conv2d(name, x, out, k, stride, k / 2, /*bias=*/false, groups);
  return b.Relu6(name + "_relu6", b.BatchNorm(name + "_bn", y));
}

ValueId InvertedResidual(GraphBuilder& b, const std::string& name, ValueId x, int64_t expand,
                         int64_t out, int64_t stride) {
  const int64_t in = b.channels(x);
  const int64_t hidden = in * expand;
  ValueId y = x;
  if (expand != 1) y = ConvBnRelu6(b, name + "_expand", y, hidden, 1, 1);
  y = ConvBnRelu6(b, name + "_dw", y, hidden, 3, stride, hidden);
  y = b.Conv2d(name + "_project", y, out, 1, 1, 0, /*bias=*/false);
  const bool residual = stride == 1 && in == out;
  y = b.BatchNorm(name + "_project_bn", y, 1e-5f, residual ? 0.3f : 1.0f);
  return residual ? b.Add(name + "_add", x, y) : y;
}

}  // namespace

ir::Graph BuildMobileNetV2(const ir::Shape& input) {
  GraphBuilder b("mobilenet-v2", input);
  ValueId x = ConvBnRelu6(b, "stem", b.input(), 32, 3, 2);
  struct Stage {
    int64_t expand, channels, repeats, stride;
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  int block = 0;
  for (const Stage& stage : stages) {
    for (int64_t i = 0; i < stage.repeats; ++i) {
      x = InvertedResidual(b, "block" + std::to_string(block++), x, stage.expand, stage.channels,
                           i == 0 ? stage.stride : 1);
    }
  }
  x = ConvBnRelu6(b, "head", x, 1280, 1, 1);
  return b.Finish({b.GlobalPoolClassifier(x, 1000)});
}

}  // namespace edgebench::zoo
