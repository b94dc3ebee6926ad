#include "store/pg_sync.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "store/pg_schema.h"
#include "store/results_store.h"

namespace edgebench::store {
namespace {

using Row = std::vector<PgParam>;

// PostgreSQL takes at most 65535 parameters per statement.
constexpr size_t kMaxParams = 30000;

[[noreturn]] void Fail(sqlite3* db, const std::string& what) {
  throw StoreError(fmt::format("{}: {}", what, sqlite3_errmsg(db)));
}

class LocalQuery {
 public:
  LocalQuery(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      Fail(db, "cannot prepare " + sql.substr(0, 80));
    }
  }
  ~LocalQuery() { sqlite3_finalize(stmt_); }
  LocalQuery(const LocalQuery&) = delete;
  LocalQuery& operator=(const LocalQuery&) = delete;
  LocalQuery& Bind(int64_t value) {
    sqlite3_bind_int64(stmt_, ++params_, value);
    return *this;
  }
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Fail(db_, fmt::format("cannot run {}", sqlite3_sql(stmt_)));
    return false;
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    params_ = 0;
  }
  sqlite3_stmt* get() { return stmt_; }
  int64_t Int(int column) { return sqlite3_column_int64(stmt_, column); }
  // A value as text PostgreSQL converts to the column's type; nullopt for NULL.
  PgParam Value(int column) {
    switch (sqlite3_column_type(stmt_, column)) {
      case SQLITE_NULL:
        return std::nullopt;
      case SQLITE_INTEGER:
        return std::to_string(sqlite3_column_int64(stmt_, column));
      case SQLITE_FLOAT:
        // Shortest text that reads back as the same double.
        return fmt::format("{}", sqlite3_column_double(stmt_, column));
      case SQLITE_BLOB: {
        const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(stmt_, column));
        std::string hex = "\\x";
        for (int i = 0; i < sqlite3_column_bytes(stmt_, column); ++i) {
          hex += fmt::format("{:02x}", bytes[i]);
        }
        return hex;
      }
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
        return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
      }
    }
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int params_ = 0;
};

const TableSchema& Table(const std::string& name) {
  for (const TableSchema& table : CurrentSchema()) {
    if (table.name == name) return table;
  }
  throw StoreError("no table " + name + " in the schema");
}

// The table's columns, without its own id (the server numbers rows itself).
std::vector<std::string> CopiedColumns(const TableSchema& table) {
  std::vector<std::string> columns;
  for (const ColumnSchema& column : table.columns) {
    if (!(table.own_id && column.name == "id")) columns.push_back(column.name);
  }
  return columns;
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string list;
  for (const std::string& column : columns) list += (list.empty() ? "" : ", ") + Quoted(column);
  return list;
}

// Rows of `table` (its CopiedColumns) whose `key` column is `id`.
std::vector<Row> LocalRows(sqlite3* local, const TableSchema& table, const std::string& key,
                           int64_t id) {
  const std::vector<std::string> columns = CopiedColumns(table);
  LocalQuery query(local, fmt::format("SELECT {} FROM {} WHERE {} = ?", ColumnList(columns),
                                      Quoted(table.name), Quoted(key)));
  query.Bind(id);
  std::vector<Row> rows;
  while (query.Step()) {
    Row& row = rows.emplace_back();
    for (size_t i = 0; i < columns.size(); ++i) row.push_back(query.Value(static_cast<int>(i)));
  }
  return rows;
}

void SetColumn(std::vector<Row>& rows, const std::vector<std::string>& columns,
               const std::string& column, int64_t value) {
  const auto at = std::find(columns.begin(), columns.end(), column);
  if (at == columns.end()) return;
  const auto index = static_cast<size_t>(at - columns.begin());
  for (Row& row : rows) row[index] = std::to_string(value);
}

