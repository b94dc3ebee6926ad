#pragma once

#include <vector>

#include "report/table.h"
#include "store/results_store.h"

namespace edgebench::report {

/// One row per stored job: status, latency percentiles (ms), the median's confidence
/// interval, sample count, verdict, start-up phases, verification error and peak RSS.
Table ResultsTable(const std::vector<store::StoredJob>& jobs);

/// One row per stored job with its verification figures (`edgebench verify`).
Table VerificationTable(const std::vector<store::StoredJob>& jobs);

}  // namespace edgebench::report
