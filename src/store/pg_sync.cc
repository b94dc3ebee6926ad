#include "store/pg_sync.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "store/pg_rows.h"
#include "store/pg_schema.h"
#include "store/results_store.h"

namespace edgebench::store {
namespace {

using pg_rows::ColumnList;
using pg_rows::LocalQuery;
using Row = std::vector<PgParam>;

// PostgreSQL takes at most 65535 parameters per statement.
constexpr size_t kMaxParams = 30000;

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

}  // namespace edgebench::store
