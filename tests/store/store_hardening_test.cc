// A results file must never be damaged further, written through a read-only view, or
// littered with side files by a command that only reads it.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "store/results_store.h"

namespace edgebench::store {
namespace {

namespace fs = std::filesystem;
using harness::JobConfig;
using harness::JobResult;
using harness::JobStatus;

class StoreHardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "edgebench-hardening-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    // Folders made read-only by a test must become writable again to be removed.
    std::error_code error;
    for (const auto& entry : fs::recursive_directory_iterator(dir_, error)) {
      if (entry.is_directory()) fs::permissions(entry.path(), fs::perms::owner_all, error);
    }
    fs::permissions(dir_, fs::perms::owner_all, error);
    fs::remove_all(dir_, error);
  }

  std::string PathOf(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

std::string ReadBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

JobResult Job(int index, size_t samples) {
  JobResult r;
  r.config = {.model = "model-" + std::to_string(index),
              .backend = "reference",
              .threads = 1,
              .cpu_affinity = "",
              .precision = "fp32",
              .weight_seed = 2019};
  r.status = JobStatus::kOk;
  r.error = "job " + std::to_string(index);
  r.samples.resize(samples);
  for (size_t i = 0; i < samples; ++i) r.samples[i] = index + 1e-6 * static_cast<double>(i);
  r.summary.count = static_cast<int64_t>(samples);
  return r;
}

RunInfo Info() {
  return {.device_label = "board",
          .command_line = "edgebench run",
          .environment_json = "{}",
          .build_revision = "abc",
          .tool_version = "0.1.0"};
}

// A closed database with one run of `jobs` jobs, each with `samples` samples.
void MakeDatabase(const std::string& path, int jobs, size_t samples) {
  ResultsStore store = ResultsStore::Open(path);
  const int64_t run = store.BeginRun(Info());
  for (int i = 0; i < jobs; ++i) store.RecordJob(run, Job(i, samples));
  store.FinishRun(run);
}

// Result of a one-row query through a plain read-only connection, or "<error: ...>".
std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  std::string value;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    value = text ? text : "<null>";
  } else {
    value = std::string("<error: ") + sqlite3_errmsg(db) + ">";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

// Overwrites one page of the `samples` table (found through the dbstat table) with
// random bytes, the way a bad sector or a stray write damages a file.
void DamageSamplesPage(const std::string& path) {
  const int page_size = std::stoi(RawQuery(path, "PRAGMA page_size"));
  const std::string page =
      RawQuery(path,
               "SELECT pageno FROM dbstat WHERE name = 'samples' AND pagetype = 'leaf' "
               "ORDER BY pageno LIMIT 1 OFFSET 5");
  ASSERT_EQ(page.find("<error"), std::string::npos) << page;
  std::mt19937 random(42);
  std::string garbage(static_cast<size_t>(page_size), '\0');
  for (char& byte : garbage) byte = static_cast<char>(random());
  std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
  file.seekp(static_cast<std::streamoff>(std::stoll(page) - 1) * page_size);
  file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  ASSERT_TRUE(file.good());
}

// Runs `body` in a child process as an unprivileged user (root ignores file permissions,
// so a permission test as root would prove nothing). Returns the child's exit code, or
// -1 when privileges cannot be dropped here.
int RunUnprivileged(const std::function<int()>& body) {
  const pid_t child = fork();
  if (child == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(100);
    int code = 3;
    try {
      code = body();
    } catch (const std::exception& error) {
      std::fprintf(stderr, "child: %s\n", error.what());
      code = 4;
    }
    std::fflush(stderr);
    _exit(code);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status)) return -2;
  return WEXITSTATUS(status) == 100 ? -1 : WEXITSTATUS(status);
}

void MakeReadableByAll(const fs::path& dir) {
  fs::permissions(dir, fs::perms::all, fs::perm_options::replace);
  for (const auto& entry : fs::directory_iterator(dir)) {
    fs::permissions(entry.path(), fs::perms::owner_read | fs::perms::group_read |
                                      fs::perms::others_read | fs::perms::owner_write);
  }
}

TEST_F(StoreHardeningTest, DamagedFileIsRefusedForWritingAndLeftAsItWas) {
  const std::string path = PathOf("results.db");
  MakeDatabase(path, 8, 4000);
  DamageSamplesPage(path);
  ASSERT_NE(RawQuery(path, "PRAGMA integrity_check"), "ok");
  const std::string before = ReadBytes(path);

  try {
    ResultsStore::Open(path);
    ADD_FAILURE() << "a damaged database was opened for writing";
  } catch (const StoreError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("damaged"), std::string::npos) << message;
    EXPECT_NE(message.find(".recover"), std::string::npos) << message;
    EXPECT_NE(message.find("backup"), std::string::npos) << message;
  }
  EXPECT_EQ(ReadBytes(path), before);
}

TEST_F(StoreHardeningTest, ReadingDamagedPagesSaysTheFileIsDamaged) {
  const std::string path = PathOf("results.db");
  MakeDatabase(path, 8, 4000);
  DamageSamplesPage(path);
  // Reading every sample, as export does, must hit the damaged page and say so.
  try {
    ResultsStore store = ResultsStore::OpenReadOnly(path);
    for (const StoredJob& job : store.Jobs(std::nullopt)) store.Samples(job.id);
    ADD_FAILURE() << "every sample of a damaged file was read without an error";
  } catch (const StoreError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("damaged"), std::string::npos) << message;
    EXPECT_NE(message.find(path), std::string::npos) << message;
  }
}

