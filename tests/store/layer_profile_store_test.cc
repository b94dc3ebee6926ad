// Per-layer profiles in the results database: written with their job, read back whole.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "store/results_store.h"

namespace edgebench::store {
namespace {

namespace fs = std::filesystem;

class LayerProfileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "edgebench-profile-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path() const { return (dir_ / "results.db").string(); }

  fs::path dir_;
};

harness::JobResult ProfiledJob(const std::string& backend) {
  harness::JobResult result;
  result.config = {.model = "mobilenet-v2", .backend = backend, .weight_seed = 7};
  result.status = harness::JobStatus::kOk;
  result.samples = {0.010, 0.011};
  return result;
}

TEST_F(LayerProfileStoreTest, RowsRoundTripInOrderWithFusedGroupsAndAddedReorders) {
  harness::LayerProfile profile;
  profile.runs = 5;
  profile.unprofiled_p50 = 0.0105;
  profile.profiled_p50 = NAN;  // a figure the worker could not take reads back as NaN
  profile.attributed_p50 = 0.006;
  profile.rows = {
      {.layer = "conv1",
       .ir_nodes = {"conv1", "bn1", "relu1"},
       .kind = "Convolution",
       .seconds = 0.004,
       .macs = 118013952},
      {.layer = "reorder before fc", .ir_nodes = {}, .kind = "reorder", .seconds = 0.0001},
      {.layer = "fc", .ir_nodes = {"fc"}, .kind = "InnerProduct", .seconds = 0.002, .macs = 1000},
  };
  profile.nodes = {{"conv1", "conv", 118013952},
                   {"bn1", "batch_norm", 0},
                   {"relu1", "relu", 0},
                   {"fc", "fully_connected", 1000}};
  harness::JobResult with = ProfiledJob("onednn");
  with.layer_profile = profile;

  ResultsStore store = ResultsStore::Open(Path());
  const int64_t run = store.BeginRun({.device_label = "box"});
  const int64_t profiled = store.RecordJob(run, with);
  const int64_t plain = store.RecordJob(run, ProfiledJob("reference"));

  EXPECT_FALSE(store.LayerProfileOf(plain).has_value());
  const ResultsStore reader = ResultsStore::OpenReadOnly(Path());
  const std::optional<harness::LayerProfile> read = reader.LayerProfileOf(profiled);
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->available());
  EXPECT_EQ(read->runs, 5);
  EXPECT_DOUBLE_EQ(read->unprofiled_p50, 0.0105);
  EXPECT_TRUE(std::isnan(read->profiled_p50));
  ASSERT_EQ(read->rows.size(), 3u);
  EXPECT_EQ(read->rows[0].layer, "conv1");
  EXPECT_EQ(read->rows[0].ir_nodes, (std::vector<std::string>{"conv1", "bn1", "relu1"}));
  EXPECT_EQ(read->rows[0].kind, "Convolution");
  EXPECT_DOUBLE_EQ(read->rows[0].seconds, 0.004);
  EXPECT_EQ(read->rows[0].macs, 118013952);
  EXPECT_TRUE(read->rows[1].ir_nodes.empty());
  EXPECT_EQ(read->rows[2].layer, "fc");
  EXPECT_DOUBLE_EQ(read->RowSeconds(), 0.0061);
  EXPECT_DOUBLE_EQ(read->attributed_p50, 0.006);
  ASSERT_EQ(read->nodes.size(), 4u);
  EXPECT_EQ(read->nodes[3].name, "fc");
  EXPECT_EQ(read->nodes[3].op, "fully_connected");
  EXPECT_EQ(read->nodes[0].macs, 118013952);
}

TEST_F(LayerProfileStoreTest, ABackendWithoutProfilerKeepsItsReason) {
  harness::JobResult result = ProfiledJob("xnnpack");
  result.layer_profile =
      harness::LayerProfile{.no_profiler_reason = "this XNNPACK has none", .unprofiled_p50 = 0.003};
  ResultsStore store = ResultsStore::Open(Path());
  const int64_t job = store.RecordJob(store.BeginRun({}), result);
  const auto read = store.LayerProfileOf(job);
  ASSERT_TRUE(read.has_value());
  EXPECT_FALSE(read->available());
  EXPECT_EQ(NoProfilerText(*read), "no per-layer profiler: this XNNPACK has none");
  EXPECT_TRUE(read->rows.empty());
}

}  // namespace
}  // namespace edgebench::store
