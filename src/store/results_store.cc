#include "store/results_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string_view>
#include <utility>

namespace edgebench::store {
namespace {

namespace fs = std::filesystem;
using harness::JobResult;
using harness::JobStatus;

// A writer holds the lock only for one job's transaction, so waiting this long for a
// concurrent `edgebench run` or `report` is plenty; after that the error is reported.
constexpr int kBusyTimeoutMs = 10'000;

// Current time as ISO-8601 UTC with milliseconds, computed by SQLite so every timestamp
// in the file has the same format whatever the platform's C library does.
constexpr std::string_view kNowSql = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

// One schema step: `sql` turns version `version - 1` into `version`. Steps run in order
// inside one transaction, with foreign keys off (as SQLite's table-rebuild recipe needs),
// and are never edited once released: a v2 appends {2, "ALTER TABLE ..."} here and bumps
// kSchemaVersion.
struct Migration {
  int version;
  const char* sql;
};

// Version 1. Phases and summary statistics are columns of `jobs` because they are a fixed
// set per job and reports filter and sort on them; samples get a row each (clustered by
// job, no rowid) so they stay queryable in plain SQL. REAL columns are nullable: SQLite
// stores NaN as NULL, and NULL reads back as NaN. A job's status is free text rather than
// a CHECK list so a future status does not need a table rebuild; it does need a schema
// bump, so that older builds refuse the file rather than misread it.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  device_label TEXT NOT NULL,
  command_line TEXT NOT NULL,
  environment_json TEXT NOT NULL,
  build_revision TEXT NOT NULL,
  tool_version TEXT NOT NULL
);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  finished_at TEXT NOT NULL,
  model TEXT NOT NULL,
  backend TEXT NOT NULL,
  threads INTEGER NOT NULL,
  cpu_affinity TEXT NOT NULL,
  precision TEXT NOT NULL,
  weight_seed INTEGER NOT NULL,
  config_key TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT NOT NULL,
  exit_code INTEGER,
  signal INTEGER,
  peak_rss_bytes INTEGER NOT NULL,
  backend_version TEXT NOT NULL,
  process_start_s REAL,
  library_load_s REAL,
  model_load_s REAL,
  prepare_s REAL,
  first_run_s REAL,
  sample_count INTEGER NOT NULL,
  min_s REAL,
  p50_s REAL,
  p90_s REAL,
  p95_s REAL,
  p99_s REAL,
  max_s REAL,
  mean_s REAL,
  stddev_s REAL,
  cov REAL,
  median_ci_low_s REAL,
  median_ci_high_s REAL,
  valid INTEGER NOT NULL CHECK (valid IN (0, 1)),
  verdict_reason TEXT NOT NULL,
  recommendation TEXT NOT NULL
);
CREATE INDEX jobs_by_run ON jobs (run_id);
CREATE INDEX jobs_by_config ON jobs (config_key, status);
CREATE TABLE samples (
  job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  seconds REAL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE TABLE verifications (
  job_id INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  max_abs_error REAL,
  rel_l2_error REAL,
  top5_agreement REAL,
  tolerance REAL,
  passed INTEGER NOT NULL CHECK (passed IN (0, 1))
);
)sql"},
};

static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");

// Columns of `jobs` that RecordJob binds and Jobs() reads, in this order; BindJob and
// ReadJob below follow it.
constexpr std::string_view kJobColumns =
    "run_id, model, backend, threads, cpu_affinity, precision, weight_seed, config_key, "
    "status, error, exit_code, signal, peak_rss_bytes, backend_version, "
    "process_start_s, library_load_s, model_load_s, prepare_s, first_run_s, "
    "sample_count, min_s, p50_s, p90_s, p95_s, p99_s, max_s, mean_s, stddev_s, cov, "
    "median_ci_low_s, median_ci_high_s, valid, verdict_reason, recommendation";

constexpr std::string_view kVerificationColumns =
    "max_abs_error, rel_l2_error, top5_agreement, tolerance, passed";

// Outcomes that would repeat on a rerun; see HasCompletedJob in the header. A timed
// job only counts as done with samples, so a verify-only "ok" never stands in for a
// measurement.
constexpr std::string_view kCompletedForVerifySql =
    "status IN ('ok', 'unsupported', 'verify_failed')";
