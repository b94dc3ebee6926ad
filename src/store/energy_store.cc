// The energy tables of the results store (schema version 5): kept apart from
// results_store.cc, which holds the job tables.
#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "store/energy_rows.h"
#include "store/remote_writer.h"
#include "store/results_store.h"

namespace edgebench::store {
namespace {

// A prepared statement that throws StoreError on any failure; parameters bound in order.
class Query {
 public:
  Query(sqlite3* db, const std::string& path, const char* sql) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) Fail("prepare");
  }
  ~Query() { sqlite3_finalize(stmt_); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& Int(int64_t value) { return Check(sqlite3_bind_int64(stmt_, ++param_, value)); }
  Query& Text(const std::string& value) {
    return Check(sqlite3_bind_text(stmt_, ++param_, value.data(), static_cast<int>(value.size()),
                                   SQLITE_TRANSIENT));
  }
  Query& Real(std::optional<double> value) {
    if (!value || !std::isfinite(*value)) return Check(sqlite3_bind_null(stmt_, ++param_));
    return Check(sqlite3_bind_double(stmt_, ++param_, *value));
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
  std::optional<double> ColumnReal() {
    const int column = column_++;
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(stmt_, column);
  }

 private:
  Query& Check(int rc) {
    if (rc != SQLITE_OK) Fail("bind a parameter of");
    return *this;
  }
  [[noreturn]] void Fail(const char* what) {
    throw StoreError(
        fmt::format("{}: cannot {} an energy statement: {}", path_, what, sqlite3_errmsg(db_)));
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

// JSON has no NaN or infinity; a trace never holds them (absent readings are left out).
std::string NumbersJson(const std::vector<double>& values) { return nlohmann::json(values).dump(); }

std::vector<double> NumbersFromJson(const std::string& text) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  std::vector<double> values;
  if (!parsed.is_array()) return values;
  for (const nlohmann::json& value : parsed) {
    if (value.is_number()) values.push_back(value.get<double>());
  }
  return values;
}

void InsertFigures(sqlite3* db, const std::string& path, int64_t job_id,
                   const std::vector<harness::SourceFigures>& figures) {
  Query figure(db, path,
               "INSERT OR REPLACE INTO job_energy (job_id, source_id, boundary, kind, unit, "
               "method, joules, mj_per_inference, idle_watts, idle_subtracted_mj_per_inference, "
               "average_watts, peak_watts, start_value, end_value, min_value, max_value, problem) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const harness::SourceFigures& f : figures) {
    figure.Int(job_id).Text(f.source_id).Text(f.boundary).Text(f.kind).Text(f.unit);
    figure.Text(f.method).Real(f.joules).Real(f.mj_per_inference).Real(f.idle_watts);
    figure.Real(f.idle_subtracted_mj_per_inference).Real(f.average_watts).Real(f.peak_watts);
    figure.Real(f.start_value).Real(f.end_value).Real(f.min_value).Real(f.max_value);
    figure.Text(f.problem).Run();
  }
}

}  // namespace

void ResultsStore::AddEnergyFigures(int64_t job_id, double window_seconds, int64_t inferences,
                                    const std::vector<harness::SourceFigures>& figures) {
  sqlite3* db = db_.get();
  Exec(db, path_, "BEGIN IMMEDIATE");
  try {
    Query thermal(db, path_,
                  "INSERT OR IGNORE INTO job_thermal (job_id, window_s, inferences, "
                  "cooldown_reached, throttled, throttle_reason) VALUES (?, ?, ?, 0, 0, '')");
    thermal.Int(job_id).Real(window_seconds).Int(inferences).Run();
    InsertFigures(db, path_, job_id, figures);
    Exec(db, path_, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  if (remote_) remote_->OwnedRowsChanged(db, "job_id", job_id);
}

void WriteJobEnergy(sqlite3* db, const std::string& path, int64_t job_id,
                    const harness::JobEnergy& energy) {
  const std::string& path_ = path;
  {
    const harness::ThermalRecord& t = energy.thermal;
    Query thermal(db, path_,
                  "INSERT INTO job_thermal (job_id, window_s, inferences, idle_s, "
                  "cooldown_target_c, cooldown_wait_s, cooldown_reached, throttled, "
                  "throttle_reason, time_to_throttle_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    thermal.Int(job_id).Real(energy.window_seconds).Int(energy.inferences);
    thermal.Real(energy.idle_seconds).Real(t.cooldown_target_celsius).Real(t.cooldown_wait_seconds);
    thermal.Int(t.cooldown_reached ? 1 : 0).Int(t.throttled ? 1 : 0).Text(t.throttle_reason);
    thermal.Real(t.time_to_throttle_seconds).Run();

    InsertFigures(db, path_, job_id, energy.figures);
    Query trace(db, path_,
                "INSERT INTO sensor_traces (job_id, source_id, boundary, kind, unit, seconds_json, "
                "values_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const harness::SensorTrace& s : energy.traces) {
      trace.Int(job_id).Text(s.source_id).Text(s.boundary).Text(s.kind).Text(s.unit);
      trace.Text(NumbersJson(s.seconds)).Text(NumbersJson(s.values)).Run();
    }
  }
}

void ResultsStore::RecordJobEnergy(int64_t job_id, const harness::JobEnergy& energy) {
  sqlite3* db = db_.get();
  Exec(db, path_, "BEGIN IMMEDIATE");
  try {
    WriteJobEnergy(db, path_, job_id, energy);
    Exec(db, path_, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  if (remote_) remote_->OwnedRowsChanged(db, "job_id", job_id);
}

std::optional<harness::JobEnergy> ResultsStore::JobEnergyOf(int64_t job_id,
                                                            bool with_traces) const {
  sqlite3* db = db_.get();
  Query thermal(db, path_,
                "SELECT window_s, inferences, idle_s, cooldown_target_c, cooldown_wait_s, "
                "cooldown_reached, throttled, throttle_reason, time_to_throttle_s FROM job_thermal "
                "WHERE job_id = ?");
  thermal.Int(job_id);
  if (!thermal.Step()) return std::nullopt;
  harness::JobEnergy energy;
  energy.window_seconds = thermal.ColumnReal().value_or(0);
  energy.inferences = thermal.ColumnInt();
  energy.idle_seconds = thermal.ColumnReal().value_or(0);
  energy.thermal.cooldown_target_celsius = thermal.ColumnReal();
  energy.thermal.cooldown_wait_seconds = thermal.ColumnReal().value_or(0);
  energy.thermal.cooldown_reached = thermal.ColumnInt() != 0;
  energy.thermal.throttled = thermal.ColumnInt() != 0;
  energy.thermal.throttle_reason = thermal.ColumnText();
  energy.thermal.time_to_throttle_seconds = thermal.ColumnReal();

  // Rows in source id order (the table's key; it has no rowid).
  Query ordered(db, path_,
                "SELECT source_id, boundary, kind, unit, method, joules, mj_per_inference, "
                "idle_watts, idle_subtracted_mj_per_inference, average_watts, peak_watts, "
                "start_value, end_value, min_value, max_value, problem FROM job_energy WHERE "
                "job_id = ? ORDER BY source_id");
  ordered.Int(job_id);
  while (ordered.Step()) {
    harness::SourceFigures& f = energy.figures.emplace_back();
    f.source_id = ordered.ColumnText();
    f.boundary = ordered.ColumnText();
    f.kind = ordered.ColumnText();
    f.unit = ordered.ColumnText();
    f.method = ordered.ColumnText();
    f.joules = ordered.ColumnReal();
    f.mj_per_inference = ordered.ColumnReal();
    f.idle_watts = ordered.ColumnReal();
    f.idle_subtracted_mj_per_inference = ordered.ColumnReal();
    f.average_watts = ordered.ColumnReal();
    f.peak_watts = ordered.ColumnReal();
    f.start_value = ordered.ColumnReal();
    f.end_value = ordered.ColumnReal();
    f.min_value = ordered.ColumnReal();
    f.max_value = ordered.ColumnReal();
    f.problem = ordered.ColumnText();
  }
  if (with_traces) {
    Query trace(db, path_,
                "SELECT source_id, boundary, kind, unit, seconds_json, values_json FROM "
                "sensor_traces WHERE job_id = ? ORDER BY source_id");
    trace.Int(job_id);
    while (trace.Step()) {
      harness::SensorTrace& s = energy.traces.emplace_back();
      s.source_id = trace.ColumnText();
      s.boundary = trace.ColumnText();
      s.kind = trace.ColumnText();
      s.unit = trace.ColumnText();
      s.seconds = NumbersFromJson(trace.ColumnText());
      s.values = NumbersFromJson(trace.ColumnText());
    }
  }
  return energy;
}

}  // namespace edgebench::store
