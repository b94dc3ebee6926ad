// SSD (Liu et al. 2016) on a MobileNet-v1 feature extractor, as in the TensorFlow object
// detection API's ssd_mobilenet_v1_coco: 300x300 input, six feature maps (3 anchors on
// the first, 6 on the others), 1x1 box predictors, 90 COCO classes + background.
// The graph ends at the raw box encodings and class logits, each flattened per feature
// map and concatenated; anchor decoding and NMS are post-processing.
#include <string>
#include <vector>

#include "zoo/families.h"
#include "zoo/mobilenet_v1_body.h"

namespace edgebench::zoo {
namespace {

constexpr int64_t kClassesWithBackground = 91;

}  // namespace

ir::Graph BuildSsdMobileNetV1(const ir::Shape& input) {
  GraphBuilder b("ssd-mobilenet-v1", input);
  MobileNetV1Features body = MobileNetV1Body(b, b.input());
  std::vector<ValueId> feature_maps{body.stride16, body.stride32};
  ValueId x = body.stride32;
  const int64_t extra_depths[] = {512, 256, 256, 128};
  for (int i = 0; i < 4; ++i) {
    std::string name = "extra" + std::to_string(i + 1);
    x = ConvBnRelu6Same(b, name + "_1x1", x, extra_depths[i] / 2, 1, 1);
    x = ConvBnRelu6Same(b, name + "_3x3", x, extra_depths[i], 3, 2);
    feature_maps.push_back(x);
  }
  std::vector<ValueId> boxes;
  std::vector<ValueId> classes;
  for (size_t i = 0; i < feature_maps.size(); ++i) {
    const int64_t anchors = i == 0 ? 3 : 6;
    std::string name = "predictor" + std::to_string(i);
    ValueId box = b.Conv2d(name + "_box", feature_maps[i], anchors * 4, 1);
    ValueId cls = b.Conv2d(name + "_class", feature_maps[i], anchors * kClassesWithBackground, 1);
    boxes.push_back(b.Flatten(name + "_box_flat", box));
    classes.push_back(b.Flatten(name + "_class_flat", cls));
  }
  return b.Finish({b.Concat("box_encodings", boxes), b.Concat("class_logits", classes)});
}

}  // namespace edgebench::zoo