// Inserts `rows` in multi-row statements (a round trip per batch, not per row).
void InsertRows(PgConnection& server, const std::string& table,
                const std::vector<std::string>& columns, const std::vector<Row>& rows) {
  if (rows.empty() || columns.empty()) return;
  const size_t per_batch = std::max<size_t>(1, kMaxParams / columns.size());
  for (size_t first = 0; first < rows.size(); first += per_batch) {
    const size_t last = std::min(rows.size(), first + per_batch);
    std::string sql =
        fmt::format("INSERT INTO {} ({}) VALUES ", Quoted(table), ColumnList(columns));
    std::vector<PgParam> params;
    params.reserve((last - first) * columns.size());
    for (size_t r = first; r < last; ++r) {
      sql += r == first ? "(" : ", (";
      for (size_t c = 0; c < columns.size(); ++c) {
        params.push_back(rows[r][c]);
        sql += fmt::format("{}${}", c ? ", " : "", params.size());
      }
      sql += ")";
    }
    server.Exec(sql, params);
  }
}

// Copies the rows of tables owned by `owner` ("job_id"/"run_id") from local id to server id.
int64_t CopyOwnedRows(PgConnection& server, sqlite3* local, const std::string& owner,
                      int64_t local_id, int64_t server_id) {
  int64_t copied = 0;
  for (const TableSchema& table : CurrentSchema()) {
    if (table.Owner() != owner || table.name == "jobs") continue;
    const std::vector<std::string> columns = CopiedColumns(table);
    std::vector<Row> rows = LocalRows(local, table, owner, local_id);
    SetColumn(rows, columns, owner, server_id);
    InsertRows(server, table.name, columns, rows);
    copied += static_cast<int64_t>(rows.size());
  }
  return copied;
}

