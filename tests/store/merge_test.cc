// Merging results databases: runs, jobs, samples, verifications and machine peaks are
// copied with new ids and their device labels; merging the same file again adds
// nothing; an older-schema or foreign file is handled by the usual open checks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "store/results_store.h"

namespace edgebench::store {
namespace {

namespace fs = std::filesystem;
using harness::JobResult;
using harness::JobStatus;

class MergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("merge_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // A database with one run on `device` of `jobs` jobs, each with 3 samples and a
  // verification, and one machine peak.
  std::string Board(const std::string& name, const std::string& device, int jobs) {
    ResultsStore db = ResultsStore::Open(Path(name));
    const int64_t run = db.BeginRun({.device_label = device,
                                     .command_line = "edgebench run --device-label " + device,
                                     .environment_json = "{}",
                                     .build_revision = "abc",
                                     .tool_version = "0.1.0"});
    for (int i = 0; i < jobs; ++i) {
      JobResult r;
      r.config = {.model = "model-" + std::to_string(i), .backend = "reference", .threads = 1};
      r.status = JobStatus::kOk;
      r.samples = {0.01 * (i + 1), 0.011 * (i + 1), 0.012 * (i + 1)};
      r.summary.count = 3;
      r.verification = harness::Verification{};
      r.verification->rel_l2_error = 1e-7 * (i + 1);
      r.verification->passed = true;
      db.RecordJob(run, r);
    }
    db.FinishRun(run);
    db.RecordMachinePeak({.measured_at = "2026-01-01T00:00:00.000Z",
                          .hostname = device,
                          .cpu_model = "cpu",
                          .isa = "avx2",
                          .peak_json = "{}"});
    return Path(name);
  }

  fs::path dir_;
};

TEST_F(MergeTest, CopiesEverythingWithLabelsAndIsIdempotent) {
  const std::string a = Board("a.db", "board-a", 2);
  const std::string b = Board("b.db", "board-b", 3);
  ResultsStore fleet = ResultsStore::Open(Path("fleet.db"));
  ResultsStore::MergeCounts first = fleet.MergeFrom(ResultsStore::OpenReadOnly(a));
  EXPECT_EQ(first.runs_added, 1);
  EXPECT_EQ(first.jobs_added, 2);
  // 2 x 3 samples + 2 verifications + 1 machine peak.
  EXPECT_EQ(first.rows_added, 9);
  fleet.MergeFrom(ResultsStore::OpenReadOnly(b));

  const std::vector<StoredRun> runs = fleet.Runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].info.device_label, "board-a");
  EXPECT_EQ(runs[1].info.device_label, "board-b");
  const std::vector<StoredJob> b_jobs = fleet.Jobs(runs[1].id);
  ASSERT_EQ(b_jobs.size(), 3u);
  EXPECT_EQ(b_jobs[2].result.config.model, "model-2");
  EXPECT_EQ(fleet.Samples(b_jobs[2].id), (std::vector<double>{0.01 * 3, 0.011 * 3, 0.012 * 3}));
  ASSERT_TRUE(b_jobs[2].result.verification.has_value());
  EXPECT_DOUBLE_EQ(b_jobs[2].result.verification->rel_l2_error, 3e-7);
  EXPECT_TRUE(fleet.LatestMachinePeak("board-b", "cpu").has_value());

  // Again: nothing new.
  const ResultsStore::MergeCounts again = fleet.MergeFrom(ResultsStore::OpenReadOnly(a));
  EXPECT_EQ(again.runs_added, 0);
  EXPECT_EQ(again.runs_present, 1);
  EXPECT_EQ(again.rows_added, 0);
  EXPECT_EQ(fleet.Runs().size(), 2u);
  EXPECT_EQ(fleet.Jobs(std::nullopt).size(), 5u);
}

TEST_F(MergeTest, ARunContinuedAfterAMergeBringsOnlyItsNewJobs) {
  const std::string a = Board("a.db", "board-a", 2);
  ResultsStore fleet = ResultsStore::Open(Path("fleet.db"));
  fleet.MergeFrom(ResultsStore::OpenReadOnly(a));
  {
    // The board resumes its run after the merge and records one more job.
    ResultsStore board = ResultsStore::Open(a);
    JobResult r;
    r.config = {.model = "model-late", .backend = "reference", .threads = 1};
    r.status = JobStatus::kOk;
    r.samples = {0.5, 0.6};
    r.summary.count = 2;
    board.RecordJob(board.Runs().at(0).id, r);
  }
  const ResultsStore::MergeCounts again = fleet.MergeFrom(ResultsStore::OpenReadOnly(a));
  EXPECT_EQ(again.runs_added, 0);
  EXPECT_EQ(again.runs_present, 1);
  EXPECT_EQ(again.jobs_added, 1);
  EXPECT_EQ(again.rows_added, 2);  // its two samples
  ASSERT_EQ(fleet.Runs().size(), 1u);
  const std::vector<StoredJob> jobs = fleet.Jobs(fleet.Runs()[0].id);
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[2].result.config.model, "model-late");
  EXPECT_EQ(fleet.Samples(jobs[2].id), (std::vector<double>{0.5, 0.6}));
  EXPECT_EQ(fleet.MergeFrom(ResultsStore::OpenReadOnly(a)).jobs_added, 0);
}

TEST_F(MergeTest, AFileThatIsNoResultsDatabaseIsRefusedAndNothingChanges) {
  const std::string a = Board("a.db", "board-a", 1);
  { std::ofstream(Path("notes.db")) << "not sqlite at all, just text that is long enough......"; }
  ResultsStore fleet = ResultsStore::Open(Path("fleet.db"));
  fleet.MergeFrom(ResultsStore::OpenReadOnly(a));
  EXPECT_THROW(ResultsStore::OpenReadOnly(Path("notes.db")), StoreError);
  EXPECT_EQ(fleet.Runs().size(), 1u);
}

}  // namespace
}  // namespace edgebench::store
