#include "zoo/model_zoo.h"

#include <gtest/gtest.h>

#include "ir/cost.h"

namespace edgebench::zoo {
namespace {

// Expected counts of each definition at its default input. Parameter counts are the
// published trainable counts of the reference implementations (torchvision, Keras,
// Darknet, Caffe prototxts); MACs agree with an independent count from the published
// layer tables (and, for the Darknet models, with Darknet's own BFLOPs printout).
struct Expected {
  const char* id;
  int64_t macs;
  int64_t params;
};

const Expected kExpected[] = {
    {"resnet-18", 1'814'073'344, 11'689'512},
    {"resnet-50", 4'089'184'256, 25'557'032},
    {"resnet-101", 7'801'405'440, 44'549'160},
    {"xception", 4'552'879'072, 22'855'952},
    {"mobilenet-v2", 300'774'272, 3'504'872},
    {"inception-v4", 6'121'896'288, 42'681'353},
    {"alexnet", 714'188'480, 61'100'840},
    {"vgg16", 15'470'264'320, 138'357'544},
    {"vgg19", 19'632'062'464, 143'667'240},
    {"vgg-s-32", 31'867'936, 29'508'200},
    {"vgg-s-224", 2'637'708'320, 102'908'520},
    {"cifarnet", 32'778'112, 1'756'426},
    {"ssd-mobilenet-v1", 1'237'129'408, 6'819'839},
    {"yolov3", 9'548'342'272, 61'949'149},
    {"tiny-yolo", 806'754'816, 8'852'366},
    {"c3d", 29'271'617'536, 79'991'015},
    {"cifarnet-valid", 14'693'248, 797'962},
    {"mobilenet-v1", 568'740'352, 4'231'976},
    {"tiny-yolo-v2-voc", 3'485'520'896, 15'861'773},
};

TEST(ModelZooTest, CatalogHoldsTheSixteenStudyModelsInTableOrder) {
  const char* study_ids[] = {"resnet-18", "resnet-50", "resnet-101", "xception",
                             "mobilenet-v2", "inception-v4", "alexnet", "vgg16",
                             "vgg19", "vgg-s-32", "vgg-s-224", "cifarnet",
                             "ssd-mobilenet-v1", "yolov3", "tiny-yolo", "c3d"};
  std::vector<std::string> ids;
  for (const ModelEntry& entry : ModelCatalog()) {
    if (entry.study_model) ids.emplace_back(entry.id);
  }
  ASSERT_EQ(ids.size(), 16u);
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], study_ids[i]);
}

TEST(ModelZooTest, EveryModelBuildsWithItsExpectedCounts) {
  ASSERT_EQ(std::size(kExpected), ModelCatalog().size());
  for (const Expected& expected : kExpected) {
    SCOPED_TRACE(expected.id);
    ir::Graph graph = BuildModel(expected.id);
    ir::GraphCost cost = ir::CountGraph(graph);
    EXPECT_EQ(cost.params, expected.params);
    EXPECT_EQ(cost.macs, expected.macs);
    EXPECT_FALSE(graph.outputs().empty());
    for (const ir::Value& value : graph.values()) {
      EXPECT_FALSE(value.shape.empty()) << value.name;
      EXPECT_TRUE(value.data.empty()) << "weights materialized while counting: " << value.name;
    }
  }
}

TEST(ModelZooTest, ClassifierOutputsAreProbabilities) {
  EXPECT_EQ(BuildModel("resnet-50").value(BuildModel("resnet-50").outputs()[0]).shape,
            (ir::Shape{1, 1000}));
  ir::Graph yolo = BuildModel("yolov3@416");
  ASSERT_EQ(yolo.outputs().size(), 3u);
  EXPECT_EQ(yolo.value(yolo.outputs()[0]).shape, (ir::Shape{1, 255, 13, 13}));
  EXPECT_EQ(yolo.value(yolo.outputs()[2]).shape, (ir::Shape{1, 255, 52, 52}));
  ir::Graph ssd = BuildModel("ssd-mobilenet-v1");
  ASSERT_EQ(ssd.outputs().size(), 2u);
  EXPECT_EQ(ssd.value(ssd.outputs()[0]).shape, (ir::Shape{1, 1917 * 4}));
  EXPECT_EQ(ssd.value(ssd.outputs()[1]).shape, (ir::Shape{1, 1917 * 91}));
}

TEST(ModelZooTest, InputSizeSuffixIsParsed) {
  ModelSpec square = ResolveModel("yolov3@320");
  EXPECT_EQ(square.input, (ir::Shape{1, 3, 320, 320}));
  EXPECT_EQ(square.canonical_id, "yolov3@320x320");
  ModelSpec rect = ResolveModel("resnet-18@240x320");
  EXPECT_EQ(rect.input, (ir::Shape{1, 3, 240, 320}));
  ModelSpec clip = ResolveModel("c3d@16x112x112");
  EXPECT_EQ(clip.input, (ir::Shape{1, 3, 16, 112, 112}));
  EXPECT_EQ(ResolveModel("vgg16@224").canonical_id, "vgg16");
}

TEST(ModelZooTest, BadRequestsAreClearErrors) {
  for (const char* request : {"nope", "yolov3@", "yolov3@0", "yolov3@abc", "yolov3@1x2x3",
                              "c3d@112", "yolov3@-5", "resnet-18@99999", "@224"}) {
    SCOPED_TRACE(request);
    EXPECT_THROW(ResolveModel(request), ModelError);
  }
  try {
    ResolveModel("resnet-19");
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find("resnet-18"), std::string::npos)
        << "the error should list the known ids";
  }
}

TEST(ModelZooTest, TooSmallInputIsAModelErrorNotACrash) {
  EXPECT_THROW(BuildModel("vgg16@16"), ModelError);
  EXPECT_THROW(BuildModel("inception-v4@32"), ModelError);
  EXPECT_THROW(BuildModel("alexnet@32"), ModelError);
}

TEST(ModelZooTest, LargerInputScalesConvWork) {
  // Fully convolutional YOLO: MACs scale with the pixel count.
  const double at224 = static_cast<double>(ir::CountGraph(BuildModel("yolov3")).macs);
  const double at448 = static_cast<double>(ir::CountGraph(BuildModel("yolov3@448")).macs);
  EXPECT_NEAR(at448 / at224, 4.0, 1e-9);
}

}  // namespace
}  // namespace edgebench::zoo
