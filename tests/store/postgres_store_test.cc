// PostgreSQL as the shared results store, against a real server started by the tests
// (pg_test_server.h): the schema derived from SQLite's, writes with server ids, reads,
// concurrent boards, push idempotence, a lost connection, resume per board, passwords.
#include "store/postgres_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "pg_test_server.h"
#include "store/pg_connection.h"
#include "store/pg_schema.h"
#include "store/results_store.h"

namespace edgebench::store {
namespace {

namespace fs = std::filesystem;
using harness::JobResult;
using harness::JobStatus;
using testing::PgTestServer;

RunInfo Board(const std::string& label) {
  return {.device_label = label,
          .command_line = "edgebench run --device-label " + label,
          .environment_json = R"({"cpu":"Cortex-A72","board":")" + label + "\"}",
          .build_revision = "abc",
          .tool_version = "0.1.0"};
}

// Job `i`: its samples are i+1 times 10, 11, 12 ms; repetition i+1.
JobResult Job(int i) {
  JobResult r;
  r.config = {.model = "cifarnet", .backend = "reference", .threads = 1};
  r.repetition = i + 1;
  r.status = JobStatus::kOk;
  r.samples = {0.010 * (i + 1), 0.011 * (i + 1), 0.012 * (i + 1)};
  r.summary.count = 3;
  r.summary.p50 = 0.011 * (i + 1);
  r.verification = harness::Verification{.rel_l2_error = 1e-7, .passed = true};
  return r;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PgTestServer::Get();
    if (server_ == nullptr && !PgTestServer::Installed()) {
      GTEST_SKIP() << "no PostgreSQL server: " << PgTestServer::Problem();
    }
    ASSERT_NE(server_, nullptr) << "PostgreSQL is installed but its server did not start: "
                                << PgTestServer::Problem();
    dir_ = fs::temp_directory_path() / ("pg_store_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    // Staging files of writing stores land here, not in the user's home.
    setenv("XDG_STATE_HOME", dir_.c_str(), 1);
    url_ = server_->NewDatabase();
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  int64_t Count(const std::string& sql) {
    PgConnection server(url_);
    return server.Exec(sql).Int(0, 0);
  }
  size_t StagingFiles() const {
    size_t files = 0;
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(dir_ / "edgebench", ignored)) {
      files += entry.path().extension() == ".db" ? 1 : 0;
    }
    return files;
  }

  PgTestServer* server_ = nullptr;
  fs::path dir_;
  std::string url_;
};

TEST(PostgresUrl, APasswordInTheUrlIsRefusedPointingAtPgpass) {
  for (const std::string url : {"postgresql://lab:s3cret@db.lab/results",
                                "postgresql://lab@db.lab/results?password=s3cret"}) {
    const std::optional<std::string> problem = PostgresUrlProblem(url);
    ASSERT_TRUE(problem) << url;
    EXPECT_NE(problem->find("PGPASSWORD"), std::string::npos);
    EXPECT_NE(problem->find(".pgpass"), std::string::npos);
    EXPECT_EQ(problem->find("s3cret"), std::string::npos);
    try {
      ResultsStore::Open(url);
      ADD_FAILURE() << "opened " << url;
    } catch (const StoreError& error) {
      EXPECT_EQ(std::string(error.what()).find("s3cret"), std::string::npos) << error.what();
    }
  }
  EXPECT_FALSE(PostgresUrlProblem("postgresql://lab@db.lab:5433/results"));
  EXPECT_TRUE(IsPostgresUrl("postgres://db.lab/results"));
  EXPECT_FALSE(IsPostgresUrl("postgresql.db"));
}

TEST_F(PostgresStoreTest, TheServerSchemaHasEverySqliteTableAndColumnAtThisVersion) {
  { ResultsStore store = ResultsStore::Open(url_); }
  PgConnection server(url_);
  EXPECT_EQ(ServerSchemaVersion(server), kSchemaVersion);
  const ResultsStore memory = ResultsStore::OpenInMemory();
  for (const TableSchema& table : DescribeSchema(memory.sqlite_handle())) {
    std::set<std::string> columns;
    for (const ColumnSchema& column : table.columns) columns.insert(column.name);
    EXPECT_EQ(ServerColumns(server, table.name), columns) << table.name;
  }
  // Spot checks against the SQLite schema as written in results_store.cc.
  EXPECT_EQ(server
                .Exec("SELECT data_type FROM information_schema.columns WHERE table_name = "
                      "'samples' AND column_name = 'seconds'")
                .Text(0, 0),
            "double precision");
  EXPECT_EQ(server
                .Exec("SELECT is_identity FROM information_schema.columns WHERE table_name = "
                      "'jobs' AND column_name = 'id'")
                .Text(0, 0),
            "YES");
  EXPECT_EQ(server.Exec("SELECT indexdef FROM pg_indexes WHERE indexname = 'jobs_by_uid'").rows(),
            1);
}

TEST_F(PostgresStoreTest, ASchemaCreatedByANewerEdgebenchIsRefused) {
  { ResultsStore store = ResultsStore::Open(url_); }
  PgConnection(url_).Exec("INSERT INTO edgebench_schema (version) VALUES (" +
                          std::to_string(kSchemaVersion + 1) + ")");
  for (const bool read_only : {false, true}) {
    try {
      if (read_only) {
        ResultsStore::OpenReadOnly(url_);
      } else {
        ResultsStore::Open(url_);
      }
      ADD_FAILURE() << "opened a newer schema";
    } catch (const StoreError& error) {
      EXPECT_NE(std::string(error.what()).find("newer edgebench"), std::string::npos)
          << error.what();
    }
  }
}

TEST_F(PostgresStoreTest, AnOlderServerSchemaGainsWhatThisVersionAdds) {
  { ResultsStore store = ResultsStore::Open(url_); }
  {
    // What a server written by the previous version lacks: the jobs' uid and its index.
    PgConnection server(url_);
    server.Exec("DROP INDEX jobs_by_uid");
    server.Exec("ALTER TABLE jobs DROP COLUMN uid");
    server.Exec("DROP TABLE tune_trials");
    server.Exec("DELETE FROM edgebench_schema");
    server.Exec("INSERT INTO edgebench_schema (version) VALUES (" +
                std::to_string(kSchemaVersion - 1) + ")");
  }
  {
    // Reading does not upgrade: it reads what is there.
    const ResultsStore reader = ResultsStore::OpenReadOnly(url_);
    EXPECT_TRUE(reader.Runs().empty());
  }
  EXPECT_EQ(Count("SELECT max(version) FROM edgebench_schema"), kSchemaVersion - 1);
  ResultsStore store = ResultsStore::Open(url_);
  store.RecordJob(store.BeginRun(Board("rpi4")), Job(0));
  EXPECT_EQ(Count("SELECT max(version) FROM edgebench_schema"), kSchemaVersion);
  EXPECT_EQ(Count("SELECT count(*) FROM jobs WHERE length(uid) = 32"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM pg_indexes WHERE indexname = 'jobs_by_uid'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM pg_tables WHERE tablename = 'tune_trials'"), 1);
}

TEST_F(PostgresStoreTest, ReadingAnEmptyServerSaysSoAndWritesNothing) {
  try {
    ResultsStore::OpenReadOnly(url_);
    ADD_FAILURE() << "opened a server without results";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("no edgebench results"), std::string::npos);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), 0);
}

TEST_F(PostgresStoreTest, RunsJobsAndSamplesRoundTripWithTheServersIds) {
  int64_t run = 0;
  {
    ResultsStore store = ResultsStore::Open(url_);
    run = store.BeginRun(Board("rpi4-a"));
    store.RecordJob(run, Job(0));
    store.RecordJob(run, Job(1));
    store.FinishRun(run);
    EXPECT_EQ(store.UnpushedNotice(), "");
  }
  EXPECT_EQ(run, Count("SELECT id FROM runs"));  // the id printed is the server's
  EXPECT_EQ(StagingFiles(), 0u);                 // everything arrived: no leftovers
  const ResultsStore reader = ResultsStore::OpenReadOnly(url_);
  const std::vector<StoredRun> runs = reader.Runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].info.device_label, "rpi4-a");
  EXPECT_EQ(runs[0].info.environment_json, Board("rpi4-a").environment_json);
  EXPECT_TRUE(runs[0].finished_at);
  const std::vector<StoredJob> jobs = reader.Jobs(run);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[1].result.repetition, 2);
  EXPECT_DOUBLE_EQ(jobs[1].result.summary.p50, 0.022);
  EXPECT_TRUE(jobs[1].result.verification && jobs[1].result.verification->passed);
  EXPECT_EQ(reader.Samples(jobs[1].id), (std::vector<double>{0.020, 0.022, 0.024}));
  EXPECT_EQ(reader.LatestRunId(), run);
}