// Binds a server value to a local statement by the column's declared type.
void BindServerValue(sqlite3_stmt* stmt, int param, const ColumnSchema& column,
                     const PgResult& result, int row, int field) {
  if (result.IsNull(row, field)) {
    sqlite3_bind_null(stmt, param);
    return;
  }
  const std::string text(result.Text(row, field));
  if (column.type == "INTEGER") {
    sqlite3_bind_int64(stmt, param, std::strtoll(text.c_str(), nullptr, 10));
  } else if (column.type == "REAL") {
    sqlite3_bind_double(stmt, param, std::strtod(text.c_str(), nullptr));
  } else {
    sqlite3_bind_text(stmt, param, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
}

// Copies the server rows of `table` matching `where` into `local`, ids kept.
void MirrorTable(PgConnection& server, sqlite3* local, const TableSchema& table,
                 const std::string& where, const std::vector<PgParam>& params) {
  const std::set<std::string> present = ServerColumns(server, table.name);
  if (present.empty()) return;  // a table newer than the server's schema
  std::vector<const ColumnSchema*> columns;
  std::vector<std::string> names;
  for (const ColumnSchema& column : table.columns) {
    if (!present.contains(column.name)) continue;
    columns.push_back(&column);
    names.push_back(column.name);
  }
  const PgResult result = server.Exec(
      fmt::format("SELECT {} FROM {} {}", ColumnList(names), Quoted(table.name), where), params);
  std::string values = "?";
  for (size_t i = 1; i < names.size(); ++i) values += ", ?";
  LocalQuery insert(local, fmt::format("INSERT INTO {} ({}) VALUES ({})", Quoted(table.name),
                                       ColumnList(names), values));
  for (int row = 0; row < result.rows(); ++row) {
    insert.Reset();
    for (size_t c = 0; c < columns.size(); ++c) {
      BindServerValue(insert.get(), static_cast<int>(c) + 1, *columns[c], result, row,
                      static_cast<int>(c));
    }
    insert.Step();
  }
}

void LocalExec(sqlite3* local, const char* sql) {
  if (sqlite3_exec(local, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    Fail(local, std::string("cannot execute ") + sql);
  }
}

}  // namespace

ServerWriter::ServerWriter(PgConnection& server, sqlite3* local, PushCounts& counts)
    : server_(server), local_(local), counts_(counts) {}

int64_t ServerWriter::Run(int64_t local_run_id) {
  const TableSchema& runs = Table("runs");
  std::vector<Row> rows = LocalRows(local_, runs, "id", local_run_id);
  if (rows.empty()) throw StoreError(fmt::format("no run {} to push", local_run_id));
  const std::vector<std::string> columns = CopiedColumns(runs);
  const auto value = [&](const std::string& name) {
    return rows[0][static_cast<size_t>(std::find(columns.begin(), columns.end(), name) -
                                       columns.begin())];
  };
  const std::vector<PgParam> identity = {value("started_at"), value("device_label"),
                                         value("command_line")};
  // Two pushes of the same run at once must not both create it.
  server_.Exec("SELECT pg_advisory_xact_lock(hashtext($1 || '|' || $2 || '|' || $3))", identity);
  const PgResult found = server_.Exec(
      "SELECT id, finished_at FROM runs WHERE started_at = $1 AND device_label = $2 AND "
      "command_line = $3 ORDER BY id LIMIT 1",
      identity);
  if (found.rows() > 0) {
    const int64_t id = found.Int(0, 0);
    if (found.IsNull(0, 1) && value("finished_at")) {
      server_.Exec("UPDATE runs SET finished_at = $1 WHERE id = $2",
                   {value("finished_at"), std::to_string(id)});
    }
    ++counts_.runs_present;
    return id;
  }
  std::string placeholders;
  for (size_t i = 1; i <= columns.size(); ++i)
    placeholders += fmt::format("{}${}", i > 1 ? ", " : "", i);
  const PgResult inserted =
      server_.Exec(fmt::format("INSERT INTO runs ({}) VALUES ({}) RETURNING id",
                               ColumnList(columns), placeholders),
                   rows[0]);
  ++counts_.runs_added;
  return inserted.Int(0, 0);
}

int64_t ServerWriter::Job(int64_t local_job_id, int64_t server_run_id) {
  const TableSchema& jobs = Table("jobs");
  const std::vector<std::string> columns = CopiedColumns(jobs);
  std::vector<Row> rows = LocalRows(local_, jobs, "id", local_job_id);
  if (rows.empty()) throw StoreError(fmt::format("no job {} to push", local_job_id));
  SetColumn(rows, columns, "run_id", server_run_id);
  std::string placeholders;
  for (size_t i = 1; i <= columns.size(); ++i)
    placeholders += fmt::format("{}${}", i > 1 ? ", " : "", i);
  const PgResult inserted = server_.Exec(
      fmt::format("INSERT INTO jobs ({}) VALUES ({}) ON CONFLICT (uid) DO NOTHING RETURNING id",
                  ColumnList(columns), placeholders),
      rows[0]);
  if (inserted.rows() == 0) {
    ++counts_.jobs_present;
    const auto uid = std::find(columns.begin(), columns.end(), "uid") - columns.begin();
    return server_.Exec("SELECT id FROM jobs WHERE uid = $1", {rows[0][static_cast<size_t>(uid)]})
        .Int(0, 0);
  }
  const int64_t server_job_id = inserted.Int(0, 0);
  ++counts_.jobs_added;
  counts_.rows_added += CopyOwnedRows(server_, local_, "job_id", local_job_id, server_job_id);
  return server_job_id;
}

void ServerWriter::ReplaceOwnedRows(const std::string& owner, int64_t local_id, int64_t server_id) {
  const std::vector<TableSchema>& schema = CurrentSchema();
  // Rows that reference others first, so no reference dangles meanwhile.
  for (auto table = schema.rbegin(); table != schema.rend(); ++table) {
    if (table->Owner() != owner || table->name == "jobs") continue;
    server_.Exec(fmt::format("DELETE FROM {} WHERE {} = $1", Quoted(table->name), Quoted(owner)),
                 {std::to_string(server_id)});
  }
  counts_.rows_added += CopyOwnedRows(server_, local_, owner, local_id, server_id);
}

void ServerWriter::UnownedRows() {
  for (const TableSchema& table : CurrentSchema()) {
    if (table.name == "runs" || !table.Owner().empty()) continue;
    const std::vector<std::string> columns = CopiedColumns(table);
    LocalQuery query(local_,
                     fmt::format("SELECT {} FROM {}", ColumnList(columns), Quoted(table.name)));
    std::string same;
    for (size_t i = 1; i <= columns.size(); ++i) {
      same += fmt::format("{}{} IS NOT DISTINCT FROM ${}", i > 1 ? " AND " : "",
                          Quoted(columns[i - 1]), i);
    }
    const std::string present =
        fmt::format("SELECT 1 FROM {} WHERE {} LIMIT 1", Quoted(table.name), same);
    while (query.Step()) {
      Row row;
      for (size_t i = 0; i < columns.size(); ++i) row.push_back(query.Value(static_cast<int>(i)));
      if (server_.Exec(present, row).rows() > 0) continue;
      InsertRows(server_, table.name, columns, {row});
      ++counts_.rows_added;
    }
  }
}

PushCounts PushDatabase(PgConnection& server, sqlite3* local) {
  PushCounts counts;
  ServerWriter writer(server, local, counts);
  std::vector<int64_t> runs;
  for (LocalQuery query(local, "SELECT id FROM runs ORDER BY id"); query.Step();) {
    runs.push_back(query.Int(0));
  }
  for (const int64_t run : runs) {
    PgTransaction transaction(server);
    const int64_t server_run = writer.Run(run);
    LocalQuery jobs(local, "SELECT id FROM jobs WHERE run_id = ? ORDER BY id");
    jobs.Bind(run);
    while (jobs.Step()) writer.Job(jobs.Int(0), server_run);
    // Rows a run owns (a tune search) replace the server's when the file has any.
    for (const TableSchema& table : CurrentSchema()) {
      if (table.Owner() != "run_id" || table.name == "jobs") continue;
      LocalQuery any(local,
                     fmt::format("SELECT 1 FROM {} WHERE run_id = ? LIMIT 1", Quoted(table.name)));
      any.Bind(run);
      if (any.Step()) {
        writer.ReplaceOwnedRows("run_id", run, server_run);
        break;
      }
    }
    transaction.Commit();
  }
  PgTransaction transaction(server);
  writer.UnownedRows();
  transaction.Commit();
  return counts;
}

void MirrorServer(PgConnection& server, sqlite3* local) {
  PgTransaction snapshot(server, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  LocalExec(local, "BEGIN");
  try {
    for (const TableSchema& table : CurrentSchema()) {
      const std::string order = table.own_id ? "ORDER BY id" : "";
      MirrorTable(server, local, table, order, {});
    }
    LocalExec(local, "COMMIT");
  } catch (...) {
    sqlite3_exec(local, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void MirrorServerUnowned(PgConnection& server, sqlite3* local) {
  PgTransaction snapshot(server, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  LocalExec(local, "BEGIN");
  try {
    for (const TableSchema& table : CurrentSchema()) {
      if (table.name == "runs" || !table.Owner().empty()) continue;
      MirrorTable(server, local, table, table.own_id ? "ORDER BY id" : "", {});
    }
    LocalExec(local, "COMMIT");
  } catch (...) {
    sqlite3_exec(local, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void MirrorServerRun(PgConnection& server, sqlite3* local, int64_t run_id) {
  PgTransaction snapshot(server, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  const std::vector<PgParam> id = {std::to_string(run_id)};
  LocalExec(local, "BEGIN");
  try {
    for (const TableSchema& table : CurrentSchema()) {
      const std::string owner = table.name == "runs" ? "id" : table.Owner();
      if (owner == "job_id") {
        MirrorTable(server, local, table, "WHERE job_id IN (SELECT id FROM jobs WHERE run_id = $1)",
                    id);
      } else if (!owner.empty()) {
        MirrorTable(server, local, table, fmt::format("WHERE {} = $1 ORDER BY 1", Quoted(owner)),
                    id);
      }
    }
    LocalExec(local, "COMMIT");
  } catch (...) {
    sqlite3_exec(local, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace edgebench::store
