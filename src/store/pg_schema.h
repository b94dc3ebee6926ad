#pragma once

// The PostgreSQL schema, derived from the SQLite one: a fresh store at this build's
// schema is introspected (tables, columns, keys, indexes), so every SQLite migration
// reaches the server without a hand-written PostgreSQL twin that could drift.
#include <optional>
#include <set>
#include <string>
#include <vector>

struct sqlite3;

namespace edgebench::store {

class PgConnection;

struct ColumnSchema {
  std::string name;
  std::string type;  // SQLite's declared type: INTEGER, REAL, TEXT, BLOB
  bool not_null = false;
  std::optional<std::string> default_sql;
  int primary_key_position = 0;  // 1-based; 0 = not part of the primary key
};

struct ForeignKeySchema {
  std::string column;
  std::string table;
  std::string to_column;
  std::string on_delete;  // "NO ACTION", "CASCADE"...
};

struct IndexSchema {
  std::string name;
  bool unique = false;
  std::vector<std::string> columns;
};

struct TableSchema {
  std::string name;
  std::vector<ColumnSchema> columns;
  std::vector<ForeignKeySchema> foreign_keys;
  std::vector<IndexSchema> indexes;
  /// The table's own generated id (an INTEGER PRIMARY KEY named id): renumbered by every
  /// copy, an identity column on the server.
  bool own_id = false;

  bool Has(const std::string& column) const;
  std::vector<std::string> PrimaryKey() const;
  /// The column tying a row to its owner: "job_id", else "run_id", else "" (a table of
  /// its own, e.g. machine_peaks). `runs` and `jobs` are owned by nothing / by run_id.
  std::string Owner() const;
};

/// The tables of the SQLite database `db`, each after the tables it references.
std::vector<TableSchema> DescribeSchema(sqlite3* db);

/// The tables of this build's schema (described once per process).
const std::vector<TableSchema>& CurrentSchema();

/// The schema version recorded on the server; 0 when it holds no edgebench schema.
int ServerSchemaVersion(PgConnection& connection);

/// Creates the schema on the server, or adds what this build's version adds to an older
/// one, under a transaction-scoped advisory lock so boards starting together do not race.
/// Throws StoreError for a server written by a newer edgebench.
void EnsureServerSchema(PgConnection& connection);

/// The columns each table has on the server (an older server may lack newer ones).
std::set<std::string> ServerColumns(PgConnection& connection, const std::string& table);

/// `name` quoted as an SQL identifier.
std::string Quoted(const std::string& name);

}  // namespace edgebench::store
