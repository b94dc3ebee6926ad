#pragma once

#include <string>
#include <vector>

#include "report/table.h"
#include "store/results_store.h"

namespace edgebench::report {

/// One row per configuration of a tune search: the winner first, then by how far each got
/// (rounds survived), then by median; refused configurations last. Each row says what it
/// measured (rounds, samples, pooled median and its 95 % CI) and why it was dropped.
Table TuneTrialsTable(const store::StoredTuneSearch& search);

/// The search's result in a few lines: the best configuration, its speed-up over the
/// default with the interval, what the search measured against the exhaustive grid, and
/// why the winner won.
std::vector<std::string> TuneSummaryLines(const store::StoredTuneSearch& search);

}  // namespace edgebench::report
