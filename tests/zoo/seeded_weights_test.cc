#include "zoo/seeded_weights.h"

#include <gtest/gtest.h>

#include <cmath>

#include "zoo/model_zoo.h"

namespace edgebench::zoo {
namespace {

ir::Graph MaterializedModel(const char* id, uint64_t seed) {
  ir::Graph graph = BuildModel(id);
  MaterializeWeights(graph, seed);
  return graph;
}

// Golden digests: generated once and frozen. A change here means every stored result's
// weights changed, which must never happen silently.
TEST(SeededWeightsTest, DigestIsStableAcrossBuildsAndPlatforms) {
  EXPECT_EQ(WeightsDigest(MaterializedModel("cifarnet", kDefaultWeightSeed)),
            0xe10516d3486832c1ull);
  EXPECT_EQ(WeightsDigest(MaterializedModel("resnet-18", kDefaultWeightSeed)),
            0x1f49707fcb542c31ull);
}

TEST(SeededWeightsTest, SameSeedSameWeightsOtherSeedOtherWeights) {
  const uint64_t first = WeightsDigest(MaterializedModel("mobilenet-v2", 7));
  EXPECT_EQ(first, WeightsDigest(MaterializedModel("mobilenet-v2", 7)));
  EXPECT_NE(first, WeightsDigest(MaterializedModel("mobilenet-v2", 8)));
}

TEST(SeededWeightsTest, ValuesRespectTheirInitRanges) {
  ir::Graph graph = MaterializedModel("resnet-18", kDefaultWeightSeed);
  for (const ir::Value& value : graph.values()) {
    if (value.kind != ir::ValueKind::kConstant) continue;
    ASSERT_EQ(static_cast<int64_t>(value.data.size()), ir::ElementCount(value.shape));
    const float low = value.init.center - value.init.half_width;
    const float high = value.init.center + value.init.half_width;
    double sum = 0;
    for (float v : value.data) {
      ASSERT_TRUE(std::isfinite(v)) << value.name;
      ASSERT_GE(v, low) << value.name;
      ASSERT_LE(v, high) << value.name;
      sum += v;
    }
    if (value.role == ir::WeightRole::kBnVariance) {
      EXPECT_GT(low, 0.0f) << value.name;
    }
    if (value.data.size() > 1000) {
      // Uniform around the center: the mean is close to it.
      EXPECT_NEAR(sum / static_cast<double>(value.data.size()), value.init.center,
                  0.1 * value.init.half_width)
          << value.name;
    }
  }
}

TEST(SeededWeightsTest, TensorStreamsDependOnNameNotOrder) {
  // The same tensor in a differently sized model gets the same values.
  ir::Graph small = MaterializedModel("resnet-18", 3);
  ir::Graph large = BuildModel("resnet-18@320");
  MaterializeWeights(large, 3);
  const ir::ValueId in_small = small.FindValue("layer1_block0_conv1.weight");
  const ir::ValueId in_large = large.FindValue("layer1_block0_conv1.weight");
  ASSERT_NE(in_small, ir::kNoId);
  EXPECT_EQ(small.value(in_small).data, large.value(in_large).data);
}

}  // namespace
}  // namespace edgebench::zoo
