// `edgebench tune` and `edgebench optimizations` end to end through the real harness:
// worker processes (this binary, re-executed) running test-only backends whose times are
// scripted, so the fastest configuration is known in advance.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/optimizations_command.h"
#include "cli/tune_command.h"
#include "harness/tune_search.h"
#include "harness/worker.h"
#include "scripted_backend.h"
#include "store/results_store.h"

namespace edgebench::cli {
namespace {

namespace fs = std::filesystem;

class ScriptedCommandTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "edgebench-tune-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    // One cache for every test: the reference outputs are computed once per process tree.
    cache_dir_ = (dir_ / "cache").string();
    // A model small enough that the reference engine's first run and the pruning
    // deviation (32 seeded inputs) cost microseconds: BN for fold-bn, 8 class scores for
    // top-1/top-5 agreement.
    model_ = (dir_ / "tiny.cfg").string();
    std::ofstream(model_) << "[net]\nwidth=8\nheight=8\nchannels=3\n\n"
                             "[convolutional]\nbatch_normalize=1\nfilters=16\nsize=3\n"
                             "stride=1\npad=1\nactivation=leaky\n\n"
                             "[convolutional]\nfilters=8\nsize=1\nstride=1\npad=0\n"
                             "activation=linear\n\n[avgpool]\n\n[softmax]\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  backends::BackendRegistry Registry() const {
    return testing_support::ScriptedRegistry("/nonexistent-plugin-dir");
  }

  fs::path dir_;
  std::string cache_dir_;
  std::string model_;
};

TEST_F(ScriptedCommandTest, TuneFindsTheScriptedBestWithFewerMeasurementsThanTheGrid) {
  const TuneOptions options{.model = model_,
                            .backends = "scripted-fast,scripted-slow",
                            .threads = "1,2",
                            .precisions = "fp32,fp16",
                            .fusion = "on,off",
                            .affinity = "none",
                            .budget = 160,
                            .keep = 0.5,
                            .min_runs = 8,
                            .warmup_runs = 1,
                            .db = (dir_ / "tune.db").string(),
                            .cache_dir = cache_dir_};
  std::ostringstream out;
  ASSERT_EQ(RunTune(options, Registry(), out), kExitOk) << out.str();

  const store::ResultsStore store = store::ResultsStore::OpenReadOnly(options.db);
  const std::vector<store::StoredTuneSearch> searches = store.TuneSearches();
  ASSERT_EQ(searches.size(), 1u);
  const store::StoredTuneSearch& search = searches.front();
  const std::string model = search.model;
  EXPECT_NE(model.find("tiny.cfg"), std::string::npos) << model;
  // The script's fastest: scripted-fast, 2 threads, fp16, fused (0.15 ms; the next best
  // are 0.3 ms).
  const harness::JobConfig expected{.model = model,
                                    .backend = "scripted-fast",
                                    .threads = 2,
                                    .precision = "fp16",
                                    .weight_seed = 2019};
  EXPECT_EQ(search.best_key, harness::ConfigKey(expected)) << out.str();
  EXPECT_EQ(search.baseline_key,
            harness::ConfigKey({.model = model, .backend = "scripted-fast", .weight_seed = 2019}));
  // 8 configurations on each backend; the slow one refuses no-fusion (no such toggle) and
  // fp16 (found unsupported by running).
  ASSERT_EQ(search.trials.size(), 16u);
  int refused = 0;
  for (const store::StoredTuneTrial& t : search.trials) {
    if (t.status == harness::JobStatus::kUnsupported) {
      ++refused;
      EXPECT_EQ(t.config.backend, "scripted-slow");
      EXPECT_TRUE(t.error.find("has no optimization toggle") != std::string::npos ||
                  t.error.find("fp16 unsupported on this backend") != std::string::npos)
          << t.error;
    }
  }
  EXPECT_EQ(refused, 6);
  // Fewer timed inferences than the grid measured as precisely as the winner, counted
  // from the stored samples of every round's jobs.
  int64_t stored_samples = 0;
  for (const store::StoredJob& job : store.Jobs(search.run_id)) {
    stored_samples += job.result.summary.count;
  }
  EXPECT_EQ(search.measurements, stored_samples);
  const store::StoredTuneTrial* winner = nullptr;
  for (const store::StoredTuneTrial& t : search.trials) {
    if (harness::ConfigKey(t.config) == search.best_key) winner = &t;
  }
  ASSERT_NE(winner, nullptr);
  // The exhaustive grid: every configuration not refused before running -- all but the
  // four no-fusion ones of scripted-slow, which lists no toggle (a precision is found
  // unsupported only by running, as on a real backend).
  EXPECT_EQ(search.exhaustive_measurements, 12 * winner->samples);
  EXPECT_LT(search.measurements, search.exhaustive_measurements);
  // The scripted speed-up over the default is 4x; the interval must hold a speed-up.
  EXPECT_GT(search.speedup_low, 1.0) << out.str();
  EXPECT_GT(search.speedup, 2.0) << out.str();
  EXPECT_NE(out.str().find("best for " + model + ": scripted-fast fp16, 2 threads"),
            std::string::npos)
      << out.str();
}

