#pragma once

// A results store writing to PostgreSQL: every write lands in a local SQLite file first
// (the staging file) and is copied to the server in one server transaction, so a board
// whose connection drops keeps measuring into that file, which `edgebench push` uploads
// later. Internal to the store; ResultsStore calls it after each local write.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "store/pg_connection.h"
#include "store/remote_writer.h"

struct sqlite3;

namespace edgebench::store {

class PostgresLink final : public RemoteWriter {
 public:
  /// `staging_path` is removed at the end when every write reached the server and
  /// `remove_when_synced`.
  PostgresLink(PgConnection server, std::string url, std::string staging_path,
               bool remove_when_synced);
  /// Says where unpushed results are and how to push them, when any are.
  ~PostgresLink() override;
  PostgresLink(const PostgresLink&) = delete;
  PostgresLink& operator=(const PostgresLink&) = delete;

  /// A run was begun locally: creates it on the server and renumbers the local run to
  /// the server's id where that is free; returns the run's (possibly new) local id.
  int64_t RunBegun(sqlite3* local, int64_t local_run_id) override;
  /// Copies a job just written locally (the local transaction still open).
  void JobRecorded(sqlite3* local, int64_t local_job_id, int64_t local_run_id) override;
  void RunFinished(sqlite3* local, int64_t local_run_id) override;
  /// Rows a job or run owns changed locally (energy figures, a tune search): the
  /// server's are replaced. `owner` is "job_id" or "run_id".
  void OwnedRowsChanged(sqlite3* local, const std::string& owner, int64_t local_id) override;
  void UnownedRowsChanged(sqlite3* local) override;
  /// The server's latest run of `device_label`, copied into the staging file (same ids)
  /// with everything it owns so --resume can continue it; nullopt when there is none.
  std::optional<int64_t> PullLatestRun(sqlite3* local, const std::string& device_label) override;

  bool online() const { return server_.has_value(); }
  const std::string& staging_path() const { return staging_path_; }
  /// The notice the destructor prints, or "" when everything reached the server.
  std::string UnpushedNotice() const override;

 private:
  // Runs `write` against the server; a failure takes the link offline for good (the
  // local file keeps everything) and is remembered for the notice.
  template <typename Write>
  void Guarded(Write write);
  int64_t ServerRun(sqlite3* local, int64_t local_run_id);

  std::optional<PgConnection> server_;
  std::string server_name_;
  std::string url_;
  std::string staging_path_;
  bool remove_when_synced_;
  std::string error_;
  int64_t unpushed_jobs_ = 0;
  bool unpushed_rows_ = false;
  std::map<int64_t, int64_t> server_runs_;  // local run id -> the server's
};

/// Where a PostgreSQL-backed run stages its results: $XDG_STATE_HOME/edgebench, else
/// ~/.local/state/edgebench, a new file per process.
std::string NewStagingPath();

}  // namespace edgebench::store
