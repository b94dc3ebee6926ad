// A build without libpq (the aarch64 cross build): PostgreSQL URLs are refused.
#include "store/pg_url.h"
#include "store/postgres_store.h"

namespace edgebench::store {
namespace {

constexpr const char* kNoPostgres =
    "this edgebench was built without PostgreSQL support (libpq-dev missing); use an SQLite "
    "file";

}  // namespace

std::optional<std::string> PostgresUrlProblem(const std::string&) { return kNoPostgres; }

ResultsStore ResultsStore::OpenPostgres(const std::string&) { throw StoreError(kNoPostgres); }
ResultsStore ResultsStore::OpenPostgresReadOnly(const std::string&) {
  throw StoreError(kNoPostgres);
}
PushCounts PushToPostgres(const ResultsStore&, const std::string&) {
  throw StoreError(kNoPostgres);
}

}  // namespace edgebench::store
