#pragma once

// The rows of one job's energy record (energy_store.cc), written inside a transaction the
// caller holds: RecordJob stores a job and its energy together, so a crash between the two
// can never leave a job without the energy measured around it.

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "harness/energy_figures.h"

namespace edgebench::store {

/// Inserts the thermal record, the figures and the traces of job `job_id`. Throws
/// StoreError; the caller rolls back.
void WriteJobEnergy(sqlite3* db, const std::string& path, int64_t job_id,
                    const harness::JobEnergy& energy);

}  // namespace edgebench::store