TEST_F(ScriptedCommandTest, OptimizationsTableShowsMeasuredAndUnsupportedCellsWithReasons) {
  OptimizationsOptions options{.models = {model_},
                               .backends = "reference,scripted-fast",
                               .repetitions = 1,
                               .measure = {.warmup_runs = 1,
                                           .warmup_time = 0,
                                           .min_runs = 8,
                                           .min_time = 0,
                                           .max_runs = 8,
                                           .max_time = 10,
                                           .target_ci = 0},
                               .db = (dir_ / "opt.db").string(),
                               .format = "json",
                               .cache_dir = cache_dir_};
  std::ostringstream first;
  ASSERT_EQ(RunOptimizations(options, Registry(), first), kExitOk) << first.str();
  const nlohmann::json rows = nlohmann::json::parse(first.str());
  ASSERT_EQ(rows.size(), 2u) << first.str();
  const nlohmann::json& reference = rows[0];
  const nlohmann::json& scripted = rows[1];
  EXPECT_EQ(reference["model"], model_);
  EXPECT_EQ(reference["backend"], "reference");
  EXPECT_EQ(scripted["backend"], "scripted-fast");
  const auto cell = [](const nlohmann::json& row, const char* key) {
    return row[key].get<std::string>();
  };
  // int8 runs on neither: each job is unsupported with its backend's reason.
  EXPECT_EQ(cell(reference, "quantization")
                .rfind("unsupported: int8 unsupported on this backend: "
                       "the reference engine is the fp32 oracle",
                       0),
            0u)
      << cell(reference, "quantization");
  EXPECT_EQ(cell(scripted, "quantization"),
            "unsupported: int8 unsupported on this backend: scripted-fast is scripted without it");
  // fp16 halves the scripted time: a measured 2x on scripted-fast; fusion buys 1.5x by
  // the script (no-fusion's time over the default's). A loaded machine stretches spins.
  EXPECT_NEAR(std::stod(cell(scripted, "half_precision")), 2.0, 0.2) << scripted;
  EXPECT_NE(cell(scripted, "half_precision").find("x ["), std::string::npos) << scripted;
  EXPECT_NEAR(std::stod(cell(scripted, "fusion")), 1.5, 0.15) << scripted;
  EXPECT_EQ(
      cell(scripted, "dynamic_graph").rfind("unsupported: scripted-fast builds its graph once", 0),
      0u);
  // Pruning runs everywhere, with its deviation over 32 seeded inputs.
  for (const nlohmann::json* row : {&reference, &scripted}) {
    EXPECT_NE(cell(*row, "pruning").find("relL2 mean"), std::string::npos) << *row;
    EXPECT_NE(cell(*row, "channel_pruning").find("(32 inputs)"), std::string::npos) << *row;
  }
  // No tune search yet: the auto-tuning cell says how to get one.
  EXPECT_EQ(cell(scripted, "auto_tuning")
                .rfind("not measured: no tune search of " + model_ + " on scripted-fast", 0),
            0u);

  // A second call reuses the stored jobs: --no-run gives the same measured cells.
  const size_t runs_before = store::ResultsStore::OpenReadOnly(options.db).Runs().size();
  options.no_run = true;
  std::ostringstream second;
  ASSERT_EQ(RunOptimizations(options, Registry(), second), kExitOk);
  EXPECT_EQ(second.str(), first.str());
  options.no_run = false;
  std::ostringstream third;
  ASSERT_EQ(RunOptimizations(options, Registry(), third), kExitOk);
  EXPECT_EQ(store::ResultsStore::OpenReadOnly(options.db).Runs().size(), runs_before)
      << "nothing was missing, so no run was begun";
}

TEST_F(ScriptedCommandTest, OptimizationsTableFooterSaysSeededWeightsAreNotTrained) {
  OptimizationsOptions options{.models = {model_},
                               .backends = "scripted-slow",
                               .no_run = true,
                               .db = (dir_ / "empty.db").string(),
                               .cache_dir = cache_dir_};
  std::ostringstream out;
  EXPECT_EQ(RunOptimizations(options, Registry(), out), kExitFailure)
      << "--no-run reads a database; it never creates one";
  EXPECT_FALSE(fs::exists(options.db));
  store::ResultsStore::Open(options.db);
  ASSERT_EQ(RunOptimizations(options, Registry(), out), kExitOk);
  EXPECT_NE(out.str().find("Weights are seeded, not trained"), std::string::npos) << out.str();
  // The aligned table footnotes its reasons: "unsupported [n]" and "[n] ... why" (the
  // dynamic graph is known unsupported without running; precisions are found by running).
  EXPECT_NE(out.str().find("unsupported [4]"), std::string::npos) << out.str();
  EXPECT_NE(
      out.str().find("[4] " + model_ + " scripted-slow, dynamic graph (eager): unsupported: "),
      std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("not measured: not in the database"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace edgebench::cli

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], edgebench::harness::kWorkerArgument) == 0) {
    return edgebench::harness::WorkerMain(argc, argv, [](const std::string& plugin_dir) {
      return edgebench::testing_support::ScriptedRegistry(plugin_dir);
    });
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
