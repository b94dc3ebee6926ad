// YOLOv3 and YOLOv3-tiny exactly as Darknet's yolov3.cfg / yolov3-tiny.cfg (80 COCO
// classes, 3 anchors per scale), and YOLOv2-tiny-VOC (yolov2-tiny-voc.cfg, 20 classes,
// 5 anchors). The graphs end at the raw detection tensors (N x anchors*(classes+5) x H
// x W per scale); box decoding and NMS are post-processing.
#include <string>

#include "zoo/families.h"
#include "zoo/graph_builder.h"

namespace edgebench::zoo {
namespace {

constexpr int64_t kCocoDetectionChannels = 3 * (80 + 5);
constexpr int64_t kVocV2DetectionChannels = 5 * (20 + 5);
constexpr float kLeakySlope = 0.1f;

// Darknet's [convolutional] with batch_normalize=1, pad=1, activation=leaky.
class DarknetBuilder {
 public:
  explicit DarknetBuilder(GraphBuilder& b) : b_(b) {}

  ValueId Conv(ValueId x, int64_t filters, int64_t size, int64_t stride = 1) {
    std::string name = "conv" + std::to_string(index_++);
    ValueId y = b_.Conv2d(name, x, filters, size, stride, size / 2, /*bias=*/false);
    y = b_.BatchNorm(name + "_bn", y, 1e-5f, residual_gain_);
    return b_.LeakyRelu(name + "_leaky", y, kLeakySlope);
  }

  // The linear 1x1 convolution (with bias) that feeds a [yolo] layer.
  ValueId Detection(ValueId x, int64_t channels = kCocoDetectionChannels) {
    return b_.Conv2d("conv" + std::to_string(index_++) + "_detect", x, channels, 1);
  }

  // Darknet [maxpool] size=2: padding size-1 goes at the end, so stride 1 keeps the size.
  ValueId MaxPool(ValueId x, int64_t stride) {
    return b_.MaxPool("pool" + std::to_string(index_++), x, {2, 2}, {stride, stride},
                      Padding{{0, 0}, {1, 1}});
  }

  ValueId Residual(ValueId x, int64_t filters) {
    ValueId y = Conv(x, filters / 2, 1);
    residual_gain_ = 0.3f;
    y = Conv(y, filters, 3);
    residual_gain_ = 1.0f;
    return b_.Add("shortcut" + std::to_string(index_++), y, x);
  }

  ValueId Upsample(ValueId x) {
    return b_.Upsample("upsample" + std::to_string(index_++), x, {2, 2});
  }

  ValueId Route(ValueId a, ValueId b) {
    return b_.Concat("route" + std::to_string(index_++), {a, b});
  }

 private:
  GraphBuilder& b_;
  int index_ = 0;
  float residual_gain_ = 1.0f;
};

}  // namespace

ir::Graph BuildYoloV3(const ir::Shape& input) {
  GraphBuilder b("yolov3", input);
  DarknetBuilder d(b);
  // Darknet-53 backbone; stride-8 and stride-16 features feed the finer heads.
  ValueId x = d.Conv(b.input(), 32, 3);
  ValueId stride8 = ir::kNoId;
  ValueId stride16 = ir::kNoId;
  const int residuals[5] = {1, 2, 8, 8, 4};
  for (int stage = 0; stage < 5; ++stage) {
    int64_t filters = int64_t{64} << stage;
    x = d.Conv(x, filters, 3, 2);
    for (int i = 0; i < residuals[stage]; ++i) x = d.Residual(x, filters);
    if (stage == 2) stride8 = x;
    if (stage == 3) stride16 = x;
  }
  const ValueId skips[2] = {stride16, stride8};
  std::vector<ValueId> detections;
  for (int scale = 0; scale < 3; ++scale) {
    int64_t filters = int64_t{512} >> scale;
    x = d.Conv(x, filters, 1);
    x = d.Conv(x, filters * 2, 3);
    x = d.Conv(x, filters, 1);
    x = d.Conv(x, filters * 2, 3);
    ValueId branch = d.Conv(x, filters, 1);
    detections.push_back(d.Detection(d.Conv(branch, filters * 2, 3)));
    if (scale < 2) x = d.Route(d.Upsample(d.Conv(branch, filters / 2, 1)), skips[scale]);
  }
  return b.Finish(detections);
}

ir::Graph BuildYoloV2TinyVoc(const ir::Shape& input) {
  GraphBuilder b("tiny-yolo-v2-voc", input);
  DarknetBuilder d(b);
  ValueId x = b.input();
  for (int i = 0; i < 6; ++i) x = d.MaxPool(d.Conv(x, int64_t{16} << i, 3), i < 5 ? 2 : 1);
  x = d.Conv(d.Conv(x, 1024, 3), 1024, 3);
  return b.Finish({d.Detection(x, kVocV2DetectionChannels)});
}

ir::Graph BuildYoloV3Tiny(const ir::Shape& input) {
  GraphBuilder b("tiny-yolo", input);
  DarknetBuilder d(b);
  ValueId x = b.input();
  ValueId stride16 = ir::kNoId;
  for (int i = 0; i < 6; ++i) {
    x = d.Conv(x, int64_t{16} << i, 3);
    if (i == 4) stride16 = x;
    x = d.MaxPool(x, i < 5 ? 2 : 1);
  }
  x = d.Conv(x, 1024, 3);
  ValueId branch = d.Conv(x, 256, 1);
  ValueId coarse = d.Detection(d.Conv(branch, 512, 3));
  x = d.Route(d.Upsample(d.Conv(branch, 128, 1)), stride16);
  ValueId fine = d.Detection(d.Conv(x, 256, 3));
  return b.Finish({coarse, fine});
}

}  // namespace edgebench::zoo
