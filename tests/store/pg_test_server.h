#pragma once

// A throw-away PostgreSQL server for tests: Debian's `postgresql` binaries
// (/usr/lib/postgresql/<version>/bin, highest version), initdb'ed in a temporary folder
// and listening only on a Unix socket there; started once per test process, stopped and
// removed at its end. initdb refuses root, so as root the server runs as `nobody`.
#include <string>

namespace edgebench::store::testing {

class PgTestServer {
 public:
  /// The process's server, started on first use; nullptr when it cannot run here, with
  /// the reason in Problem().
  static PgTestServer* Get();
  static const std::string& Problem();
  /// Whether Debian's postgresql is installed at all: tests skip only where it is not,
  /// and fail where it is but the server does not start.
  static bool Installed();

  /// A new, empty database on the server; its postgresql:// URL (no password: trust).
  std::string NewDatabase();
  /// A URL of the server's maintenance database, for tests that act on the server.
  std::string AdminUrl() const;

  ~PgTestServer();

 private:
  PgTestServer() = default;
  bool Start(std::string& error);

  std::string bin_;
  std::string dir_;
  bool running_ = false;
  int databases_ = 0;
};

}  // namespace edgebench::store::testing
