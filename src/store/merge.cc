// ResultsStore::MergeFrom: several boards' databases into one, generically over the
// schema's tables so tables added by later versions merge without new code here.
#include <fmt/format.h>
#include <sqlite3.h>

#include <map>
#include <string>
#include <vector>

#include "store/results_store.h"
#include "store/sqlite_statement.h"

namespace edgebench::store {
namespace {

using Db = sqlite3*;

// merge's statements: errors start with "merge:".
class Stmt : public SqliteStatement {
 public:
  Stmt(Db db, const std::string& sql) : SqliteStatement(db, sql, "merge") {}
};

void Exec(Db db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "";
    sqlite3_free(error);
    throw StoreError(fmt::format("merge: {}: {}", sql.substr(0, 60), message));
  }
}

struct Column {
  std::string name;
  bool rowid_key = false;  // INTEGER PRIMARY KEY: renumbered on insert
};

// The table's columns; the rowid_key flag marks an INTEGER PRIMARY KEY that aliases the
// rowid (a single-column key of a table with rowids).
std::vector<Column> Columns(Db db, const std::string& table) {
  std::vector<Column> columns;
  int key_columns = 0;
  int integer_key = -1;
  {
    Stmt info(db, fmt::format("PRAGMA table_info(\"{}\")", table));
    while (info.Step()) {
      const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(info.get(), 1));
      const auto* type = reinterpret_cast<const char*>(sqlite3_column_text(info.get(), 2));
      if (sqlite3_column_int(info.get(), 5) > 0) {
        ++key_columns;
        if (type && std::string(type) == "INTEGER") integer_key = static_cast<int>(columns.size());
      }
      columns.push_back({name ? name : "", false});
    }
  }
  Stmt sql(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1");
  sqlite3_bind_text(sql.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
  std::string text;
  if (sql.Step() && sqlite3_column_text(sql.get(), 0)) {
    text = reinterpret_cast<const char*>(sqlite3_column_text(sql.get(), 0));
  }
  if (key_columns == 1 && integer_key >= 0 && text.find("WITHOUT ROWID") == std::string::npos) {
    columns[static_cast<size_t>(integer_key)].rowid_key = true;
  }
  return columns;
}

bool Has(const std::vector<Column>& columns, const std::string& name) {
  for (const Column& c : columns) {
    if (c.name == name) return true;
  }
  return false;
}

std::vector<std::string> Tables(Db db) {
  std::vector<std::string> tables;
  Stmt list(db,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name");
  while (list.Step()) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 0)));
  }
  return tables;
}

// Which rows of a table to copy and how: rows whose `key` column holds an id of `ids`
// (all rows when `key` is empty), that column renumbered through `ids` unless it is the
// table's own rowid key; with `skip_present`, rows already here (every column but the
// rowid key equal) are skipped.
struct Copy {
  std::string table;
  std::string key;
  const std::map<int64_t, int64_t>* ids = nullptr;
  bool skip_present = false;
  /// `key` is the table's own rowid key, used to pick rows; the copies get new ids.
  bool key_is_own_id = false;
  /// Rows whose value in this column the target already holds are skipped (a job's uid:
  /// the job was merged before, into a run present in both).
  std::string skip_if_held;
};