constexpr std::string_view kCompletedForRunSql =
    "(status IN ('unsupported', 'verify_failed') OR (status = 'ok' AND sample_count > 0))";

std::string Placeholders(std::string_view columns) {
  std::string out = "?";
  for (char c : columns) {
    if (c == ',') out += ", ?";
  }
  return out;
}

[[noreturn]] void Fail(sqlite3* db, const std::string& path, std::string_view what) {
  throw StoreError(fmt::format("{}: {}: {}", path, what, sqlite3_errmsg(db)));
}

void Exec(sqlite3* db, const std::string& path, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    const size_t start = sql.find_first_not_of(" \n");
    const std::string first_line = sql.substr(start, sql.find('\n', start) - start);
    Fail(db, path, fmt::format("cannot execute \"{}\"", first_line));
  }
}

// A prepared statement. Parameters are bound, and result columns read, in order: each
// Bind* takes the next parameter and each column getter the next column of the row.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& path, std::string_view sql) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
      Fail(db_, path_, fmt::format("cannot prepare \"{}\"", sql.substr(0, 60)));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& BindInt(int64_t value) {
    return Check(sqlite3_bind_int64(stmt_, next_param_++, value));
  }
  Statement& BindDouble(double value) {
    // SQLite would store NaN as NULL anyway; saying so keeps the round trip explicit.
    if (std::isnan(value)) return BindNull();
    return Check(sqlite3_bind_double(stmt_, next_param_++, value));
  }
  Statement& BindText(const std::string& value) {
    return Check(sqlite3_bind_text(stmt_, next_param_++, value.data(),
                                   static_cast<int>(value.size()), SQLITE_TRANSIENT));
  }
  Statement& BindNull() { return Check(sqlite3_bind_null(stmt_, next_param_++)); }
  template <typename T>
  Statement& BindOptionalInt(const std::optional<T>& value) {
    return value ? BindInt(*value) : BindNull();
  }

  // Advances to the next row; false when there are no more.
  bool Step() {
    next_column_ = 0;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Fail(db_, path_,
         fmt::format("cannot execute \"{}\"", std::string_view(sqlite3_sql(stmt_)).substr(0, 60)));
  }
  // Executes a statement that returns no rows.
  void Run() {
    if (Step()) Fail(db_, path_, "statement unexpectedly returned rows");
  }
  // Makes the statement ready to bind and run again.
  void Reset() {
    sqlite3_reset(stmt_);
    next_param_ = 1;
  }

  int64_t Int() { return sqlite3_column_int64(stmt_, next_column_++); }
  double Double() {
    const int column = next_column_++;
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return sqlite3_column_double(stmt_, column);
  }
  std::string Text() {
    const int column = next_column_++;
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (text == nullptr) return {};
    return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  bool IsNull() const { return sqlite3_column_type(stmt_, next_column_) == SQLITE_NULL; }
  std::optional<int64_t> OptionalInt() {
    if (IsNull()) {
      ++next_column_;
      return std::nullopt;
    }
    return Int();
  }
  std::optional<std::string> OptionalText() {
    if (IsNull()) {
      ++next_column_;
      return std::nullopt;
    }
    return Text();
  }

 private:
  Statement& Check(int rc) {
    if (rc != SQLITE_OK) Fail(db_, path_, "cannot bind parameter");
    return *this;
  }

  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* stmt_ = nullptr;
  int next_param_ = 1;
  int next_column_ = 0;
};

int64_t QueryInt(sqlite3* db, const std::string& path, std::string_view sql) {
  Statement statement(db, path, sql);
  if (!statement.Step()) Fail(db, path, fmt::format("\"{}\" returned no row", sql));
  return statement.Int();
}

