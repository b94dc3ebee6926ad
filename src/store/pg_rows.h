#pragma once

// Reading rows of a local SQLite results database for copying to or from a server
// (pg_sync.cc, pg_mirror.cc). Internal to the store.
#include <fmt/format.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "store/pg_connection.h"
#include "store/pg_schema.h"
#include "store/results_store.h"
#include "store/sqlite_statement.h"

namespace edgebench::store::pg_rows {

[[noreturn]] inline void Fail(sqlite3* db, const std::string& what) {
  throw StoreError(fmt::format("{}: {}", what, sqlite3_errmsg(db)));
}

// A prepared statement over the local database, reading values as PostgreSQL parameters.
class LocalQuery : public SqliteStatement {
 public:
  LocalQuery(sqlite3* db, const std::string& sql) : SqliteStatement(db, sql) {}
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
};

inline std::string ColumnList(const std::vector<std::string>& columns) {
  std::string list;
  for (const std::string& column : columns) list += (list.empty() ? "" : ", ") + Quoted(column);
  return list;
}

inline void LocalExec(sqlite3* local, const char* sql) {
  if (sqlite3_exec(local, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    Fail(local, std::string("cannot execute ") + sql);
  }
}

}  // namespace edgebench::store::pg_rows
