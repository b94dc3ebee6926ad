#include "zoo/model_zoo.h"

#include <fmt/format.h>

#include "ir/shape_inference.h"
#include "zoo/families.h"

namespace edgebench::zoo {
namespace {

const ir::Shape kImageNet224{1, 3, 224, 224};
const ir::Shape kCifar32{1, 3, 32, 32};

}  // namespace

const std::vector<ModelEntry>& ModelCatalog() {
  static const std::vector<ModelEntry> catalog = {
      {"resnet-18", "ResNet-18 (He 2016), torchvision definition", kImageNet224, BuildResNet18,
       true},
      {"resnet-50", "ResNet-50 v1.5 (He 2016), torchvision definition", kImageNet224,
       BuildResNet50, true},
      {"resnet-101", "ResNet-101 v1.5 (He 2016), torchvision definition", kImageNet224,
       BuildResNet101, true},
      {"xception", "Xception (Chollet 2017), Keras applications definition", kImageNet224,
       BuildXception, true},
      {"mobilenet-v2", "MobileNet-v2 1.0 (Sandler 2018), torchvision definition", kImageNet224,
       BuildMobileNetV2, true},
      {"inception-v4", "Inception-v4 (Szegedy 2016), TF-slim definition, 1001 classes",
       kImageNet224, BuildInceptionV4, true},
      {"alexnet", "AlexNet (Krizhevsky 2014 single tower), torchvision definition",
       kImageNet224, BuildAlexNet, true},
      {"vgg16", "VGG-16 (Simonyan 2015, config D), torchvision definition", kImageNet224,
       BuildVgg16, true},
      {"vgg19", "VGG-19 (Simonyan 2015, config E), torchvision definition", kImageNet224,
       BuildVgg19, true},
      {"vgg-s-32", "VGG-S (Chatfield 2014), Caffe VGG_CNN_S definition, at 32x32", kCifar32,
       BuildVggS, true},
      {"vgg-s-224", "VGG-S (Chatfield 2014), Caffe VGG_CNN_S definition", kImageNet224,
       BuildVggS, true},
      {"cifarnet", "CifarNet, TF-slim definition, 10 classes", kCifar32, BuildCifarNet, true},
      {"ssd-mobilenet-v1",
       "SSD (Liu 2016) on MobileNet-v1, TF object detection API ssd_mobilenet_v1_coco",
       {1, 3, 300, 300}, BuildSsdMobileNetV1, true},
      {"yolov3", "YOLOv3 (Redmon 2018), Darknet yolov3.cfg, 80 classes", kImageNet224,
       BuildYoloV3, true},
      {"tiny-yolo", "Tiny-YOLO v3, Darknet yolov3-tiny.cfg, 80 classes", kImageNet224,
       BuildYoloV3Tiny, true},
      {"c3d", "C3D (Tran 2015), Caffe Sports-1M definition, 487 classes",
       {1, 3, 12, 112, 112}, BuildC3d, true},
      {"cifarnet-valid", "CifarNet with unpadded 5x5 convolutions", kCifar32,
       BuildCifarNetValidConv, false},
      {"mobilenet-v1", "MobileNet-v1 1.0 (Howard 2017) classifier, TF-slim definition",
       kImageNet224, BuildMobileNetV1, false},
      {"tiny-yolo-v2-voc", "Tiny-YOLO v2, Darknet yolov2-tiny-voc.cfg, 20 classes",
       {1, 3, 416, 416}, BuildYoloV2TinyVoc, false},
  };
  return catalog;
}

ModelSpec ResolveModel(const std::string& request) {
  const size_t at = request.find('@');
  const std::string id = request.substr(0, at);
  ModelSpec spec;
  for (const ModelEntry& entry : ModelCatalog()) {
    if (entry.id == id) spec.entry = &entry;
  }
  if (spec.entry == nullptr) {
    std::string known;
    for (const ModelEntry& entry : ModelCatalog()) known += fmt::format(" {}", entry.id);
    throw ModelError(fmt::format("unknown model '{}'; known models:{}", id, known));
  }
  spec.input = spec.entry->default_input;
  spec.canonical_id = id;
  if (at == std::string::npos) return spec;

  const size_t spatial_rank = spec.input.size() - 2;
  ir::Shape dims;
  if (!ir::ParseShape(request.substr(at + 1), dims) ||
      (dims.size() != 1 && dims.size() != spatial_rank)) {
    throw ModelError(fmt::format(
        "bad input size in '{}': expected {}@SIZE (square) or {}@{}", request, id, id,
        spatial_rank == 2 ? "HxW" : "FRAMESxHxW"));
  }
  if (dims.size() == 1) {
    if (spatial_rank != 2) {
      throw ModelError(fmt::format("'{}' takes FRAMESxHxW after '@'", id));
    }
    dims.push_back(dims.front());
  }
  for (int64_t dim : dims) {
    if (dim > 8192) throw ModelError(fmt::format("input size {} in '{}' is too large", dim, request));
  }
  std::copy(dims.begin(), dims.end(), spec.input.begin() + 2);
  if (spec.input != spec.entry->default_input) {
    spec.canonical_id = fmt::format("{}@{}", id, ir::ShapeToString(dims));
  }
  return spec;
}

ir::Graph BuildModel(const ModelSpec& spec) {
  try {
    ir::Graph graph = spec.entry->build(spec.input);
    graph.set_name(spec.canonical_id);
    ir::InferShapes(graph);
    return graph;
  } catch (const ir::GraphError& error) {
    throw ModelError(fmt::format("{} cannot take input {}: {}", spec.canonical_id,
                                 ir::ShapeToString(spec.input), error.what()));
  }
}

ir::Graph BuildModel(const std::string& request) { return BuildModel(ResolveModel(request)); }

}  // namespace edgebench::zoo
