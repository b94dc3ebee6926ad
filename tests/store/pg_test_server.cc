#include "pg_test_server.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include "store/pg_connection.h"

namespace edgebench::store::testing {
namespace {

namespace fs = std::filesystem;

std::string& Reason() {
  static std::string reason;
  return reason;
}

// The bin folder of the newest installed PostgreSQL, or "".
std::string NewestBinDir() {
  std::vector<std::pair<int, std::string>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    const std::string version = entry.path().filename().string();
    if (fs::exists(entry.path() / "bin" / "initdb") && !version.empty() &&
        std::all_of(version.begin(), version.end(), ::isdigit)) {
      found.emplace_back(std::stoi(version), (entry.path() / "bin").string());
    }
  }
  if (found.empty()) return "";
  return std::max_element(found.begin(), found.end())->second;
}

int Shell(const std::string& command) { return std::system(command.c_str()); }

}  // namespace

PgTestServer* PgTestServer::Get() {
  static std::unique_ptr<PgTestServer> server = [] {
    std::unique_ptr<PgTestServer> started(new PgTestServer);
    if (!started->Start(Reason())) started.reset();
    return started;
  }();
  return server.get();
}

const std::string& PgTestServer::Problem() { return Reason(); }

bool PgTestServer::Installed() { return !NewestBinDir().empty(); }

bool PgTestServer::Start(std::string& error) {
  bin_ = NewestBinDir();
  if (bin_.empty()) {
    error = "PostgreSQL server binaries not installed (Debian package postgresql)";
    return false;
  }
  std::string pattern = (fs::temp_directory_path() / "edgebench-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    error = "cannot create a temporary folder";
    return false;
  }
  dir_ = pattern;
  // initdb and postgres refuse to run as root: run them as nobody, who owns the folder.
  std::string as_user;
  if (geteuid() == 0) {
    if (Shell("command -v setpriv >/dev/null 2>&1") != 0) {
      error = "running as root and setpriv (util-linux) is missing to start PostgreSQL as nobody";
      return false;
    }
    as_user = "setpriv --reuid=nobody --regid=nogroup --clear-groups ";
    Shell(fmt::format("chown nobody:nogroup '{}' && chmod 755 '{}'", dir_, dir_));
  }
  if (Shell(fmt::format("{}'{}/initdb' -D '{}/data' -U edgebench -A trust --no-sync -E UTF8 "
                        "--locale=C >'{}/initdb.log' 2>&1",
                        as_user, bin_, dir_, dir_, dir_)) != 0) {
    error = fmt::format("initdb failed (see {}/initdb.log)", dir_);
    return false;
  }
  // fsync off: a test server need not survive power loss.
  if (Shell(fmt::format("{}'{}/pg_ctl' -D '{}/data' -l '{}/server.log' -w -t 60 -o \"-k '{}' -c "
                        "listen_addresses='' -c fsync=off -c max_connections=200\" start "
                        ">/dev/null 2>&1",
                        as_user, bin_, dir_, dir_, dir_)) != 0) {
    error = fmt::format("pg_ctl start failed (see {}/server.log)", dir_);
    return false;
  }
  running_ = true;
  return true;
}

PgTestServer::~PgTestServer() {
  if (running_) {
    const std::string as_user =
        geteuid() == 0 ? "setpriv --reuid=nobody --regid=nogroup --clear-groups " : "";
    Shell(fmt::format("{}'{}/pg_ctl' -D '{}/data' -m immediate -w stop >/dev/null 2>&1", as_user,
                      bin_, dir_));
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
}

std::string PgTestServer::AdminUrl() const {
  return fmt::format("postgresql://edgebench@/postgres?host={}", dir_);
}

std::string PgTestServer::NewDatabase() {
  const std::string name = fmt::format("test_{}", ++databases_);
  PgConnection admin(AdminUrl());
  admin.Exec(fmt::format("CREATE DATABASE {}", name));
  return fmt::format("postgresql://edgebench@/{}?host={}", name, dir_);
}

}  // namespace edgebench::store::testing
