#pragma once

// `edgebench push`: a board's SQLite results uploaded to a PostgreSQL server.
#include <string>

#include "store/pg_sync.h"
#include "store/results_store.h"

namespace edgebench::store {

/// Copies every run of `source` (an SQLite store) that the server at `url` lacks, and
/// the jobs its present runs lack (by job uid), with everything they own; device labels
/// and environments are kept. One server transaction per run, so pushing twice, or after
/// an interrupted push, adds nothing twice. Creates or upgrades the server's schema.
PushCounts PushToPostgres(const ResultsStore& source, const std::string& url);

}  // namespace edgebench::store
