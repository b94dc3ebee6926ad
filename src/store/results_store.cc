#include "store/results_store.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "harness/job_fields.h"
#include "store/energy_rows.h"
#include "store/pg_url.h"
#include "store/remote_writer.h"

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
    // Version 2: jobs measured in several worker processes (repetition, schedule order),
    // memory attribution and caps, cold starts, the validity rules each verdict used,
    // per-output verification, and the run's schedule (order seed, repetitions).
    {2, R"sql(
ALTER TABLE runs ADD COLUMN schedule_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE jobs ADD COLUMN repetition INTEGER NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD COLUMN order_index INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN footprint_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN cold_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN memory_limit_bytes INTEGER;
ALTER TABLE jobs ADD COLUMN memory_limit_mode TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN rule_min_samples INTEGER NOT NULL DEFAULT 10;
ALTER TABLE jobs ADD COLUMN rule_target_ci REAL DEFAULT 0.01;
ALTER TABLE jobs ADD COLUMN rule_max_drift REAL DEFAULT 0.05;
ALTER TABLE jobs ADD COLUMN rule_max_process_spread REAL DEFAULT 0.02;
ALTER TABLE verifications ADD COLUMN informative INTEGER NOT NULL DEFAULT 1;
ALTER TABLE verifications ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE verifications ADD COLUMN worst_output INTEGER NOT NULL DEFAULT 0;
ALTER TABLE verifications ADD COLUMN outputs_json TEXT NOT NULL DEFAULT '[]';
CREATE INDEX jobs_by_run_config ON jobs (run_id, config_key, repetition);
)sql"},
    // Version 3: the input shapes a model file ran at (--input-shape); '' = as declared.
    // Part of config_key too, so jobs at different shapes never pool or resume as one.
    {3, R"sql(
ALTER TABLE jobs ADD COLUMN input_shape TEXT NOT NULL DEFAULT '';
)sql"},
    // Version 4: the optimization toggles a job asked of its backend (--opt), canonical
    // text; part of config_key too, so a job with fusion off never pools with one with it on.
    // The model's work and data by edgebench's cost model (MACs, FLOPs, bytes), for the
    // achieved-throughput and roofline columns. And the machine ceilings `edgebench peak` measured
    // (FMA throughput, memory bandwidth), per machine, for the achieved-versus-peak columns of
    // reports.
    {4, R"sql(
ALTER TABLE jobs ADD COLUMN toggles TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN model_macs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN model_flops INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN model_bytes INTEGER NOT NULL DEFAULT 0;
CREATE TABLE machine_peaks (
  id INTEGER PRIMARY KEY,
  measured_at TEXT NOT NULL,
  hostname TEXT NOT NULL,
  cpu_model TEXT NOT NULL,
  isa TEXT NOT NULL,
  peak_json TEXT NOT NULL
);
)sql"},
    // Version 5: what the parent measured around each job (harness/energy_figures.h): one
    // row per sensor source with its energy, power, temperature or clock figures (each
    // source's boundary beside them, as figures of different boundaries never add up), the
    // thermal protocol's record (cool-down wait, throttle verdict, soak time to throttle),
    // and every source's samples over the job as JSON arrays.
    {5, R"sql(
CREATE TABLE job_energy (
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  source_id TEXT NOT NULL,
  boundary TEXT NOT NULL,
  kind TEXT NOT NULL,
  unit TEXT NOT NULL,
  method TEXT NOT NULL,
  joules REAL,
  mj_per_inference REAL,
  idle_watts REAL,
  idle_subtracted_mj_per_inference REAL,
  average_watts REAL,
  peak_watts REAL,
  start_value REAL,
  end_value REAL,
  min_value REAL,
  max_value REAL,
  problem TEXT NOT NULL,
  PRIMARY KEY (job_id, source_id)
) WITHOUT ROWID;
CREATE TABLE job_thermal (
  job_id INTEGER PRIMARY KEY REFERENCES jobs(id),
  window_s REAL,
  inferences INTEGER NOT NULL,
  idle_s REAL,
  cooldown_target_c REAL,
  cooldown_wait_s REAL,
  cooldown_reached INTEGER NOT NULL,
  throttled INTEGER NOT NULL,
  throttle_reason TEXT NOT NULL,
  time_to_throttle_s REAL
);
CREATE TABLE sensor_traces (
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  source_id TEXT NOT NULL,
  boundary TEXT NOT NULL,
  kind TEXT NOT NULL,
  unit TEXT NOT NULL,
  seconds_json TEXT NOT NULL,
  values_json TEXT NOT NULL,
  PRIMARY KEY (job_id, source_id)
) WITHOUT ROWID;
)sql"},
    // Version 6: per-layer profiles (`edgebench profile`): per job, whether the backend had
    // a profiler (and why not) and the profiled versus unprofiled end-to-end medians; per
    // framework layer, its median time and the IR nodes it covers (a JSON array of names,
    // empty for work the framework added, such as a reorder).
    {6, R"sql(
CREATE TABLE layer_profiles (
  job_id INTEGER PRIMARY KEY REFERENCES jobs (id),
  no_profiler_reason TEXT NOT NULL,
  runs INTEGER NOT NULL,
  unprofiled_p50 REAL,
  profiled_p50 REAL,
  attributed_p50 REAL,
  ir_nodes_json TEXT NOT NULL
);
CREATE TABLE layer_profile_rows (
  job_id INTEGER NOT NULL REFERENCES layer_profiles (job_id),
  row_index INTEGER NOT NULL,
  layer TEXT NOT NULL,
  ir_nodes_json TEXT NOT NULL,
  kind TEXT NOT NULL,
  seconds REAL,
  macs INTEGER NOT NULL,
  PRIMARY KEY (job_id, row_index)
) WITHOUT ROWID;
)sql"},
    // Version 7: what a job's graph passes (--opt fold-bn, prune=F, prune-channels=F) did to
    // its model (MACs before and after) and, for lossy passes, the optimized model's output
    // deviation from the unoptimized fp32 model (NULL agreement: no classifier-like output).
    {7, R"sql(
CREATE TABLE graph_passes (
  job_id INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  summary TEXT NOT NULL,
  macs_before INTEGER NOT NULL,
  macs_after INTEGER NOT NULL,
  quality_inputs INTEGER NOT NULL,
  rel_l2_mean REAL,
  rel_l2_max REAL,
  top1_agreement REAL,
  top5_agreement REAL,
  quality_error TEXT NOT NULL
);
)sql"},
    // Version 8: `edgebench tune` searches. A search is the run it measured in (its jobs
    // are that run's jobs, one repetition per round); the search row holds the space, the
    // winner and its speed-up over the default, each trial row one configuration's fate
    // (rounds measured, when and why it was dropped, its pooled median and CI).
    {8, R"sql(
CREATE TABLE tune_searches (
  run_id INTEGER PRIMARY KEY REFERENCES runs (id),
  model TEXT NOT NULL,
  space_json TEXT NOT NULL,
  settings_json TEXT NOT NULL,
  best_key TEXT,
  baseline_key TEXT,
  speedup REAL,
  speedup_low REAL,
  speedup_high REAL,
  measurements INTEGER NOT NULL,
  exhaustive_measurements INTEGER NOT NULL,
  rationale TEXT NOT NULL
);
CREATE TABLE tune_trials (
  run_id INTEGER NOT NULL REFERENCES tune_searches (run_id),
  trial_index INTEGER NOT NULL,
  config_key TEXT NOT NULL,
  config_json TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT NOT NULL,
  rounds INTEGER NOT NULL,
  eliminated_in INTEGER NOT NULL,
  why_dropped TEXT NOT NULL,
  samples INTEGER NOT NULL,
  p50 REAL,
  median_ci_low REAL,
  median_ci_high REAL,
  PRIMARY KEY (run_id, trial_index)
) WITHOUT ROWID;
)sql"},
    // Version 9: how each worker was started (--wrap, --container; part of config_key, so
    // wrapped and bare jobs never pool) and what the worker saw of its namespaces: its own
    // PID, its /proc/self/ns ids, and which kinds differ from the launching process's.
    {9, R"sql(
ALTER TABLE jobs ADD COLUMN wrapper TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN worker_pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN worker_namespaces TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN new_namespaces TEXT NOT NULL DEFAULT '';
)sql"},
    // Version 10: the kernels the backend reported running (JobResult::kernels), so an int8
    // or fp16 job's label can be checked against what really ran, from the database alone.
    {10, R"sql(
ALTER TABLE jobs ADD COLUMN kernels TEXT NOT NULL DEFAULT '';
)sql"},
    // Version 11: a job's uid, random at record time, so copies of it (merge, push to
    // PostgreSQL) are recognised wherever they land; jobs recorded before get a text
    // made of their run's start time, device and their id, unique within their file.
    {11, R"sql(
ALTER TABLE jobs ADD COLUMN uid TEXT;
UPDATE jobs SET uid = 'legacy:' || (SELECT runs.started_at || '|' || runs.device_label FROM runs
                                    WHERE runs.id = jobs.run_id) || '|' || jobs.id;
CREATE UNIQUE INDEX jobs_by_uid ON jobs (uid);
)sql"},
};

