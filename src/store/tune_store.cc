// The tune tables of the results store (schema version 8): kept apart from
// results_store.cc, which holds the job tables.
#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "store/remote_writer.h"
#include "store/results_store.h"

namespace edgebench::store {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A prepared statement that throws StoreError on any failure; parameters bound in order.
class TuneQuery {
 public:
  TuneQuery(sqlite3* db, const std::string& path, const char* sql) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) Fail("prepare");
  }
  ~TuneQuery() { sqlite3_finalize(stmt_); }
  TuneQuery(const TuneQuery&) = delete;
  TuneQuery& operator=(const TuneQuery&) = delete;

  TuneQuery& Int(int64_t value) { return Check(sqlite3_bind_int64(stmt_, ++param_, value)); }
  TuneQuery& Text(const std::string& value) {
    return Check(sqlite3_bind_text(stmt_, ++param_, value.data(), static_cast<int>(value.size()),
                                   SQLITE_TRANSIENT));
  }
  // Empty text is stored as NULL (a search without a winner).
  TuneQuery& OptionalText(const std::string& value) {
    if (value.empty()) return Check(sqlite3_bind_null(stmt_, ++param_));
    return Text(value);
  }
  TuneQuery& Real(double value) {
    if (!std::isfinite(value)) return Check(sqlite3_bind_null(stmt_, ++param_));
    return Check(sqlite3_bind_double(stmt_, ++param_, value));
  }
  bool Step() {
    column_ = 0;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Fail("execute");
    return false;
  }
  void Run() {
    Step();
    Reset();
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    param_ = 0;
  }
  int64_t ColumnInt() { return sqlite3_column_int64(stmt_, column_++); }
  std::string ColumnText() {
    const int column = column_++;
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
                : std::string();
  }
  double ColumnReal() {
    const int column = column_++;
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return kNaN;
    return sqlite3_column_double(stmt_, column);
  }

 private:
  TuneQuery& Check(int rc) {
    if (rc != SQLITE_OK) Fail("bind a parameter of");
    return *this;
  }
  [[noreturn]] void Fail(const char* what) {
    throw StoreError(
        fmt::format("{}: cannot {} a tune statement: {}", path_, what, sqlite3_errmsg(db_)));
  }

  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* stmt_ = nullptr;
  int param_ = 0;
  int column_ = 0;
};

void Exec(sqlite3* db, const std::string& path, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw StoreError(fmt::format("{}: cannot execute {}: {}", path, sql, sqlite3_errmsg(db)));
  }
}

std::string ConfigJson(const harness::JobConfig& c) {
  return nlohmann::json{{"model", c.model},
                        {"backend", c.backend},
                        {"threads", c.threads},
                        {"cpu_affinity", c.cpu_affinity},
                        {"precision", c.precision},
                        {"weight_seed", c.weight_seed},
                        {"input_shape", c.input_shape},
                        {"toggles", c.toggles}}
      .dump();
}

harness::JobConfig ConfigFromJson(const std::string& text) {
  harness::JobConfig c;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return c;
  c.model = j.value("model", "");
  c.backend = j.value("backend", "");
  c.threads = j.value("threads", 1);
  c.cpu_affinity = j.value("cpu_affinity", "");
  c.precision = j.value("precision", "fp32");
  c.weight_seed = j.value("weight_seed", uint64_t{0});
  c.input_shape = j.value("input_shape", "");
  c.toggles = j.value("toggles", "");
  return c;
}

}  // namespace

