// The tune tables (schema 8): a search and its trials round-trip, newest first per model,
// and merging a database carries them over under the merged run's new id.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "store/results_store.h"

namespace edgebench::store {
namespace {

namespace fs = std::filesystem;

class TuneStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "edgebench-tune-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string PathOf(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

StoredTuneSearch Search(int64_t run_id, const std::string& model) {
  StoredTuneSearch s{.run_id = run_id,
                     .model = model,
                     .space_json = R"({"threads":[1,2]})",
                     .settings_json = R"({"budget_runs":100})",
                     .speedup = 1.75,
                     .speedup_low = 1.5,
                     .speedup_high = std::nan(""),
                     .measurements = 90,
                     .exhaustive_measurements = 200,
                     .rationale = "fastest"};
  StoredTuneTrial best{.config = {.model = model,
                                  .backend = "reference",
                                  .threads = 2,
                                  .cpu_affinity = "0,1",
                                  .weight_seed = 7,
                                  .toggles = "fp16,no-fusion"},
                       .rounds = 3,
                       .samples = 60,
                       .p50 = 0.001,
                       .median_ci_low = 0.0009,
                       .median_ci_high = 0.0011};
  StoredTuneTrial refused{.config = {.model = model, .backend = "reference", .toggles = "int8"},
                          .status = harness::JobStatus::kUnsupported,
                          .error = "no int8 here",
                          .p50 = std::nan(""),
                          .median_ci_low = std::nan(""),
                          .median_ci_high = std::nan("")};
  StoredTuneTrial dropped{.config = {.model = model, .backend = "reference"},
                          .rounds = 1,
                          .eliminated_in = 1,
                          .why_dropped = "clearly slower",
                          .samples = 10,
                          .p50 = 0.002,
                          .median_ci_low = 0.0019,
                          .median_ci_high = 0.0021};
  s.best_key = harness::ConfigKey(best.config);
  s.baseline_key = harness::ConfigKey(dropped.config);
  s.trials = {best, refused, dropped};
  return s;
}

TEST_F(TuneStoreTest, SearchesRoundTripNewestFirst) {
  ResultsStore store = ResultsStore::Open(PathOf("r.db"));
  const int64_t first = store.BeginRun({});
  const int64_t second = store.BeginRun({});
  const int64_t other = store.BeginRun({});
  store.RecordTuneSearch(Search(first, "cifarnet"));
  store.RecordTuneSearch(Search(second, "cifarnet"));
  store.RecordTuneSearch(Search(other, "resnet-18"));
  store.RecordTuneSearch(Search(second, "cifarnet"));  // replaces, never duplicates

  const std::vector<StoredTuneSearch> found = store.TuneSearches("cifarnet");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].run_id, second);
  EXPECT_EQ(found[1].run_id, first);
  EXPECT_EQ(store.TuneSearches().size(), 3u);

  const StoredTuneSearch& s = found[0];
  EXPECT_FALSE(s.started_at.empty());
  EXPECT_EQ(s.speedup, 1.75);
  EXPECT_TRUE(std::isnan(s.speedup_high));
  EXPECT_EQ(s.measurements, 90);
  EXPECT_EQ(s.exhaustive_measurements, 200);
  ASSERT_EQ(s.trials.size(), 3u);
  EXPECT_EQ(harness::ConfigKey(s.trials[0].config), s.best_key);
  EXPECT_EQ(s.trials[0].config.cpu_affinity, "0,1");
  EXPECT_EQ(s.trials[0].config.toggles, "fp16,no-fusion");
  EXPECT_EQ(s.trials[0].samples, 60);
  EXPECT_EQ(s.trials[0].median_ci_high, 0.0011);
  EXPECT_EQ(s.trials[1].status, harness::JobStatus::kUnsupported);
  EXPECT_EQ(s.trials[1].error, "no int8 here");
  EXPECT_TRUE(std::isnan(s.trials[1].p50));
  EXPECT_EQ(s.trials[2].eliminated_in, 1);
  EXPECT_EQ(s.trials[2].why_dropped, "clearly slower");
}

TEST_F(TuneStoreTest, MergingCarriesSearchesUnderTheNewRunId) {
  ResultsStore target = ResultsStore::Open(PathOf("target.db"));
  target.BeginRun({.command_line = "already here"});
  {
    ResultsStore source = ResultsStore::Open(PathOf("source.db"));
    source.RecordTuneSearch(Search(source.BeginRun({.command_line = "tune"}), "cifarnet"));
    target.MergeFrom(source);
  }
  const std::vector<StoredTuneSearch> merged = target.TuneSearches("cifarnet");
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].run_id, 2);
  EXPECT_EQ(merged[0].trials.size(), 3u);
}

}  // namespace
}  // namespace edgebench::store