static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");

// Columns of `jobs` and `verifications`: the job field lists, so the worker protocol, the
// store and exports cannot disagree on what a job records.
std::string JobColumns() {
  std::string columns;
  for (const harness::JobField& field : harness::JobFields()) {
    columns += columns.empty() ? "" : ", ";
    columns += field.name;
  }
  return columns;
}

std::string VerificationColumns() {
  std::string columns;
  for (const harness::VerificationField& field : harness::VerificationFields()) {
    columns += columns.empty() ? "" : ", ";
    columns += field.name;
  }
  return columns;
}

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

// What a user can do about a damaged file: SQLite cannot repair one in place, and writing
// on would bury the damage under new results.
std::string DamagedMessage(const std::string& path, std::string_view detail) {
  return fmt::format(
      "{}: the results database is damaged ({}); restore it from a backup, salvage the "
      "readable rows into a new file with `sqlite3 {} .recover` (or .dump), or use another --db",
      path, detail, path);
}

bool IsCorruption(int code) {
  const int primary = code & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

[[noreturn]] void Fail(sqlite3* db, const std::string& path, std::string_view what) {
  if (IsCorruption(sqlite3_extended_errcode(db))) {
    throw StoreError(DamagedMessage(path, sqlite3_errmsg(db)));
  }
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
  void Skip() { ++next_column_; }
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

// A job's per-layer profile, inside RecordJob's transaction.
void WriteLayerProfile(sqlite3* db, const std::string& path, int64_t job_id,
                       const harness::LayerProfile& profile) {
  Statement head(db, path,
                 "INSERT INTO layer_profiles (job_id, no_profiler_reason, runs, unprofiled_p50, "
                 "profiled_p50, attributed_p50, ir_nodes_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
  head.BindInt(job_id).BindText(profile.no_profiler_reason).BindInt(profile.runs);
  head.BindDouble(profile.unprofiled_p50).BindDouble(profile.profiled_p50);
  head.BindDouble(profile.attributed_p50);
  head.BindText(harness::ToJson(profile.nodes)
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  head.Run();
  Statement row(db, path,
                "INSERT INTO layer_profile_rows (job_id, row_index, layer, ir_nodes_json, kind, "
                "seconds, macs) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (size_t i = 0; i < profile.rows.size(); ++i) {
    const harness::ProfileRow& layer = profile.rows[i];
    row.Reset();
    row.BindInt(job_id).BindInt(static_cast<int64_t>(i)).BindText(layer.layer);
    // Names come from model files and may not be UTF-8: replaced, never a throw.
    row.BindText(nlohmann::json(layer.ir_nodes)
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    row.BindText(layer.kind).BindDouble(layer.seconds).BindInt(layer.macs).Run();
  }
}

using DbPtr = std::unique_ptr<sqlite3, void (*)(sqlite3*)>;

// `filename` is what SQLite opens (a URI for read-only stores); `path` names the file in
// errors.
DbPtr OpenConnection(const std::string& path, int flags, const std::string& filename = {}) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(filename.empty() ? path.c_str() : filename.c_str(), &raw, flags, nullptr);
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

// PRAGMA quick_check reads every page and checks the b-trees (not index contents), so a
// damaged file is refused before a run appends to it; it costs one read of the file.
void CheckIntegrity(sqlite3* db, const std::string& path) {
  sqlite3_stmt* raw = nullptr;
  std::string problem;
  if (sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &raw, nullptr) != SQLITE_OK) {
    problem = sqlite3_errmsg(db);
  } else if (sqlite3_step(raw) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    problem = text != nullptr ? text : "";
  } else {
    problem = sqlite3_errmsg(db);
  }
  sqlite3_finalize(raw);
  if (problem != "ok") {
    throw StoreError(DamagedMessage(path, "PRAGMA quick_check: " + problem));
  }
}

// `path` as an SQLite URI (absolute, percent-encoded), so query parameters can be added.
std::string FileUri(const std::string& path) {
  const std::string absolute = fs::absolute(path).lexically_normal().string();
  std::string uri = "file://";
  for (const char ch : absolute) {
    const auto byte = static_cast<unsigned char>(ch);
    if (std::isalnum(byte) || std::strchr("/-._~", ch) != nullptr) {
      uri += ch;
    } else {
      uri += fmt::format("%{:02X}", byte);
    }
  }
  return uri;
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
    if (IsCorruption(sqlite3_extended_errcode(db))) throw;  // already says how to recover
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

// Binds one JSON scalar as the field list produced it.
void BindJson(Statement& s, const nlohmann::json& value) {
  if (value.is_null()) {
    s.BindNull();
  } else if (value.is_boolean()) {
    s.BindInt(value.get<bool>() ? 1 : 0);
  } else if (value.is_number_unsigned()) {
    // SQLite integers are signed; a seed >= 2^63 keeps its bit pattern (negative in raw
    // SQL; ConfigKey holds the unsigned text).
    s.BindInt(static_cast<int64_t>(value.get<uint64_t>()));
  } else if (value.is_number_integer()) {
    s.BindInt(value.get<int64_t>());
  } else if (value.is_number_float()) {
    s.BindDouble(value.get<double>());
  } else {
    s.BindText(value.get<std::string>());
  }
}

// Reads the next column as the JSON a field's setter takes.
nlohmann::json ColumnJson(Statement& s, harness::FieldType type) {
  if (s.IsNull()) {
    s.Skip();
    return nullptr;
  }
  switch (type) {
    case harness::FieldType::kInteger:
    case harness::FieldType::kBool:
      return s.Int();
    case harness::FieldType::kReal:
      return s.Double();
    case harness::FieldType::kText:
      return s.Text();
  }
  return nullptr;
}

void BindJob(Statement& s, int64_t run_id, const JobResult& r) {
  s.BindInt(run_id).BindText(harness::ConfigKey(r.config));
  for (const harness::JobField& field : harness::JobFields()) BindJson(s, field.get(r));
}

// Reads the JobColumns() part of a row. A value of the wrong type (a file edited by
// hand, or damaged) is an error naming the job, not a crash.
void ReadJob(Statement& s, int64_t job_id, const std::string& path, StoredJob& job) {
  for (const harness::JobField& field : harness::JobFields()) {
    try {
      field.set(job.result, ColumnJson(s, field.type));
    } catch (const nlohmann::json::exception& error) {
      throw StoreError(fmt::format("{}: job {} has an unreadable {}: {}", path, job_id, field.name,
                                   error.what()));
    }
  }
}

void ReadVerification(Statement& s, int64_t job_id, const std::string& path,
                      harness::Verification& v) {
  for (const harness::VerificationField& field : harness::VerificationFields()) {
    try {
      field.set(v, ColumnJson(s, field.type));
    } catch (const nlohmann::json::exception& error) {
      throw StoreError(fmt::format("{}: verification of job {} has an unreadable {}: {}", path,
                                   job_id, field.name, error.what()));
    }
  }
}

}  // namespace

void ResultsStore::DbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

ResultsStore::ResultsStore(std::string path, std::unique_ptr<sqlite3, DbCloser> db)
    : path_(std::move(path)), db_(std::move(db)) {}
ResultsStore::ResultsStore(ResultsStore&&) noexcept = default;
ResultsStore& ResultsStore::operator=(ResultsStore&&) noexcept = default;
ResultsStore::~ResultsStore() = default;

namespace {

// 128 random bits as hex: a job's identity across databases.
std::string NewJobUid() {
  static thread_local std::random_device device;
  std::string uid;
  for (int i = 0; i < 4; ++i) uid += fmt::format("{:08x}", static_cast<uint32_t>(device()));
  return uid;
}

}  // namespace

ResultsStore ResultsStore::Open(const std::string& path) {
  if (IsPostgresUrl(path)) return OpenPostgres(path);
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
      DbPtr reader = OpenConnection(path, SQLITE_OPEN_READONLY);
      CheckOwnership(reader.get(), path);
      CheckIntegrity(reader.get(), path);
    }
  }

  DbPtr db = OpenConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // SQLite quietly opens a file it may not write read-only; say so now, not at the
  // first job.
  if (sqlite3_db_readonly(db.get(), "main") == 1) {
    throw StoreError(
        fmt::format("{}: cannot write to this file (no write permission); use another --db", path));
  }
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

ResultsStore ResultsStore::OpenInMemory() {
  const std::string path = ":memory:";
  DbPtr db = OpenConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  Migrate(db.get(), path);
  Exec(db.get(), path, "PRAGMA foreign_keys = ON");
  return ResultsStore(path, std::unique_ptr<sqlite3, DbCloser>(db.release()));
}

ResultsStore ResultsStore::OpenReadOnly(const std::string& path) {
  if (IsPostgresUrl(path)) return OpenPostgresReadOnly(path);
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) {
    throw StoreError(fmt::format("{}: no such results database", path));
  }
  if (error) throw StoreError(fmt::format("{}: cannot access: {}", path, error.message()));
  if (status.type() != fs::file_type::regular) {
    throw StoreError(fmt::format("{}: not a regular file", path));
  }
  const uintmax_t size = fs::file_size(path, error);
  if (error) throw StoreError(fmt::format("{}: cannot access: {}", path, error.message()));

  DbPtr db(nullptr, [](sqlite3* d) { sqlite3_close_v2(d); });
  bool needs_shm = false;
  if (size > 0) {
    CheckSqliteHeader(path, size);
    const fs::path parent = fs::absolute(path).parent_path();
    const bool writable = access(path.c_str(), W_OK) == 0 && access(parent.c_str(), W_OK) == 0;
    const bool pending = fs::exists(path + "-wal", error) || fs::exists(path + "-journal", error);
    if (writable) {
      // Where we may write, a normal connection (kept from writing by query_only below)
      // takes part in SQLite's locking, so a run writing meanwhile is read consistently,
      // and like any last connection it removes the -wal and -shm files on close. A
      // read-only connection would create them and leave them behind.
      db = OpenConnection(path, SQLITE_OPEN_READWRITE);
    } else if (!pending) {
      // A file we may not write (read-only media, someone else's file): with no -wal or
      // -journal beside it, every committed row is in the file itself, so it is read as
      // immutable, which needs neither locks nor -shm files it could not create. A writer
      // with more rights changing it while we read is not noticed.
      db = OpenConnection(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                          FileUri(path) + "?mode=ro&immutable=1");
    } else {
      // Rows may still be in the -wal (or a -journal must be rolled back): only SQLite's
      // locking reads them correctly, which needs the -shm file.
      needs_shm = true;
      db = OpenConnection(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, FileUri(path) + "?mode=ro");
    }
  } else {
    db = OpenConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, ":memory:");
  }

  int version = 0;
  try {
    version = CheckOwnership(db.get(), path);
  } catch (const StoreError&) {
    const int code = sqlite3_extended_errcode(db.get()) & 0xff;
    if (needs_shm && (code == SQLITE_READONLY || code == SQLITE_CANTOPEN)) {
      throw StoreError(fmt::format(
          "{}: unfinished changes in {}-wal or {}-journal can only be read with write access "
          "to the folder ({}); copy the files to a writable folder and read that copy",
          path, path, path, sqlite3_errmsg(db.get())));
    }
    throw;
  }
  if (version < kSchemaVersion) {
    // An older (or empty) file cannot be upgraded in place when reading, so it is upgraded
    // in a private copy in memory; the file itself stays as it is.
    DbPtr memory = OpenConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, ":memory:");
    if (size > 0) {
      sqlite3_backup* backup = sqlite3_backup_init(memory.get(), "main", db.get(), "main");
      if (backup == nullptr) Fail(memory.get(), path, "cannot copy the database to upgrade it");
      const int rc = sqlite3_backup_step(backup, -1);
      sqlite3_backup_finish(backup);
      if (rc != SQLITE_DONE) Fail(db.get(), path, "cannot copy the database to upgrade it");
    }
    Migrate(memory.get(), path);
    db = std::move(memory);
  }
  // Every write (BeginRun, RecordJob, FinishRun) now fails with "attempt to write a
  // readonly database" instead of changing the file.
  Exec(db.get(), path, "PRAGMA query_only = ON");
  return ResultsStore(path, std::unique_ptr<sqlite3, DbCloser>(db.release()));
}

