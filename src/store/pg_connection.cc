#include "store/pg_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>

#include "store/results_store.h"

namespace edgebench::store {
namespace {

// Options libpq parsed from `url`, or the parse error.
struct ParsedUrl {
  std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> options{nullptr, PQconninfoFree};
  std::string error;
};

ParsedUrl Parse(const std::string& url) {
  ParsedUrl parsed;
  char* error = nullptr;
  parsed.options.reset(PQconninfoParse(url.c_str(), &error));
  if (error != nullptr) {
    parsed.error = error;
    PQfreemem(error);
  }
  return parsed;
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::optional<std::string> PostgresUrlProblem(const std::string& url) {
  const ParsedUrl parsed = Parse(url);
  if (!parsed.options) {
    return fmt::format("not a valid PostgreSQL URL: {}", Trimmed(parsed.error));
  }
  for (const PQconninfoOption* o = parsed.options.get(); o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr && *o->val != '\0') {
      return "a password in the database URL would show in process lists, shell history and "
             "the stored command line; remove it and give it through PGPASSWORD or ~/.pgpass "
             "(see the README)";
    }
  }
  return std::nullopt;
}

PgResult::PgResult(pg_result* result) : result_(result) {}
PgResult::PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}
PgResult::~PgResult() { PQclear(result_); }

int PgResult::rows() const { return PQntuples(result_); }
int PgResult::columns() const { return PQnfields(result_); }
bool PgResult::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
std::string_view PgResult::Text(int row, int column) const {
  return {PQgetvalue(result_, row, column), static_cast<size_t>(PQgetlength(result_, row, column))};
}
int64_t PgResult::Int(int row, int column) const {
  const std::string_view text = Text(row, column);
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

PgConnection::PgConnection(const std::string& url) : conn_(nullptr, PQfinish) {
  if (const auto problem = PostgresUrlProblem(url)) throw StoreError(*problem);
  conn_.reset(PQconnectdb(url.c_str()));
  if (!conn_) throw StoreError("cannot connect to PostgreSQL: out of memory");
  const auto text = [](const char* value) { return std::string(value ? value : ""); };
  const std::string host = text(PQhost(conn_.get()));
  name_ = fmt::format("postgresql server {}@{}:{}/{}", text(PQuser(conn_.get())),
                      host.empty() ? "localhost" : host, text(PQport(conn_.get())),
                      text(PQdb(conn_.get())));
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    const std::string error = Trimmed(PQerrorMessage(conn_.get()));
    const bool password = error.find("password") != std::string::npos;
    throw StoreError(fmt::format("cannot connect to {}: {}{}", name_, error,
                                 password ? " (libpq reads the password from PGPASSWORD or "
                                            "~/.pgpass; see the README)"
                                          : ""));
  }
  // Notices (e.g. "relation already exists, skipping") are not for the user.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
  // Text as UTF-8 whatever the database's encoding, and doubles printed so they read back
  // exactly (3: shortest exact form since PostgreSQL 12, all 17 digits before), whatever
  // the server's defaults.
  if (PQsetClientEncoding(conn_.get(), "UTF8") != 0) {
    throw StoreError(
        fmt::format("{}: cannot use UTF-8: {}", name_, Trimmed(PQerrorMessage(conn_.get()))));
  }
  Exec("SET client_min_messages = warning");
  Exec("SET extra_float_digits = 3");
}

PgConnection::PgConnection(PgConnection&&) noexcept = default;
PgConnection& PgConnection::operator=(PgConnection&&) noexcept = default;
PgConnection::~PgConnection() = default;

PgResult PgConnection::Exec(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& param : params) values.push_back(param ? param->c_str() : nullptr);
  PgResult result(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
  const ExecStatusType status = PQresultStatus(result.result_);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const size_t start = sql.find_first_not_of(" \n");
    throw StoreError(
        fmt::format("{}: cannot execute \"{}\": {}", name_,
                    sql.substr(start, std::min<size_t>(60, sql.find('\n', start) - start)),
                    Trimmed(PQerrorMessage(conn_.get()))));
  }
  return result;
}

bool PgConnection::Broken() const { return PQstatus(conn_.get()) != CONNECTION_OK; }

PgTransaction::PgTransaction(PgConnection& connection, std::string_view begin)
    : connection_(connection) {
  connection_.Exec(std::string(begin));
}

PgTransaction::~PgTransaction() {
  if (!open_ || connection_.Broken()) return;
  try {
    connection_.Exec("ROLLBACK");
  } catch (const StoreError&) {
    // Nothing more can be undone on a failing connection; the server rolls back itself.
  }
}

void PgTransaction::Commit() {
  connection_.Exec("COMMIT");
  open_ = false;
}

}  // namespace edgebench::store
