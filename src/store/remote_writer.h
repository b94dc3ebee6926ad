#pragma once

// What a ResultsStore tells the server it mirrors its writes to (postgres_link.h), as an
// interface so the SQLite store builds without libpq (the cross builds).
#include <cstdint>
#include <optional>
#include <string>

struct sqlite3;

namespace edgebench::store {

class RemoteWriter {
 public:
  virtual ~RemoteWriter() = default;
  /// A run was begun locally; returns its (possibly renumbered) local id.
  virtual int64_t RunBegun(sqlite3* local, int64_t local_run_id) = 0;
  /// A job was written locally (the local transaction still open).
  virtual void JobRecorded(sqlite3* local, int64_t local_job_id, int64_t local_run_id) = 0;
  virtual void RunFinished(sqlite3* local, int64_t local_run_id) = 0;
  /// Rows owned by a job or run ("job_id" / "run_id") changed locally.
  virtual void OwnedRowsChanged(sqlite3* local, const std::string& owner, int64_t local_id) = 0;
  /// Rows of tables no run owns (machine peaks) were added locally.
  virtual void UnownedRowsChanged(sqlite3* local) = 0;
  /// The latest run of `device_label` on the server, copied locally; nullopt if none.
  virtual std::optional<int64_t> PullLatestRun(sqlite3* local, const std::string& device_label) = 0;
  /// Where unpushed results are and how to push them; "" when none.
  virtual std::string UnpushedNotice() const = 0;
};

}  // namespace edgebench::store