// BEGIN IMMEDIATE takes the write lock up front, so a transaction never fails half-way
// for lack of it; the destructor rolls back anything not committed.
class Transaction {
 public:
  Transaction(sqlite3* db, const std::string& path) : db_(db), path_(path) {
    Exec(db_, path_, "BEGIN IMMEDIATE");
  }
  ~Transaction() {
    // A failed COMMIT may already have rolled back; then there is nothing left to undo.
    if (sqlite3_get_autocommit(db_) == 0) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit() { Exec(db_, path_, "COMMIT"); }

 private:
  sqlite3* db_;
  const std::string& path_;
};

using DbPtr = std::unique_ptr<sqlite3, void (*)(sqlite3*)>;

DbPtr OpenConnection(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // sqlite3_open_v2 returns a handle (to report the error from) even when it fails.
  DbPtr db(raw, [](sqlite3* d) { sqlite3_close_v2(d); });
  if (rc != SQLITE_OK) {
    throw StoreError(fmt::format("{}: cannot open results database: {}", path,
                                 db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  return db;
}

// Checked before SQLite sees the file: SQLite rejects foreign files only with a terse
// "file is not a database", and it reads a file cut off mid-page (a truncated copy) as if
// whole, zero-filling the missing bytes, and would write to it. Empty files are fine: that
// is how SQLite itself starts a database.
void CheckSqliteHeader(const std::string& path, uintmax_t size) {
  constexpr char kMagic[] = "SQLite format 3";  // 16 bytes with the terminating NUL
  constexpr size_t kHeaderSize = 100;
  std::array<unsigned char, kHeaderSize> header{};
  std::ifstream file(path, std::ios::binary);
  file.read(reinterpret_cast<char*>(header.data()), header.size());
  const auto read = static_cast<size_t>(file.gcount());
  if (!file && read == 0) {
    throw StoreError(fmt::format("{}: cannot read the file: {}", path, std::strerror(errno)));
  }
  if (read < sizeof(kMagic) || std::memcmp(header.data(), kMagic, sizeof(kMagic)) != 0) {
    throw StoreError(fmt::format(
        "{}: not an edgebench results database (not an SQLite file); refusing to touch it", path));
  }
  // Page size: big-endian at offset 16, a power of two from 512 to 32768, or 1 for 65536.
  uint32_t page_size = read >= 18 ? (uint32_t{header[16]} << 8) | header[17] : 0;
  if (page_size == 1) page_size = 65536;
  const bool valid_page_size = page_size >= 512 && (page_size & (page_size - 1)) == 0;
  if (read < kHeaderSize || !valid_page_size || size < page_size || size % page_size != 0) {
    throw StoreError(fmt::format(
        "{}: damaged SQLite file ({} bytes, not a whole number of pages; truncated copy?); "
        "refusing to touch it",
        path, size));
  }
}

// Returns the schema version of an edgebench database, or 0 for an empty one that may
// be initialised. Throws for a database this build must not write to. Only reads.
int CheckOwnership(sqlite3* db, const std::string& path) {
  int64_t application_id = 0;
  int64_t version = 0;
  try {
    application_id = QueryInt(db, path, "PRAGMA application_id");
    version = QueryInt(db, path, "PRAGMA user_version");
  } catch (const StoreError&) {
    throw StoreError(
        fmt::format("{}: not a readable edgebench results database ({}); refusing to touch it",
                    path, sqlite3_errmsg(db)));
  }
  if (application_id == kApplicationId) {
    if (version > kSchemaVersion) {
      throw StoreError(fmt::format(
          "{}: results database created by a newer edgebench (schema {}, this build knows {}); "
          "upgrade edgebench to use it",
          path, version, kSchemaVersion));
    }
    return static_cast<int>(version);
  }
  if (application_id != 0) {
    throw StoreError(fmt::format(
        "{}: SQLite database of another application (application_id {:#010x}, edgebench uses "
        "{:#010x}); refusing to touch it",
        path, static_cast<uint32_t>(application_id), static_cast<uint32_t>(kApplicationId)));
  }
  // sqlite_master rather than sqlite_schema: the older name works on every SQLite.
  if (version != 0 || QueryInt(db, path, "SELECT count(*) FROM sqlite_master") != 0) {
    throw StoreError(fmt::format(
        "{}: SQLite database without the edgebench marker (application_id 0); it belongs to "
        "another application, refusing to touch it",
        path));
  }
  return 0;
}

void Migrate(sqlite3* db, const std::string& path) {
  // The common case, an up-to-date file, is settled without taking the write lock, so
  // opening never waits on another process's job.
  if (CheckOwnership(db, path) == kSchemaVersion) return;
  Transaction transaction(db, path);
  // Re-read under the lock: another process may have migrated meanwhile.
  const int version = CheckOwnership(db, path);
  for (const Migration& migration : kMigrations) {
    if (migration.version > version) Exec(db, path, migration.sql);
  }
  // Table rebuilds in later migrations run with foreign keys off; prove they kept
  // every reference intact before committing.
  Statement violations(db, path, "PRAGMA foreign_key_check");
  if (violations.Step()) {
    throw StoreError(fmt::format("{}: schema migration broke foreign keys", path));
  }
  Exec(db, path,
       fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {}", kApplicationId,
                   kSchemaVersion));
  transaction.Commit();
}

void BindJob(Statement& s, int64_t run_id, const JobResult& r) {
  const harness::JobConfig& c = r.config;
  const harness::SampleSummary& m = r.summary;
  s.BindInt(run_id).BindText(c.model).BindText(c.backend).BindInt(c.threads);
  s.BindText(c.cpu_affinity).BindText(c.precision);
  // SQLite integers are signed; the seed keeps its bit pattern (seeds >= 2^63 read as
  // negative in raw SQL, and ConfigKey holds the unsigned text).
  s.BindInt(static_cast<int64_t>(c.weight_seed)).BindText(ConfigKey(c));
  s.BindText(harness::JobStatusName(r.status)).BindText(r.error);
  s.BindOptionalInt(r.exit_code).BindOptionalInt(r.signal);
  s.BindInt(r.peak_rss_bytes).BindText(r.backend_version);
  s.BindDouble(r.phases.process_start).BindDouble(r.phases.library_load);
  s.BindDouble(r.phases.model_load);
  s.BindDouble(r.phases.prepare).BindDouble(r.phases.first_run);
  s.BindInt(m.count).BindDouble(m.min).BindDouble(m.p50).BindDouble(m.p90);
  s.BindDouble(m.p95).BindDouble(m.p99).BindDouble(m.max).BindDouble(m.mean);
  s.BindDouble(m.stddev).BindDouble(m.cov).BindDouble(m.median_ci_low);
  s.BindDouble(m.median_ci_high).BindInt(m.valid ? 1 : 0);
  s.BindText(m.verdict_reason).BindText(m.recommendation);
}

// Reads the kJobColumns part of a row, after the caller read the job id.
void ReadJob(Statement& s, int64_t job_id, const std::string& path, StoredJob& job) {
  JobResult& r = job.result;
  harness::JobConfig& c = r.config;
  harness::SampleSummary& m = r.summary;
  job.run_id = s.Int();
  c.model = s.Text();
  c.backend = s.Text();
  c.threads = static_cast<int>(s.Int());
  c.cpu_affinity = s.Text();
  c.precision = s.Text();
  c.weight_seed = static_cast<uint64_t>(s.Int());
  s.Text();  // config_key: derived from the columns above
  const std::string status = s.Text();
  const std::optional<JobStatus> parsed = harness::ParseJobStatus(status);
  if (!parsed) {
    throw StoreError(fmt::format("{}: job {} has unknown status \"{}\"", path, job_id, status));
  }
  r.status = *parsed;
  r.error = s.Text();
  if (auto code = s.OptionalInt()) r.exit_code = static_cast<int>(*code);
  if (auto signal = s.OptionalInt()) r.signal = static_cast<int>(*signal);
  r.peak_rss_bytes = s.Int();
  r.backend_version = s.Text();
  r.phases.process_start = s.Double();
  r.phases.library_load = s.Double();
  r.phases.model_load = s.Double();
  r.phases.prepare = s.Double();
  r.phases.first_run = s.Double();
  m.count = s.Int();
  m.min = s.Double();
  m.p50 = s.Double();
  m.p90 = s.Double();
  m.p95 = s.Double();
  m.p99 = s.Double();
  m.max = s.Double();
  m.mean = s.Double();
  m.stddev = s.Double();
  m.cov = s.Double();
  m.median_ci_low = s.Double();
  m.median_ci_high = s.Double();
  m.valid = s.Int() != 0;
  m.verdict_reason = s.Text();
  m.recommendation = s.Text();
}

// Escapes the separators so that no value can forge another field.
std::string EscapeKeyValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == ';' || c == '=') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string ConfigKey(const harness::JobConfig& config) {
  return fmt::format("model={};backend={};threads={};affinity={};precision={};seed={}",
                     EscapeKeyValue(config.model), EscapeKeyValue(config.backend), config.threads,
                     EscapeKeyValue(config.cpu_affinity), EscapeKeyValue(config.precision),
                     config.weight_seed);
}

void ResultsStore::DbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

ResultsStore::ResultsStore(std::string path, std::unique_ptr<sqlite3, DbCloser> db)
    : path_(std::move(path)), db_(std::move(db)) {}
ResultsStore::ResultsStore(ResultsStore&&) noexcept = default;
ResultsStore& ResultsStore::operator=(ResultsStore&&) noexcept = default;
ResultsStore::~ResultsStore() = default;

ResultsStore ResultsStore::Open(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() != fs::file_type::not_found) {
    if (error) {
      throw StoreError(fmt::format("{}: cannot access: {}", path, error.message()));
    }
    if (status.type() != fs::file_type::regular) {
      throw StoreError(fmt::format("{}: not a regular file", path));
    }
    const uintmax_t size = fs::file_size(path, error);
    if (error) throw StoreError(fmt::format("{}: cannot access: {}", path, error.message()));
    if (size > 0) {
      // Judge an existing file through a read-only connection: even closing a read-write
      // one may checkpoint a leftover WAL into a file we then refuse.
      CheckSqliteHeader(path, size);
      CheckOwnership(OpenConnection(path, SQLITE_OPEN_READONLY).get(), path);
    }
  }

  DbPtr db = OpenConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // Checked again on this connection before its first write: the file may be new, empty,
  // or replaced since.
  CheckOwnership(db.get(), path);
  // WAL: readers (reports) never block the writer, and a commit appends rather than
  // rewrites. Where WAL is impossible (some network file systems) SQLite keeps its
  // rollback journal, which is just as crash-safe, so that is accepted.
  QueryInt(db.get(), path, "PRAGMA journal_mode = WAL");
  // FULL syncs the WAL at every commit, so each recorded job survives power loss too;
  // one fsync per job is nothing next to a benchmark job's run time.
  Exec(db.get(), path, "PRAGMA synchronous = FULL");
  Migrate(db.get(), path);
  // After migrating, since table rebuilds need foreign keys off.
  Exec(db.get(), path, "PRAGMA foreign_keys = ON");
  return ResultsStore(path, std::unique_ptr<sqlite3, DbCloser>(db.release()));
}

int64_t ResultsStore::BeginRun(const RunInfo& info) {
  Statement insert(db_.get(), path_,
                   fmt::format("INSERT INTO runs (started_at, device_label, command_line, "
                               "environment_json, build_revision, tool_version) "
                               "VALUES ({}, ?, ?, ?, ?, ?)",
                               kNowSql));
  insert.BindText(info.device_label).BindText(info.command_line);
  insert.BindText(info.environment_json).BindText(info.build_revision);
  insert.BindText(info.tool_version);
  insert.Run();
  return sqlite3_last_insert_rowid(db_.get());
}

void ResultsStore::FinishRun(int64_t run_id) {
  Statement update(db_.get(), path_,
                   fmt::format("UPDATE runs SET finished_at = {} WHERE id = ?", kNowSql));
  update.BindInt(run_id).Run();
  if (sqlite3_changes(db_.get()) != 1) {
    throw StoreError(fmt::format("{}: cannot finish run {}: no such run", path_, run_id));
  }
}

int64_t ResultsStore::RecordJob(int64_t run_id, const JobResult& result) {
  sqlite3* db = db_.get();
  Transaction transaction(db, path_);

  Statement job(db, path_,
                fmt::format("INSERT INTO jobs ({}, finished_at) VALUES ({}, {})", kJobColumns,
                            Placeholders(kJobColumns), kNowSql));
  BindJob(job, run_id, result);
  try {
    job.Run();
  } catch (const StoreError&) {
    // An unknown run (a FOREIGN KEY failure) is the one error a caller can cause; the bare
    // SQLite message does not say which run it was.
    throw StoreError(
        fmt::format("{}: cannot record a job of run {}: {}", path_, run_id, sqlite3_errmsg(db)));
  }
  const int64_t job_id = sqlite3_last_insert_rowid(db);

  Statement sample(db, path_, "INSERT INTO samples (job_id, seq, seconds) VALUES (?, ?, ?)");
  for (size_t i = 0; i < result.samples.size(); ++i) {
    sample.Reset();
    sample.BindInt(job_id).BindInt(static_cast<int64_t>(i)).BindDouble(result.samples[i]);
    sample.Run();
    if (sample_written_hook_) sample_written_hook_(static_cast<int64_t>(i));
  }

  if (const auto& v = result.verification) {
    Statement insert(db, path_,
                     fmt::format("INSERT INTO verifications (job_id, {}) VALUES (?, {})",
                                 kVerificationColumns, Placeholders(kVerificationColumns)));
    insert.BindInt(job_id).BindDouble(v->max_abs_error).BindDouble(v->rel_l2_error);
    insert.BindDouble(v->top5_agreement).BindDouble(v->tolerance).BindInt(v->passed ? 1 : 0);
    insert.Run();
  }

  transaction.Commit();
  return job_id;
}

bool ResultsStore::HasCompletedJob(const harness::JobConfig& config, bool timed) const {
  Statement query(db_.get(), path_,
                  fmt::format("SELECT EXISTS (SELECT 1 FROM jobs WHERE config_key = ? AND {})",
                              timed ? kCompletedForRunSql : kCompletedForVerifySql));
  query.BindText(ConfigKey(config));
  return query.Step() && query.Int() != 0;
}

std::vector<StoredRun> ResultsStore::Runs() const {
  Statement query(db_.get(), path_,
                  "SELECT id, started_at, finished_at, device_label, command_line, "
                  "environment_json, build_revision, tool_version FROM runs ORDER BY id");
  std::vector<StoredRun> runs;
  while (query.Step()) {
    StoredRun& run = runs.emplace_back();
    run.id = query.Int();
    run.started_at = query.Text();
    run.finished_at = query.OptionalText();
    run.info.device_label = query.Text();
    run.info.command_line = query.Text();
    run.info.environment_json = query.Text();
    run.info.build_revision = query.Text();
    run.info.tool_version = query.Text();
  }
  return runs;
}

std::vector<StoredJob> ResultsStore::Jobs(std::optional<int64_t> run_id) const {
  Statement query(db_.get(), path_,
                  fmt::format("SELECT jobs.id, jobs.finished_at, {}, verifications.job_id, {} "
                              "FROM jobs LEFT JOIN verifications ON verifications.job_id = "
                              "jobs.id WHERE ?1 IS NULL OR jobs.run_id = ?1 ORDER BY jobs.id",
                              kJobColumns, kVerificationColumns));
  query.BindOptionalInt(run_id);
  std::vector<StoredJob> jobs;
  while (query.Step()) {
    StoredJob& job = jobs.emplace_back();
    job.id = query.Int();
    job.finished_at = query.Text();
    ReadJob(query, job.id, path_, job);
    if (query.OptionalInt()) {
      harness::Verification& v = job.result.verification.emplace();
      v.max_abs_error = query.Double();
      v.rel_l2_error = query.Double();
      v.top5_agreement = query.Double();
      v.tolerance = query.Double();
      v.passed = query.Int() != 0;
    }
  }
  return jobs;
}

std::vector<double> ResultsStore::Samples(int64_t job_id) const {
  Statement query(db_.get(), path_, "SELECT seconds FROM samples WHERE job_id = ? ORDER BY seq");
  query.BindInt(job_id);
  std::vector<double> samples;
  while (query.Step()) samples.push_back(query.Double());
  return samples;
}

std::optional<int64_t> ResultsStore::LatestRunId() const {
  Statement query(db_.get(), path_, "SELECT max(id) FROM runs");
  if (!query.Step()) return std::nullopt;
  return query.OptionalInt();
}

void ResultsStore::SetSampleWrittenHookForTesting(std::function<void(int64_t)> hook) {
  sample_written_hook_ = std::move(hook);
}

}  // namespace edgebench::store
