// Seeded weights must keep every activation of every zoo model finite and informative:
// a network whose activations explode, vanish or die would make cross-backend
// comparisons meaningless (everything agrees on zeros and NaNs). Runs each model once
// through the reference engine and inspects every node's output.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "backends/reference/reference_backend.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::zoo {
namespace {

struct ActivationStats {
  double rms = 0;
  double max_abs = 0;
  double zero_fraction = 0;
  bool finite = true;
};

ActivationStats Inspect(const std::vector<float>& data) {
  ActivationStats stats;
  double squares = 0;
  size_t zeros = 0;
  for (float value : data) {
    if (!std::isfinite(value)) stats.finite = false;
    squares += static_cast<double>(value) * value;
    stats.max_abs = std::max(stats.max_abs, std::abs(static_cast<double>(value)));
    zeros += value == 0.0f;
  }
  stats.rms = std::sqrt(squares / static_cast<double>(data.size()));
  stats.zero_fraction = static_cast<double>(zeros) / static_cast<double>(data.size());
  return stats;
}

class ZooNumericsTest : public testing::TestWithParam<const char*> {};

TEST_P(ZooNumericsTest, ActivationsStayFiniteAndInformative) {
  ir::Graph graph = BuildModel(GetParam());
  MaterializeWeights(graph, kDefaultWeightSeed);
  std::vector<backends::HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    inputs.emplace_back(graph.value(id).shape,
                        SeededInput(graph.value(id).shape, kDefaultWeightSeed));
  }
  double worst_rms = 1;
  double largest = 0;
  std::vector<backends::HostTensor> outputs;
  auto observe = [&](const ir::Node& node, const backends::HostTensor& out) {
    ActivationStats stats = Inspect(out.data);
    ASSERT_TRUE(stats.finite) << node.name;
    // Bounded: no layer amplifies the signal towards float overflow.
    EXPECT_LT(stats.max_abs, 1e4) << node.name;
    // Alive: not (almost) all zeros after a ReLU, not collapsed to nothing.
    EXPECT_LT(stats.zero_fraction, 0.99) << node.name;
    EXPECT_GT(stats.rms, 1e-3) << node.name;
    worst_rms = std::min(worst_rms, stats.rms);
    largest = std::max(largest, stats.max_abs);
  };
  backends::Status status = backends::reference::RunReference(graph, inputs, outputs, observe);
  ASSERT_TRUE(status.ok) << status.message;
  for (const backends::HostTensor& output : outputs) {
    // Classifier probabilities must not saturate into a one-hot vector: top-5 agreement
    // between backends is only meaningful when several classes have weight.
    if (output.shape.size() == 2 && output.shape[1] >= 10 &&
        graph.node(graph.value(graph.outputs()[0]).producer).op == ir::OpKind::kSoftmax) {
      const float top = *std::max_element(output.data.begin(), output.data.end());
      EXPECT_LT(top, 0.9f) << "softmax saturated";
      RecordProperty("top_probability", std::to_string(top));
    }
  }
  RecordProperty("smallest_rms", std::to_string(worst_rms));
  RecordProperty("largest_abs", std::to_string(largest));
}

// Sanitizer builds run the reference ~20x slower: they keep the small models only; the
// release build runs all 16.
#if defined(__SANITIZE_ADDRESS__)
INSTANTIATE_TEST_SUITE_P(SmallModels, ZooNumericsTest,
                         testing::Values("cifarnet", "vgg-s-32", "tiny-yolo@64"));
#else
INSTANTIATE_TEST_SUITE_P(StudyModels, ZooNumericsTest,
                         testing::Values("resnet-18", "resnet-50", "resnet-101", "xception",
                                         "mobilenet-v2", "inception-v4", "alexnet", "vgg16",
                                         "vgg19", "vgg-s-32", "vgg-s-224", "cifarnet",
                                         "ssd-mobilenet-v1", "yolov3", "tiny-yolo", "c3d"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });
#endif

}  // namespace
}  // namespace edgebench::zoo