TEST_F(PostgresStoreTest, BoardsStartingTogetherOnAnEmptyServerCreateTheSchemaOnce) {
  std::vector<std::thread> boards;
  std::atomic<int> failures = 0;
  for (int b = 0; b < 4; ++b) {
    boards.emplace_back([&] {
      try {
        ResultsStore store = ResultsStore::Open(url_);
      } catch (const StoreError&) {
        ++failures;
      }
    });
  }
  for (std::thread& board : boards) board.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM edgebench_schema"), 1);
}

TEST_F(PostgresStoreTest, FourBoardsWritingAtOnceGetUniqueIdsAndLoseNothing) {
  constexpr int kBoards = 4;
  constexpr int kJobs = 6;
  std::vector<std::thread> boards;
  std::vector<int64_t> runs(kBoards);
  for (int b = 0; b < kBoards; ++b) {
    boards.emplace_back([&, b] {
      ResultsStore store = ResultsStore::Open(url_);
      runs[static_cast<size_t>(b)] = store.BeginRun(Board("board-" + std::to_string(b)));
      for (int i = 0; i < kJobs; ++i) store.RecordJob(runs[static_cast<size_t>(b)], Job(i));
      store.FinishRun(runs[static_cast<size_t>(b)]);
    });
  }
  for (std::thread& board : boards) board.join();
  EXPECT_EQ(std::set<int64_t>(runs.begin(), runs.end()).size(), size_t{kBoards});
  EXPECT_EQ(Count("SELECT count(DISTINCT id) FROM jobs"), kBoards * kJobs);
  EXPECT_EQ(Count("SELECT count(*) FROM samples"), kBoards * kJobs * 3);
  EXPECT_EQ(Count("SELECT count(DISTINCT run_id) FROM jobs"), kBoards);
  // Every job sits in its own board's run.
  EXPECT_EQ(Count("SELECT count(*) FROM jobs JOIN runs ON runs.id = jobs.run_id WHERE "
                  "runs.command_line = 'edgebench run --device-label ' || runs.device_label"),
            kBoards * kJobs);
  const ResultsStore reader = ResultsStore::OpenReadOnly(url_);
  for (int b = 0; b < kBoards; ++b) {
    EXPECT_EQ(reader.Jobs(runs[static_cast<size_t>(b)]).size(), size_t{kJobs});
  }
}

