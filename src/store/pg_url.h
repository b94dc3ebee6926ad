#pragma once

// Recognising and vetting PostgreSQL database URLs (no libpq needed to include this).
#include <optional>
#include <string>
#include <string_view>

namespace edgebench::store {

/// True for a database name that is a PostgreSQL connection URL (postgresql:// or
/// postgres://) rather than an SQLite file.
inline bool IsPostgresUrl(std::string_view database) {
  return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

/// Why `url` must not be used, or nullopt when it may: a URL that does not parse, or one
/// carrying a password (it would show in `ps`, shell history and the stored command line;
/// libpq reads it from PGPASSWORD or ~/.pgpass instead), or a build without PostgreSQL.
std::optional<std::string> PostgresUrlProblem(const std::string& url);

}  // namespace edgebench::store