int64_t ResultsStore::BeginRun(const RunInfo& info) {
  Statement insert(db_.get(), path_,
                   fmt::format("INSERT INTO runs (started_at, device_label, command_line, "
                               "environment_json, build_revision, tool_version, schedule_json) "
                               "VALUES ({}, ?, ?, ?, ?, ?, ?)",
                               kNowSql));
  insert.BindText(info.device_label).BindText(info.command_line);
  insert.BindText(info.environment_json).BindText(info.build_revision);
  insert.BindText(info.tool_version).BindText(info.schedule_json);
  insert.Run();
  const int64_t run_id = sqlite3_last_insert_rowid(db_.get());
  return remote_ ? remote_->RunBegun(db_.get(), run_id) : run_id;
}

void ResultsStore::FinishRun(int64_t run_id) {
  Statement update(db_.get(), path_,
                   fmt::format("UPDATE runs SET finished_at = {} WHERE id = ?", kNowSql));
  update.BindInt(run_id).Run();
  if (sqlite3_changes(db_.get()) != 1) {
    throw StoreError(fmt::format("{}: cannot finish run {}: no such run", path_, run_id));
  }
  if (remote_) remote_->RunFinished(db_.get(), run_id);
}

int64_t ResultsStore::RecordJob(int64_t run_id, const JobResult& result,
                                const harness::JobEnergy* energy) {
  sqlite3* db = db_.get();
  Transaction transaction(db, path_);

  const std::string columns = JobColumns();
  Statement job(
      db, path_,
      fmt::format("INSERT INTO jobs (run_id, config_key, {}, uid, finished_at) VALUES (?, "
                  "?, {}, ?, {})",
                  columns, Placeholders(columns), kNowSql));
  BindJob(job, run_id, result);
  job.BindText(NewJobUid());
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
    const std::string columns = VerificationColumns();
    Statement insert(db, path_,
                     fmt::format("INSERT INTO verifications (job_id, {}) VALUES (?, {})", columns,
                                 Placeholders(columns)));
    insert.BindInt(job_id);
    for (const harness::VerificationField& field : harness::VerificationFields()) {
      BindJson(insert, field.get(*v));
    }
    insert.Run();
  }

  if (result.layer_profile) WriteLayerProfile(db, path_, job_id, *result.layer_profile);
  if (const auto& g = result.graph_passes) {
    Statement insert(db, path_,
                     "INSERT INTO graph_passes (job_id, summary, macs_before, macs_after, "
                     "quality_inputs, rel_l2_mean, rel_l2_max, top1_agreement, top5_agreement, "
                     "quality_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.BindInt(job_id).BindText(g->summary).BindInt(g->macs_before).BindInt(g->macs_after);
    insert.BindInt(g->quality_inputs).BindDouble(g->rel_l2_mean).BindDouble(g->rel_l2_max);
    insert.BindDouble(g->top1_agreement).BindDouble(g->top5_agreement).BindText(g->quality_error);
    insert.Run();
  }
  if (energy) WriteJobEnergy(db, path_, job_id, *energy);

  // The server's transaction commits before the local one: a process killed in between
  // leaves the job on the server, where --resume looks.
  if (remote_) remote_->JobRecorded(db, job_id, run_id);
  transaction.Commit();
  return job_id;
}

