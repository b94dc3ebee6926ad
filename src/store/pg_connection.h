#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/pg_url.h"

struct pg_conn;
struct pg_result;

namespace edgebench::store {

/// One text-format query result; values are nullopt for SQL NULL.
class PgResult {
 public:
  explicit PgResult(pg_result* result);
  PgResult(PgResult&&) noexcept;
  PgResult& operator=(PgResult&&) noexcept;
  ~PgResult();

  int rows() const;
  int columns() const;
  bool IsNull(int row, int column) const;
  /// The value as PostgreSQL's text output ("" for NULL).
  std::string_view Text(int row, int column) const;
  int64_t Int(int row, int column) const;

 private:
  friend class PgConnection;
  pg_result* result_ = nullptr;
};

/// A parameter of PgConnection::Exec: text the server converts to the column's type, or
/// NULL.
using PgParam = std::optional<std::string>;

/// A connection to a PostgreSQL server through libpq. Credentials come from libpq's own
/// sources (PGPASSWORD, ~/.pgpass, PGSERVICE...); TLS is libpq's default (sslmode=prefer:
/// encrypted whenever the server offers it). Every failure throws StoreError naming the
/// server (user@host/db, never a password).
class PgConnection {
 public:
  /// Connects; `url` must pass PostgresUrlProblem.
  explicit PgConnection(const std::string& url);
  PgConnection(PgConnection&&) noexcept;
  PgConnection& operator=(PgConnection&&) noexcept;
  ~PgConnection();

  /// The server as user@host:port/db, for messages.
  const std::string& name() const { return name_; }

  /// Runs one statement with positional parameters ($1, $2...); throws StoreError on
  /// failure.
  PgResult Exec(const std::string& sql, const std::vector<PgParam>& params = {});
  /// True once the connection is gone (server down, network lost).
  bool Broken() const;

 private:
  std::unique_ptr<pg_conn, void (*)(pg_conn*)> conn_;
  std::string name_;
};

/// BEGIN on construction, ROLLBACK on destruction unless Commit() was called.
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& connection, std::string_view begin = "BEGIN");
  ~PgTransaction();
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  void Commit();

 private:
  PgConnection& connection_;
  bool open_ = true;
};

}  // namespace edgebench::store
