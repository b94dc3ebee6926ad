#pragma once

// Copying rows between a local SQLite results database and a PostgreSQL server,
// generically over the schema's tables (pg_schema.h). The server numbers its own runs
// and jobs; a run is matched by its identity (start time, device label, command line)
// and a job by its uid, so copying the same rows twice adds nothing.
#include <cstdint>
#include <string>
#include <vector>

#include "store/pg_connection.h"

struct sqlite3;

namespace edgebench::store {

struct TableSchema;

/// What a push copied.
struct PushCounts {
  int64_t runs_added = 0;
  int64_t runs_present = 0;
  int64_t jobs_added = 0;
  int64_t jobs_present = 0;  // already on the server (pushed before): skipped
  int64_t rows_added = 0;    // samples, verifications, energy, peaks...
};

/// Writes rows of the local database `local` to `server`. Each method runs inside the
/// caller's server transaction.
class ServerWriter {
 public:
  ServerWriter(PgConnection& server, sqlite3* local, PushCounts& counts);

  /// The server's id of local run `local_run_id`, creating the run there when absent;
  /// a finish time known locally but not on the server is copied.
  int64_t Run(int64_t local_run_id);
  /// Copies local job `local_job_id` with every row it owns into server run
  /// `server_run_id` unless the server has a job with its uid. Returns the server's id
  /// of the job either way.
  int64_t Job(int64_t local_job_id, int64_t server_run_id);
  /// Replaces the server's rows owned by a job (energy added after it was recorded) or
  /// by a run (a tune search) with the local ones. `owner` is "job_id" or "run_id".
  void ReplaceOwnedRows(const std::string& owner, int64_t local_id, int64_t server_id);
  /// Copies the rows of unowned tables (machine peaks) the server lacks.
  void UnownedRows();

 private:
  PgConnection& server_;
  sqlite3* local_;
  PushCounts& counts_;
};

/// Pushes every run of `local` with its jobs: one server transaction per run.
PushCounts PushDatabase(PgConnection& server, sqlite3* local);

/// Copies the server's rows into `local` (same ids): every table, or only run
/// `run_id` with what it owns. Columns an older server lacks keep their defaults.
void MirrorServer(PgConnection& server, sqlite3* local);
void MirrorServerRun(PgConnection& server, sqlite3* local, int64_t run_id);
/// Copies the rows of the tables no run owns (machine peaks) into `local`, ids kept.
void MirrorServerUnowned(PgConnection& server, sqlite3* local);

}  // namespace edgebench::store
