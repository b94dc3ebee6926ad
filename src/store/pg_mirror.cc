// Copying a PostgreSQL server's rows into a local SQLite database (same ids): the
// read-only mirror every reader uses, a resumed run, the machines' ceilings.
#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdlib>
#include <set>

#include "store/pg_rows.h"
#include "store/pg_schema.h"
#include "store/pg_sync.h"
#include "store/results_store.h"

namespace edgebench::store {
namespace {

using pg_rows::ColumnList;
using pg_rows::LocalExec;
using pg_rows::LocalQuery;

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

}  // namespace

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