// Copies the rows; returns old -> new rowid key of each copied row (the table's
// INTEGER PRIMARY KEY is renumbered by the insert).
std::map<int64_t, int64_t> CopyRows(Db from, Db to, const Copy& copy, int64_t& copied) {
  const std::vector<Column> source = Columns(from, copy.table);
  const std::vector<Column> target = Columns(to, copy.table);
  std::vector<std::string> names;  // inserted columns
  std::string rowid;
  for (const Column& c : source) {
    if (!Has(target, c.name)) {
      throw StoreError(
          fmt::format("merge: table {} has column {} this database lacks", copy.table, c.name));
    }
    // A rowid key is renumbered by the insert, unless it is the foreign key being
    // mapped (a verification's job_id).
    if (c.rowid_key && (c.name != copy.key || copy.key_is_own_id)) {
      rowid = c.name;
    } else {
      names.push_back(c.name);
    }
  }
  // Read: the rowid key first (when there is one), then the inserted columns.
  std::string select = "SELECT ";
  select += rowid.empty() ? "NULL" : "\"" + rowid + "\"";
  std::string insert = fmt::format("INSERT INTO \"{}\" (", copy.table);
  std::string values;
  std::string present = fmt::format("SELECT 1 FROM \"{}\" WHERE ", copy.table);
  for (size_t i = 0; i < names.size(); ++i) {
    select += ", \"" + names[i] + "\"";
    insert += (i ? ", \"" : "\"") + names[i] + "\"";
    values += i ? ", ?" : "?";
    present += fmt::format("{}\"{}\" IS ?{}", i ? " AND " : "", names[i], i + 1);
  }
  select += fmt::format(" FROM \"{}\"", copy.table);
  if (!rowid.empty()) select += fmt::format(" ORDER BY \"{}\"", rowid);
  insert += ") VALUES (" + values + ")";
  int key_column = -1;  // in the SELECT
  if (!copy.key.empty()) {
    if (copy.key == rowid) key_column = 0;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == copy.key) key_column = static_cast<int>(i) + 1;
    }
    if (key_column < 0) throw StoreError("merge: table " + copy.table + " lacks " + copy.key);
  }
  Stmt read(from, select);
  Stmt write(to, insert);
  Stmt exists(to, names.empty() ? "SELECT 0 WHERE 0" : present + " LIMIT 1");
  int held_column = -1;  // in the SELECT
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == copy.skip_if_held) held_column = static_cast<int>(i) + 1;
  }
  Stmt held(to, held_column < 0 ? std::string("SELECT 0 WHERE 0")
                                : fmt::format("SELECT 1 FROM \"{}\" WHERE \"{}\" = ?1", copy.table,
                                              copy.skip_if_held));
  std::map<int64_t, int64_t> renumbered;
  while (read.Step()) {
    if (key_column >= 0 && !copy.ids->contains(sqlite3_column_int64(read.get(), key_column))) {
      continue;
    }
    if (held_column >= 0) {
      held.Reset();
      sqlite3_bind_value(held.get(), 1, sqlite3_column_value(read.get(), held_column));
      if (held.Step()) continue;
    }
    write.Reset();
    exists.Reset();
    for (size_t i = 0; i < names.size(); ++i) {
      const int column = static_cast<int>(i) + 1;
      const int param = static_cast<int>(i) + 1;
      sqlite3_value* value = sqlite3_column_value(read.get(), column);
      if (column == key_column) {
        sqlite3_bind_int64(write.get(), param,
                           copy.ids->at(sqlite3_column_int64(read.get(), column)));
      } else {
        sqlite3_bind_value(write.get(), param, value);
      }
      sqlite3_bind_value(exists.get(), param, value);
    }
    if (copy.skip_present && exists.Step()) continue;
    write.Step();
    ++copied;
    if (!rowid.empty()) {
      renumbered[sqlite3_column_int64(read.get(), 0)] = sqlite3_last_insert_rowid(to);
    }
  }
  return renumbered;
}

}  // namespace

ResultsStore::MergeCounts ResultsStore::MergeFrom(const ResultsStore& source) {
  if (remote_) {
    throw StoreError(
        "merge: cannot merge into a PostgreSQL server; upload each file with `edgebench push "
        "FILE URL` instead");
  }
  Db from = source.db_.get();
  Db to = db_.get();
  MergeCounts counts;
  Exec(to, "BEGIN IMMEDIATE");
  try {
    // Tables are copied in name order, not in the order their foreign keys need.
    Exec(to, "PRAGMA defer_foreign_keys = ON");
    // The runs this database lacks, by identity (start time, device, command line), and
    // those it holds already (source id -> this database's).
    std::map<int64_t, int64_t> missing;
    std::map<int64_t, int64_t> present;
    {
      Stmt runs(from, "SELECT id, started_at, device_label, command_line FROM runs ORDER BY id");
      Stmt known(to,
                 "SELECT id FROM runs WHERE started_at IS ?1 AND device_label IS ?2 AND "
                 "command_line IS ?3");
      while (runs.Step()) {
        known.Reset();
        for (int i = 1; i <= 3; ++i) {
          sqlite3_bind_value(known.get(), i, sqlite3_column_value(runs.get(), i));
        }
        const int64_t id = sqlite3_column_int64(runs.get(), 0);
        if (known.Step()) {
          ++counts.runs_present;
          present[id] = sqlite3_column_int64(known.get(), 0);
        } else {
          missing[id] = id;
        }
      }
    }
    const std::map<int64_t, int64_t> runs =
        CopyRows(from, to, {"runs", "id", &missing, false, true}, counts.runs_added);
    // Jobs of new runs, and the jobs a present run lacks (one continued after an earlier
    // merge): a job already here, by uid, is not copied again.
    std::map<int64_t, int64_t> job_runs = runs;
    job_runs.insert(present.begin(), present.end());
    const std::map<int64_t, int64_t> jobs =
        CopyRows(from, to, {"jobs", "run_id", &job_runs, false, false, "uid"}, counts.jobs_added);
    for (const std::string& table : Tables(from)) {
      if (table == "runs" || table == "jobs") continue;
      const std::vector<Column> columns = Columns(from, table);
      if (Has(columns, "job_id")) {
        CopyRows(from, to, {table, "job_id", &jobs, false}, counts.rows_added);
      } else if (Has(columns, "run_id")) {
        CopyRows(from, to, {table, "run_id", &runs, false}, counts.rows_added);
      } else {
        CopyRows(from, to, {table, "", nullptr, true}, counts.rows_added);
      }
    }
    Exec(to, "COMMIT");
  } catch (...) {
    sqlite3_exec(to, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return counts;
}

}  // namespace edgebench::store
