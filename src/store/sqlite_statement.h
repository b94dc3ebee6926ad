#pragma once

// A prepared SQLite statement that finalizes itself, for the store's generic copying of
// tables between databases (merge.cc, pg_rows.h). Internal to the store.
#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <utility>

#include "store/results_store.h"

namespace edgebench::store {

class SqliteStatement {
 public:
  /// Prepares `sql` on `db`. Errors throw StoreError "<context>: <what>: <SQLite's
  /// message>" (without the context when it is empty).
  SqliteStatement(sqlite3* db, const std::string& sql, std::string context = "")
      : db_(db), context_(std::move(context)) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      Fail("cannot prepare " + sql.substr(0, 80));
    }
  }
  ~SqliteStatement() { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  /// Binds the next parameter.
  SqliteStatement& Bind(int64_t value) {
    sqlite3_bind_int64(stmt_, ++params_, value);
    return *this;
  }
  /// Advances to the next row; false when there are no more.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Fail(fmt::format("cannot run {}", sqlite3_sql(stmt_)));
    return false;
  }
  /// Ready to bind from the first parameter and run again.
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    params_ = 0;
  }
  sqlite3_stmt* get() { return stmt_; }
  int64_t Int(int column) { return sqlite3_column_int64(stmt_, column); }

 protected:
  [[noreturn]] void Fail(const std::string& what) const {
    throw StoreError(context_.empty()
                         ? fmt::format("{}: {}", what, sqlite3_errmsg(db_))
                         : fmt::format("{}: {}: {}", context_, what, sqlite3_errmsg(db_)));
  }

  sqlite3* db_;
  std::string context_;
  sqlite3_stmt* stmt_ = nullptr;
  int params_ = 0;
};

}  // namespace edgebench::store