bool ResultsStore::HasCompletedJob(const harness::JobConfig& config, bool timed) const {
  Statement query(db_.get(), path_,
                  fmt::format("SELECT EXISTS (SELECT 1 FROM jobs WHERE config_key = ? AND {})",
                              timed ? kCompletedForRunSql : kCompletedForVerifySql));
  query.BindText(harness::ConfigKey(config));
  return query.Step() && query.Int() != 0;
}

std::map<int, harness::JobStatus> ResultsStore::CompletedRepetitions(
    int64_t run_id, const harness::JobConfig& config, bool timed) const {
  Statement query(db_.get(), path_,
                  fmt::format("SELECT repetition, status FROM jobs WHERE run_id = ? AND "
                              "config_key = ? AND {} ORDER BY id",
                              timed ? kCompletedForRunSql : kCompletedForVerifySql));
  query.BindInt(run_id).BindText(harness::ConfigKey(config));
  std::map<int, harness::JobStatus> repetitions;
  while (query.Step()) {
    const int repetition = static_cast<int>(query.Int());
    const std::string status = query.Text();
    repetitions[repetition] = harness::ParseJobStatus(status).value_or(harness::JobStatus::kFailed);
  }
  return repetitions;
}

std::vector<StoredRun> ResultsStore::Runs() const {
  Statement query(db_.get(), path_,
                  "SELECT id, started_at, finished_at, device_label, command_line, "
                  "environment_json, build_revision, tool_version, schedule_json FROM runs "
                  "ORDER BY id");
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
    run.info.schedule_json = query.Text();
  }
  return runs;
}

