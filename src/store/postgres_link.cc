#include "store/postgres_link.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "store/pg_schema.h"
#include "store/pg_sync.h"
#include "store/results_store.h"

namespace edgebench::store {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> LocalText(sqlite3* local, const std::string& sql, int64_t id) {
  sqlite3_stmt* stmt = nullptr;
  std::optional<std::string> value;
  if (sqlite3_prepare_v2(local, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    sqlite3_bind_int64(stmt, 1, id);
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
  }
  sqlite3_finalize(stmt);
  return value;
}

}  // namespace

std::string NewStagingPath() {
  fs::path dir;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) {
    dir = fs::path(state) / "edgebench";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    dir = fs::path(home) / ".local" / "state" / "edgebench";
  } else {
    dir = fs::temp_directory_path() / "edgebench";
  }
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    throw StoreError(fmt::format("cannot create {} for the local copy of the results: {}",
                                 dir.string(), error.message()));
  }
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return (dir / fmt::format("pg-staging-{}-{}.db", stamp, getpid())).string();
}

PostgresLink::PostgresLink(PgConnection server, std::string url, std::string staging_path,
                           bool remove_when_synced)
    : server_name_(server.name()),
      url_(std::move(url)),
      staging_path_(std::move(staging_path)),
      remove_when_synced_(remove_when_synced) {
  server_.emplace(std::move(server));
}

PostgresLink::~PostgresLink() {
  const std::string notice = UnpushedNotice();
  if (!notice.empty()) {
    std::cerr << "edgebench: " << notice << "\n";
  } else if (remove_when_synced_) {
    // The store closed its connection first (ResultsStore declares the link before it).
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      fs::remove(staging_path_ + suffix, ignored);
    }
  }
}

std::string PostgresLink::UnpushedNotice() const {
  if (online() || (unpushed_jobs_ == 0 && !unpushed_rows_)) return "";
  return fmt::format(
      "lost the connection to {} ({}); {} job(s) measured since are only in the local file {}: "
      "upload them with `edgebench push {} {}` (pushing twice adds nothing)",
      server_name_, error_, unpushed_jobs_, staging_path_, staging_path_, url_);
}

template <typename Write>
void PostgresLink::Guarded(Write write) {
  if (!server_) return;
  try {
    write(*server_);
  } catch (const StoreError& error) {
    error_ = error.what();
    server_.reset();
  }
}

int64_t PostgresLink::ServerRun(sqlite3* local, int64_t local_run_id) {
  if (const auto found = server_runs_.find(local_run_id); found != server_runs_.end()) {
    return found->second;
  }
  PushCounts counts;
  const int64_t id = ServerWriter(*server_, local, counts).Run(local_run_id);
  server_runs_[local_run_id] = id;
  return id;
}

int64_t PostgresLink::RunBegun(sqlite3* local, int64_t local_run_id) {
  int64_t server_id = 0;
  Guarded([&](PgConnection& server) {
    PgTransaction transaction(server);
    server_id = ServerRun(local, local_run_id);
    transaction.Commit();
  });
  if (server_id == 0) {
    unpushed_rows_ = true;
    return local_run_id;
  }
  // The same id here and on the server, so what `run` prints is what `results --run`
  // finds there. Only where it is free (a reused staging file may hold it).
  if (server_id != local_run_id &&
      !LocalText(local, "SELECT 1 FROM runs WHERE id = ?", server_id)) {
    const std::string sql =
        fmt::format("UPDATE runs SET id = {} WHERE id = {}", server_id, local_run_id);
    if (sqlite3_exec(local, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) {
      server_runs_.erase(local_run_id);
      server_runs_[server_id] = server_id;
      return server_id;
    }
  }
  return local_run_id;
}

void PostgresLink::JobRecorded(sqlite3* local, int64_t local_job_id, int64_t local_run_id) {
  bool pushed = false;
  Guarded([&](PgConnection& server) {
    PgTransaction transaction(server);
    const int64_t server_run = ServerRun(local, local_run_id);
    PushCounts counts;
    ServerWriter(server, local, counts).Job(local_job_id, server_run);
    transaction.Commit();
    pushed = true;
  });
  if (!pushed) ++unpushed_jobs_;
}

void PostgresLink::RunFinished(sqlite3* local, int64_t local_run_id) {
  bool pushed = false;
  Guarded([&](PgConnection& server) {
    PgTransaction transaction(server);
    const int64_t server_run = ServerRun(local, local_run_id);
    server.Exec("UPDATE runs SET finished_at = $1 WHERE id = $2",
                {LocalText(local, "SELECT finished_at FROM runs WHERE id = ?", local_run_id),
                 std::to_string(server_run)});
    transaction.Commit();
    pushed = true;
  });
  if (!pushed) unpushed_rows_ = true;
}

void PostgresLink::OwnedRowsChanged(sqlite3* local, const std::string& owner, int64_t local_id) {
  bool pushed = false;
  Guarded([&](PgConnection& server) {
    PgTransaction transaction(server);
    PushCounts counts;
    ServerWriter writer(server, local, counts);
    int64_t server_id = 0;
    if (owner == "run_id") {
      server_id = ServerRun(local, local_id);
    } else {
      const PgResult found =
          server.Exec("SELECT id FROM jobs WHERE uid = $1",
                      {LocalText(local, "SELECT uid FROM jobs WHERE id = ?", local_id)});
      if (found.rows() == 0) return;  // the job itself is not there: push brings both
      server_id = found.Int(0, 0);
    }
    writer.ReplaceOwnedRows(owner, local_id, server_id);
    transaction.Commit();
    pushed = true;
  });
  if (!pushed) unpushed_rows_ = true;
}

void PostgresLink::UnownedRowsChanged(sqlite3* local) {
  bool pushed = false;
  Guarded([&](PgConnection& server) {
    PgTransaction transaction(server);
    PushCounts counts;
    ServerWriter(server, local, counts).UnownedRows();
    transaction.Commit();
    pushed = true;
  });
  if (!pushed) unpushed_rows_ = true;
}

std::optional<int64_t> PostgresLink::PullLatestRun(sqlite3* local,
                                                   const std::string& device_label) {
  if (!server_) {
    throw StoreError(fmt::format("cannot resume: no connection to {} ({})", server_name_, error_));
  }
  const PgResult latest =
      server_->Exec("SELECT max(id) FROM runs WHERE device_label = $1", {device_label});
  if (latest.rows() == 0 || latest.IsNull(0, 0)) return std::nullopt;
  const int64_t run_id = latest.Int(0, 0);
  if (!LocalText(local, "SELECT 1 FROM runs WHERE id = ?", run_id)) {
    MirrorServerRun(*server_, local, run_id);
  }
  server_runs_[run_id] = run_id;
  return run_id;
}

}  // namespace edgebench::store