void ResultsStore::RecordTuneSearch(const StoredTuneSearch& search) {
  sqlite3* db = db_.get();
  Exec(db, path_, "BEGIN IMMEDIATE");
  try {
    TuneQuery clear_trials(db, path_, "DELETE FROM tune_trials WHERE run_id = ?");
    clear_trials.Int(search.run_id).Run();
    TuneQuery clear(db, path_, "DELETE FROM tune_searches WHERE run_id = ?");
    clear.Int(search.run_id).Run();
    TuneQuery insert(db, path_,
                     "INSERT INTO tune_searches (run_id, model, space_json, settings_json, "
                     "best_key, baseline_key, speedup, speedup_low, speedup_high, measurements, "
                     "exhaustive_measurements, rationale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                     "?, ?)");
    insert.Int(search.run_id).Text(search.model).Text(search.space_json);
    insert.Text(search.settings_json).OptionalText(search.best_key);
    insert.OptionalText(search.baseline_key).Real(search.speedup).Real(search.speedup_low);
    insert.Real(search.speedup_high).Int(search.measurements);
    insert.Int(search.exhaustive_measurements).Text(search.rationale).Run();
    TuneQuery trial(db, path_,
                    "INSERT INTO tune_trials (run_id, trial_index, config_key, config_json, "
                    "status, error, rounds, eliminated_in, why_dropped, samples, p50, "
                    "median_ci_low, median_ci_high) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?)");
    for (size_t i = 0; i < search.trials.size(); ++i) {
      const StoredTuneTrial& t = search.trials[i];
      trial.Int(search.run_id).Int(static_cast<int64_t>(i)).Text(harness::ConfigKey(t.config));
      trial.Text(ConfigJson(t.config)).Text(harness::JobStatusName(t.status)).Text(t.error);
      trial.Int(t.rounds).Int(t.eliminated_in).Text(t.why_dropped).Int(t.samples);
      trial.Real(t.p50).Real(t.median_ci_low).Real(t.median_ci_high).Run();
    }
    Exec(db, path_, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  if (remote_) remote_->OwnedRowsChanged(db, "run_id", search.run_id);
}

std::vector<StoredTuneSearch> ResultsStore::TuneSearches(const std::string& model) const {
  sqlite3* db = db_.get();
  std::vector<StoredTuneSearch> searches;
  TuneQuery select(db, path_,
                   "SELECT t.run_id, r.started_at, t.model, t.space_json, t.settings_json, "
                   "COALESCE(t.best_key, ''), COALESCE(t.baseline_key, ''), t.speedup, "
                   "t.speedup_low, t.speedup_high, t.measurements, t.exhaustive_measurements, "
                   "t.rationale FROM tune_searches t JOIN runs r ON r.id = t.run_id "
                   "WHERE ?1 = '' OR t.model = ?1 ORDER BY t.run_id DESC");
  select.Text(model);
  while (select.Step()) {
    StoredTuneSearch s;
    s.run_id = select.ColumnInt();
    s.started_at = select.ColumnText();
    s.model = select.ColumnText();
    s.space_json = select.ColumnText();
    s.settings_json = select.ColumnText();
    s.best_key = select.ColumnText();
    s.baseline_key = select.ColumnText();
    s.speedup = select.ColumnReal();
    s.speedup_low = select.ColumnReal();
    s.speedup_high = select.ColumnReal();
    s.measurements = select.ColumnInt();
    s.exhaustive_measurements = select.ColumnInt();
    s.rationale = select.ColumnText();
    searches.push_back(std::move(s));
  }
  TuneQuery trials(db, path_,
                   "SELECT config_json, status, error, rounds, eliminated_in, why_dropped, "
                   "samples, p50, median_ci_low, median_ci_high FROM tune_trials "
                   "WHERE run_id = ? ORDER BY trial_index");
  for (StoredTuneSearch& s : searches) {
    trials.Int(s.run_id);
    while (trials.Step()) {
      StoredTuneTrial t;
      t.config = ConfigFromJson(trials.ColumnText());
      t.status = harness::ParseJobStatus(trials.ColumnText()).value_or(harness::JobStatus::kFailed);
      t.error = trials.ColumnText();
      t.rounds = static_cast<int>(trials.ColumnInt());
      t.eliminated_in = static_cast<int>(trials.ColumnInt());
      t.why_dropped = trials.ColumnText();
      t.samples = trials.ColumnInt();
      t.p50 = trials.ColumnReal();
      t.median_ci_low = trials.ColumnReal();
      t.median_ci_high = trials.ColumnReal();
      s.trials.push_back(std::move(t));
    }
    trials.Reset();
  }
  return searches;
}

}  // namespace edgebench::store
