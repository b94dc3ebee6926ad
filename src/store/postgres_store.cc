// ResultsStore over a PostgreSQL server (see results_store.h): opening for reading
// (an in-memory mirror) and for writing (a staging file linked to the server), and push.
#include "store/postgres_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include "store/pg_connection.h"
#include "store/pg_schema.h"
#include "store/postgres_link.h"

namespace edgebench::store {
namespace {

void CheckReadable(PgConnection& server, const std::string& url) {
  const int version = ServerSchemaVersion(server);
  if (version == 0) {
    throw StoreError(fmt::format(
        "{}: holds no edgebench results yet (`edgebench run --db {}` or `edgebench push FILE "
        "{}` first)",
        server.name(), url, url));
  }
  if (version > kSchemaVersion) {
    throw StoreError(fmt::format(
        "{}: results database created by a newer edgebench (schema {}, this build knows {}); "
        "upgrade edgebench to use it",
        server.name(), version, kSchemaVersion));
  }
}

}  // namespace

ResultsStore ResultsStore::OpenPostgresReadOnly(const std::string& url) {
  PgConnection server(url);
  CheckReadable(server, url);
  ResultsStore mirror = OpenInMemory();
  MirrorServer(server, mirror.db_.get());
  if (sqlite3_exec(mirror.db_.get(), "PRAGMA query_only = ON", nullptr, nullptr, nullptr) !=
      SQLITE_OK) {
    throw StoreError(fmt::format("{}: cannot make the copy read-only", server.name()));
  }
  mirror.path_ = url;
  return mirror;
}

ResultsStore ResultsStore::OpenPostgres(const std::string& url) {
  PgConnection server(url);
  EnsureServerSchema(server);
  const std::string staging = NewStagingPath();
  ResultsStore local = Open(staging);
  // The machines' measured ceilings, so a run finds its own (run_command reads them).
  MirrorServerUnowned(server, local.db_.get());
  local.remote_ = std::make_shared<PostgresLink>(std::move(server), url, staging,
                                                 /*remove_when_synced=*/true);
  return local;
}

PushCounts PushToPostgres(const ResultsStore& source, const std::string& url) {
  PgConnection server(url);
  EnsureServerSchema(server);
  return PushDatabase(server, source.sqlite_handle());
}

}  // namespace edgebench::store
