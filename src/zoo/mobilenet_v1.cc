// MobileNet-v1 1.0 (Howard et al. 2017) as in TF-slim / Keras applications: a 3x3 stem
// and 13 depthwise-separable layers, then global pooling and a 1000-class classifier.
#include <string>

#include "zoo/families.h"
#include "zoo/mobilenet_v1_body.h"

namespace edgebench::zoo {

ValueId ConvBnRelu6Same(GraphBuilder& b, const std::string& name, ValueId x, int64_t out,
                        int64_t kernel, int64_t stride, int64_t groups) {
  ValueId y = b.Conv(name, x,
                     {.out_channels = out,
                      .kernel = {kernel, kernel},
                      .strides = {stride, stride},
                      .padding = Same(b.shape(x), {kernel, kernel}, {stride, stride}),
                      .groups = groups,
                      .bias = false});
  return b.Relu6(name + "_relu6", b.BatchNorm(name + "_bn", y, 1e-3f));
}

MobileNetV1Features MobileNetV1Body(GraphBuilder& b, ValueId input) {
  struct Separable {
    int64_t channels, stride;
  };
  const Separable layers[] = {{64, 1},  {128, 2}, {128, 1}, {256, 2}, {256, 1},  {512, 2}, {512, 1},
                              {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  MobileNetV1Features features{};
  ValueId x = ConvBnRelu6Same(b, "conv0", input, 32, 3, 2);
  for (int i = 0; i < 13; ++i) {
    std::string name = "conv" + std::to_string(i + 1);
    x = ConvBnRelu6Same(b, name + "_dw", x, b.channels(x), 3, layers[i].stride, b.channels(x));
    x = ConvBnRelu6Same(b, name + "_pw", x, layers[i].channels, 1, 1);
    if (i == 10) features.stride16 = x;
  }
  features.stride32 = x;
  return features;
}

ir::Graph BuildMobileNetV1(const ir::Shape& input) {
  GraphBuilder b("mobilenet-v1", input);
  ValueId x = MobileNetV1Body(b, b.input()).stride32;
  return b.Finish({b.GlobalPoolClassifier(x, 1000)});
}

}  // namespace edgebench::zoo
