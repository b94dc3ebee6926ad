// The energy tables (schema version 5): round trip, and the results table's energy
// columns with and without a sensor.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>

#include "report/energy_table.h"
#include "store/pooled_jobs.h"
#include "store/results_store.h"

namespace edgebench::store {
namespace {

namespace fs = std::filesystem;

class EnergyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "edgebench-energy-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Db() const { return (dir_ / "results.db").string(); }

  fs::path dir_;
};

harness::JobResult Job(const std::string& model) {
  harness::JobResult r;
  r.config = {.model = model, .backend = "reference"};
  r.status = harness::JobStatus::kOk;
  r.samples = {0.010, 0.011, 0.010};
  return r;
}

harness::JobEnergy Measured() {
  harness::JobEnergy energy{.window_seconds = 0.5, .inferences = 50, .idle_seconds = 2};
  energy.figures.push_back({.source_id = "rapl:intel-rapl:0",
                            .boundary = "cpu-package:0",
                            .kind = "energy-counter",
                            .unit = "J",
                            .method = "counter-delta",
                            .joules = 10,
                            .mj_per_inference = 200,
                            .idle_watts = 4,
                            .idle_subtracted_mj_per_inference = 160,
                            .average_watts = 20,
                            .peak_watts = 23.5});
  energy.figures.push_back({.source_id = "hwmon0:rail1",
                            .boundary = "board-rail:VDD_IN",
                            .kind = "power",
                            .unit = "W",
                            .method = "power-integral",
                            .problem = "1 sample: at least two are needed"});
  energy.figures.push_back({.source_id = "thermal_zone0",
                            .boundary = "thermal:x86_pkg_temp",
                            .kind = "temperature",
                            .unit = "C",
                            .start_value = 45,
                            .end_value = 58,
                            .min_value = 45,
                            .max_value = 58.5});
  energy.traces.push_back({.source_id = "thermal_zone0",
                           .boundary = "thermal:x86_pkg_temp",
                           .kind = "temperature",
                           .unit = "C",
                           .seconds = {-0.1, 0.0, 0.25},
                           .values = {44, 45, 50}});
  energy.thermal = {.cooldown_target_celsius = 45,
                    .cooldown_wait_seconds = 12.5,
                    .cooldown_reached = true,
                    .throttled = true,
                    .throttle_reason = "temperature +13.0 C, clock 2000 -> 1500 MHz"};
  return energy;
}

TEST_F(EnergyStoreTest, RoundTripsFiguresThermalRecordAndTraces) {
  ResultsStore store = ResultsStore::Open(Db());
  const int64_t run = store.BeginRun({});
  const int64_t measured = store.RecordJob(run, Job("a"));
  const int64_t bare = store.RecordJob(run, Job("b"));
  store.RecordJobEnergy(measured, Measured());

  EXPECT_FALSE(store.JobEnergyOf(bare));
  const auto without = store.JobEnergyOf(measured);
  ASSERT_TRUE(without);
  EXPECT_TRUE(without->traces.empty());
  const auto energy = store.JobEnergyOf(measured, /*with_traces=*/true);
  ASSERT_TRUE(energy);
  EXPECT_EQ(energy->inferences, 50);
  EXPECT_DOUBLE_EQ(energy->window_seconds, 0.5);
  EXPECT_DOUBLE_EQ(*energy->thermal.cooldown_target_celsius, 45);
  EXPECT_DOUBLE_EQ(energy->thermal.cooldown_wait_seconds, 12.5);
  EXPECT_TRUE(energy->thermal.throttled);
  EXPECT_FALSE(energy->thermal.time_to_throttle_seconds);
  ASSERT_EQ(energy->figures.size(), 3u);
  const harness::SourceFigures* package = nullptr;
  const harness::SourceFigures* rail = nullptr;
  for (const auto& f : energy->figures) {
    if (f.source_id == "rapl:intel-rapl:0") package = &f;
    if (f.source_id == "hwmon0:rail1") rail = &f;
  }
  ASSERT_TRUE(package && rail);
  EXPECT_EQ(package->boundary, "cpu-package:0");
  EXPECT_DOUBLE_EQ(*package->idle_subtracted_mj_per_inference, 160);
  EXPECT_DOUBLE_EQ(*package->peak_watts, 23.5);
  EXPECT_FALSE(package->max_value);
  EXPECT_FALSE(rail->joules);
  EXPECT_EQ(rail->problem, "1 sample: at least two are needed");
  ASSERT_EQ(energy->traces.size(), 1u);
  EXPECT_EQ(energy->traces[0].seconds, (std::vector<double>{-0.1, 0.0, 0.25}));
  EXPECT_EQ(energy->traces[0].values, (std::vector<double>{44, 45, 50}));

  // Export: the figures keep their boundary; a missing figure is null, not 0.
  const nlohmann::json json = report::EnergyJson(*energy);
  EXPECT_TRUE(json["throttled"].get<bool>());
  EXPECT_EQ(json["traces"].size(), 1u);
  bool saw_rail = false;
  for (const auto& f : json["figures"]) {
    if (f["source_id"] == "hwmon0:rail1") {
      saw_rail = true;
      EXPECT_TRUE(f["joules"].is_null());
      EXPECT_EQ(f["boundary"], "board-rail:VDD_IN");
    }
  }
  EXPECT_TRUE(saw_rail);
}

// A job and the energy measured around it are one transaction: both, or neither.
TEST_F(EnergyStoreTest, AJobAndItsEnergyAreStoredTogetherOrNotAtAll) {
  ResultsStore store = ResultsStore::Open(Db());
  const int64_t run = store.BeginRun({});
  const harness::JobEnergy energy = Measured();
  const int64_t job = store.RecordJob(run, Job("a"), &energy);
  const auto stored = store.JobEnergyOf(job, /*with_traces=*/true);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->figures.size(), energy.figures.size());
  EXPECT_EQ(stored->traces.size(), energy.traces.size());