std::vector<StoredJob> ResultsStore::Jobs(std::optional<int64_t> run_id) const {
  Statement query(db_.get(), path_,
                  fmt::format("SELECT jobs.id, jobs.finished_at, jobs.run_id, {}, "
                              "verifications.job_id, {} FROM jobs LEFT JOIN verifications ON "
                              "verifications.job_id = jobs.id WHERE ?1 IS NULL OR jobs.run_id = ?1 "
                              "ORDER BY jobs.id",
                              JobColumns(), VerificationColumns()));
  query.BindOptionalInt(run_id);
  std::vector<StoredJob> jobs;
  while (query.Step()) {
    StoredJob& job = jobs.emplace_back();
    job.id = query.Int();
    job.finished_at = query.Text();
    job.run_id = query.Int();
    ReadJob(query, job.id, path_, job);
    if (query.OptionalInt()) {
      ReadVerification(query, job.id, path_, job.result.verification.emplace());
    }
  }
  ReadGraphPasses(jobs);
  return jobs;
}

void ResultsStore::ReadGraphPasses(std::vector<StoredJob>& jobs) const {
  std::unordered_map<int64_t, StoredJob*> by_id;
  for (StoredJob& job : jobs) by_id.emplace(job.id, &job);
  Statement query(db_.get(), path_,
                  "SELECT job_id, summary, macs_before, macs_after, quality_inputs, rel_l2_mean, "
                  "rel_l2_max, top1_agreement, top5_agreement, quality_error FROM graph_passes");
  while (query.Step()) {
    auto found = by_id.find(query.Int());
    if (found == by_id.end()) continue;
    harness::GraphPassResult& passes = found->second->result.graph_passes.emplace();
    passes.summary = query.Text();
    passes.macs_before = query.Int();
    passes.macs_after = query.Int();
    passes.quality_inputs = static_cast<int>(query.Int());
    passes.rel_l2_mean = query.Double();
    passes.rel_l2_max = query.Double();
    passes.top1_agreement = query.Double();
    passes.top5_agreement = query.Double();
    passes.quality_error = query.Text();
  }
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

int64_t ResultsStore::RecordMachinePeak(const StoredMachinePeak& peak) {
  Statement insert(db_.get(), path_,
                   fmt::format("INSERT INTO machine_peaks (measured_at, hostname, cpu_model, isa, "
                               "peak_json) VALUES ({}, ?, ?, ?, ?)",
                               kNowSql));
  insert.BindText(peak.hostname).BindText(peak.cpu_model).BindText(peak.isa);
  insert.BindText(peak.peak_json).Run();
  const int64_t id = sqlite3_last_insert_rowid(db_.get());
  if (remote_) remote_->UnownedRowsChanged(db_.get());
  return id;
}

std::optional<int64_t> ResultsStore::ResumableRunId(const std::string& device_label) {
  if (remote_) return remote_->PullLatestRun(db_.get(), device_label);
  return LatestRunId();
}

std::string ResultsStore::UnpushedNotice() const {
  return remote_ ? remote_->UnpushedNotice() : std::string();
}

std::optional<StoredMachinePeak> ResultsStore::LatestMachinePeak(
    const std::string& hostname, const std::string& cpu_model) const {
  Statement query(db_.get(), path_,
                  "SELECT id, measured_at, hostname, cpu_model, isa, peak_json FROM machine_peaks "
                  "WHERE hostname = ? AND cpu_model = ? ORDER BY id DESC LIMIT 1");
  query.BindText(hostname).BindText(cpu_model);
  if (!query.Step()) return std::nullopt;
  StoredMachinePeak peak;
  peak.id = query.Int();
  peak.measured_at = query.Text();
  peak.hostname = query.Text();
  peak.cpu_model = query.Text();
  peak.isa = query.Text();
  peak.peak_json = query.Text();
  return peak;
}

std::optional<harness::LayerProfile> ResultsStore::LayerProfileOf(int64_t job_id) const {
  Statement query(db_.get(), path_,
                  "SELECT no_profiler_reason, runs, unprofiled_p50, profiled_p50, attributed_p50, "
                  "ir_nodes_json "
                  "FROM layer_profiles WHERE job_id = ?");
  query.BindInt(job_id);
  if (!query.Step()) return std::nullopt;
  harness::LayerProfile profile;
  profile.no_profiler_reason = query.Text();
  profile.runs = query.Int();
  profile.unprofiled_p50 = query.Double();
  profile.profiled_p50 = query.Double();
  profile.attributed_p50 = query.Double();
  try {
    profile.nodes = harness::ProfiledNodesFromJson(nlohmann::json::parse(query.Text()));
  } catch (const nlohmann::json::exception& error) {
    throw StoreError(fmt::format("{}: job {}'s profiled IR nodes do not parse: {}", path_, job_id,
                                 error.what()));
  }
  Statement rows(db_.get(), path_,
                 "SELECT layer, ir_nodes_json, kind, seconds, macs FROM layer_profile_rows "
                 "WHERE job_id = ? ORDER BY row_index");
  rows.BindInt(job_id);
  while (rows.Step()) {
    harness::ProfileRow row;
    row.layer = rows.Text();
    const nlohmann::json nodes = nlohmann::json::parse(rows.Text(), nullptr, false);
    if (nodes.is_array()) {
      for (const nlohmann::json& node : nodes) {
        if (node.is_string()) row.ir_nodes.push_back(node.get<std::string>());
      }
    }
    row.kind = rows.Text();
    row.seconds = rows.Double();
    row.macs = rows.Int();
    profile.rows.push_back(std::move(row));
  }
  return profile;
}

void ResultsStore::SetSampleWrittenHookForTesting(std::function<void(int64_t)> hook) {
  sample_written_hook_ = std::move(hook);
}

}  // namespace edgebench::store