TEST_F(StoreHardeningTest, ReadOnlyStoreReadsEverythingAndWritesNothing) {
  const std::string path = PathOf("results.db");
  MakeDatabase(path, 2, 10);
  ASSERT_FALSE(fs::exists(path + "-wal"));
  const std::string before = ReadBytes(path);
  {
    ResultsStore store = ResultsStore::OpenReadOnly(path);
    ASSERT_EQ(store.Runs().size(), 1u);
    const std::vector<StoredJob> jobs = store.Jobs(std::nullopt);
    ASSERT_EQ(jobs.size(), 2u);
    EXPECT_EQ(store.Samples(jobs[1].id), Job(1, 10).samples);
    EXPECT_THROW(store.BeginRun(Info()), StoreError);
    EXPECT_THROW(store.RecordJob(1, Job(5, 3)), StoreError);
    EXPECT_THROW(store.FinishRun(1), StoreError);
    EXPECT_EQ(store.Jobs(std::nullopt).size(), 2u);
  }
  EXPECT_EQ(ReadBytes(path), before);
  EXPECT_FALSE(fs::exists(path + "-wal"));
  EXPECT_FALSE(fs::exists(path + "-shm"));
}

TEST_F(StoreHardeningTest, ReadOnlyFileInWritableFolderLeavesNoSideFiles) {
  const std::string path = PathOf("results.db");
  MakeDatabase(path, 2, 10);
  MakeReadableByAll(dir_);  // folder writable by all, file by its owner only
  const int code = RunUnprivileged([&] {
    ResultsStore store = ResultsStore::OpenReadOnly(path);
    return store.Jobs(std::nullopt).size() == 2 ? 0 : 5;
  });
  if (code == -1) GTEST_SKIP() << "cannot drop privileges here";
  EXPECT_EQ(code, 0);
  EXPECT_FALSE(fs::exists(path + "-wal"));
  EXPECT_FALSE(fs::exists(path + "-shm"));
}

TEST_F(StoreHardeningTest, ReadOnlyFolderCanBeRead) {
  const fs::path folder = dir_ / "media";
  fs::create_directory(folder);
  const std::string path = (folder / "results.db").string();
  MakeDatabase(path, 3, 10);
  MakeReadableByAll(dir_);
  MakeReadableByAll(folder);
  fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  const int code = RunUnprivileged([&] {
    ResultsStore store = ResultsStore::OpenReadOnly(path);
    return store.Runs().size() == 1 && store.Jobs(std::nullopt).size() == 3 ? 0 : 5;
  });
  if (code == -1) GTEST_SKIP() << "cannot drop privileges here";
  EXPECT_EQ(code, 0);
  EXPECT_FALSE(fs::exists(path + "-wal"));
}

// A writer killed before its connection closed leaves committed rows only in the -wal.
// Reading must see them: treating the file as immutable would silently drop them.
TEST_F(StoreHardeningTest, ReadOnlySeesRowsStillInTheWal) {
  const std::string path = PathOf("results.db");
  MakeDatabase(path, 1, 10);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ResultsStore store = ResultsStore::Open(path);
    const int64_t run = store.BeginRun(Info());
    store.RecordJob(run, Job(7, 10));
    _exit(0);  // no close, no checkpoint: the rows stay in the -wal
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_GT(fs::file_size(path + "-wal"), 0u);
  fs::remove(path + "-shm");
  MakeReadableByAll(dir_);

  const int code = RunUnprivileged([&] {
    ResultsStore store = ResultsStore::OpenReadOnly(path);
    return store.Runs().size() == 2 && store.Jobs(std::nullopt).size() == 2 ? 0 : 5;
  });
  if (code == -1) GTEST_SKIP() << "cannot drop privileges here";
  EXPECT_EQ(code, 0);
  // As the owner (a writable file): same rows.
  ResultsStore store = ResultsStore::OpenReadOnly(path);
  EXPECT_EQ(store.Jobs(std::nullopt).size(), 2u);
}

TEST_F(StoreHardeningTest, ReadOnlyEmptyFileHoldsNoRunsAndStaysEmpty) {
  const std::string path = PathOf("empty.db");
  std::ofstream(path).close();
  ResultsStore store = ResultsStore::OpenReadOnly(path);
  EXPECT_TRUE(store.Runs().empty());
  EXPECT_FALSE(store.LatestRunId().has_value());
  EXPECT_EQ(fs::file_size(path), 0u);
}

TEST_F(StoreHardeningTest, ReadOnlyRefusesWhatOpenRefuses) {
  EXPECT_THROW(ResultsStore::OpenReadOnly(PathOf("missing.db")), StoreError);
  EXPECT_FALSE(fs::exists(PathOf("missing.db")));
  EXPECT_THROW(ResultsStore::OpenReadOnly(dir_.string()), StoreError);
  const std::string text = PathOf("text.db");
  std::ofstream(text) << "not a database at all, just some text that is long enough\n";
  EXPECT_THROW(ResultsStore::OpenReadOnly(text), StoreError);
}

// Read-only media are opened through an SQLite URI, where '?', '#' and '%' are syntax.
TEST_F(StoreHardeningTest, PathsWithUriCharactersOpenReadOnly) {
  const fs::path folder = dir_ / "ro media";
  fs::create_directory(folder);
  const std::string path = (folder / "odd ?name#%41.db").string();
  MakeDatabase(path, 1, 3);
  MakeReadableByAll(dir_);
  MakeReadableByAll(folder);
  fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read |
                              fs::perms::others_exec | fs::perms::group_read |
                              fs::perms::group_exec);
  const int code = RunUnprivileged(
      [&] { return ResultsStore::OpenReadOnly(path).Jobs(std::nullopt).size() == 1 ? 0 : 5; });
  if (code == -1) GTEST_SKIP() << "cannot drop privileges here";
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace edgebench::store