TEST_F(PostgresStoreTest, PushIsIdempotentAndKeepsLabelsAndEnvironments) {
  const std::string file = Path("board.db");
  {
    ResultsStore local = ResultsStore::Open(file);
    for (const std::string label : {"jetson", "rpi4"}) {
      const int64_t run = local.BeginRun(Board(label));
      for (int i = 0; i < 3; ++i) local.RecordJob(run, Job(i));
      local.FinishRun(run);
    }
    local.RecordMachinePeak({.measured_at = "2026-01-01T00:00:00.000Z",
                             .hostname = "rpi4",
                             .cpu_model = "Cortex-A72",
                             .isa = "neon",
                             .peak_json = "{}"});
  }
  const ResultsStore source = ResultsStore::OpenReadOnly(file);
  const PushCounts first = PushToPostgres(source, url_);
  EXPECT_EQ(first.runs_added, 2);
  EXPECT_EQ(first.jobs_added, 6);
  EXPECT_EQ(first.rows_added, 6 * 3 + 6 + 1);  // samples, verifications, the peak
  const PushCounts second = PushToPostgres(source, url_);
  EXPECT_EQ(second.runs_added, 0);
  EXPECT_EQ(second.runs_present, 2);
  EXPECT_EQ(second.jobs_added, 0);
  EXPECT_EQ(second.jobs_present, 6);
  EXPECT_EQ(second.rows_added, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM samples"), 18);
  EXPECT_EQ(Count("SELECT count(*) FROM machine_peaks"), 1);
  const ResultsStore server = ResultsStore::OpenReadOnly(url_);
  const std::vector<StoredRun> pushed = server.Runs();
  const std::vector<StoredRun> local = source.Runs();
  ASSERT_EQ(pushed.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(pushed[i].info.device_label, local[i].info.device_label);
    EXPECT_EQ(pushed[i].info.environment_json, local[i].info.environment_json);
    EXPECT_EQ(pushed[i].started_at, local[i].started_at);
    EXPECT_EQ(pushed[i].finished_at, local[i].finished_at);
  }
}

TEST_F(PostgresStoreTest, PushingARunAgainAddsOnlyTheJobsTheServerLacks) {
  const std::string file = Path("board.db");
  int64_t run = 0;
  {
    ResultsStore local = ResultsStore::Open(file);
    run = local.BeginRun(Board("rpi4"));
    local.RecordJob(run, Job(0));
  }
  PushToPostgres(ResultsStore::OpenReadOnly(file), url_);
  {
    ResultsStore local = ResultsStore::Open(file);
    local.RecordJob(run, Job(1));
    local.FinishRun(run);
  }
  const PushCounts again = PushToPostgres(ResultsStore::OpenReadOnly(file), url_);
  EXPECT_EQ(again.runs_present, 1);
  EXPECT_EQ(again.jobs_present, 1);
  EXPECT_EQ(again.jobs_added, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM jobs"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL"), 1);
}