  // Two traces of one source break the traces' primary key halfway through the energy
  // rows: the job row written before them must go too.
  harness::JobEnergy broken = Measured();
  broken.traces.push_back(broken.traces.front());
  EXPECT_THROW(store.RecordJob(run, Job("b"), &broken), StoreError);
  EXPECT_EQ(store.Jobs(run).size(), 1u);
}

TEST_F(EnergyStoreTest, ResultsTableShowsFiguresOrNoSensor) {
  ResultsStore store = ResultsStore::Open(Db());
  const int64_t run = store.BeginRun({});
  store.RecordJobEnergy(store.RecordJob(run, Job("a")), Measured());
  store.RecordJob(run, Job("b"));
  const std::vector<harness::PooledJob> pooled = PooledJobs(store, run);
  report::Table table;
  table.columns = {{"model", "model"}, {"detail", "detail"}};
  for (const auto& job : pooled) {
    table.rows.push_back({report::TextCell(job.config.model), report::TextCell("")});
  }
  report::AppendEnergyColumns(table, pooled, report::EnergiesOfRun(store, run));
  ASSERT_EQ(table.columns.size(), 10u);
  EXPECT_EQ(table.columns.back().key, "detail");
  auto cell = [&](size_t row, const std::string& key) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (table.columns[c].key == key) return table.rows[row][c].text;
    }
    return std::string("<no column>");
  };
  EXPECT_EQ(cell(0, "mj_per_inference"), "200.000");
  EXPECT_EQ(cell(0, "idle_subtracted_mj_per_inference"), "160.000");
  EXPECT_EQ(cell(0, "average_watts"), "20.00");
  EXPECT_EQ(cell(0, "energy_boundary"), "cpu-package:0 (rapl:intel-rapl:0)");
  EXPECT_EQ(cell(0, "max_celsius"), "58.5");
  EXPECT_EQ(cell(0, "throttled"), "THROTTLED");
  EXPECT_EQ(cell(1, "mj_per_inference"), report::kNoSensor);
  EXPECT_EQ(cell(1, "average_watts"), report::kNoSensor);
  EXPECT_EQ(cell(1, "max_celsius"), report::kNoSensor);
}

TEST_F(EnergyStoreTest, SchemaFourFilesGainTheEnergyTables) {
  {
    ResultsStore store = ResultsStore::Open(Db());
    store.RecordJob(store.BeginRun({}), Job("a"));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(Db().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(
          db,
          "DROP INDEX jobs_by_uid; ALTER TABLE jobs DROP COLUMN uid; "
          "ALTER TABLE jobs DROP COLUMN kernels; "
          "ALTER TABLE jobs DROP COLUMN wrapper; ALTER TABLE jobs DROP COLUMN worker_pid; "
          "ALTER TABLE jobs DROP COLUMN worker_namespaces; "
          "ALTER TABLE jobs DROP COLUMN new_namespaces; "
          "DROP TABLE tune_trials; DROP TABLE tune_searches; "
          "DROP TABLE graph_passes; DROP TABLE layer_profile_rows; DROP TABLE layer_profiles; "
          "DROP TABLE job_energy; DROP TABLE job_thermal; DROP TABLE sensor_traces; "
          "PRAGMA user_version = 4",
          nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  ResultsStore store = ResultsStore::Open(Db());
  const int64_t job = store.Jobs(std::nullopt).at(0).id;
  EXPECT_FALSE(store.JobEnergyOf(job));
  store.RecordJobEnergy(job, Measured());
  EXPECT_TRUE(store.JobEnergyOf(job));
}

}  // namespace
}  // namespace edgebench::store