TEST_F(PostgresStoreTest, ALostConnectionKeepsMeasuringLocallyAndSaysWhatToPush) {
  std::string notice;
  {
    ResultsStore store = ResultsStore::Open(url_);
    const int64_t run = store.BeginRun(Board("rpi4"));
    store.RecordJob(run, Job(0));
    // The server drops the board's connection (a restart, a network cut).
    PgConnection(url_).Exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
        "current_database() AND pid <> pg_backend_pid()");
    EXPECT_NO_THROW(store.RecordJob(run, Job(1)));
    EXPECT_NO_THROW(store.RecordJob(run, Job(2)));
    store.FinishRun(run);
    EXPECT_EQ(store.Jobs(run).size(), 3u);  // all measured, locally
    notice = store.UnpushedNotice();
  }
  EXPECT_EQ(Count("SELECT count(*) FROM jobs"), 1);
  ASSERT_EQ(StagingFiles(), 1u);
  const std::string staging = fs::directory_iterator(dir_ / "edgebench")->path().string();
  EXPECT_NE(notice.find("2 job(s)"), std::string::npos) << notice;
  EXPECT_NE(notice.find("edgebench push " + staging + " " + url_), std::string::npos) << notice;
  const PushCounts pushed = PushToPostgres(ResultsStore::OpenReadOnly(staging), url_);
  EXPECT_EQ(pushed.runs_present, 1);
  EXPECT_EQ(pushed.jobs_present, 1);
  EXPECT_EQ(pushed.jobs_added, 2);
  EXPECT_EQ(Count("SELECT count(*) FROM jobs"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM samples"), 9);
  EXPECT_EQ(Count("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL"), 1);
}

TEST_F(PostgresStoreTest, ResumeContinuesTheLatestRunOfThisBoardOnly) {
  int64_t run_a = 0;
  {
    ResultsStore store = ResultsStore::Open(url_);
    run_a = store.BeginRun(Board("board-a"));
    store.RecordJob(run_a, Job(0));
    store.RecordJob(run_a, Job(1));
  }
  {
    ResultsStore other = ResultsStore::Open(url_);
    other.RecordJob(other.BeginRun(Board("board-b")), Job(0));  // a later run, another board
  }
  ResultsStore store = ResultsStore::Open(url_);
  EXPECT_EQ(store.ResumableRunId("board-c"), std::nullopt);
  ASSERT_EQ(store.ResumableRunId("board-a"), run_a);
  const std::map<int, JobStatus> done = store.CompletedRepetitions(run_a, Job(0).config);
  EXPECT_EQ(done.size(), 2u);
  EXPECT_TRUE(done.contains(1) && done.contains(2));
  store.RecordJob(run_a, Job(2));
  store.FinishRun(run_a);
  EXPECT_EQ(Count("SELECT count(*) FROM jobs WHERE run_id = " + std::to_string(run_a)), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM runs"), 2);
}

}  // namespace
}  // namespace edgebench::store
