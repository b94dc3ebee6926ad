#pragma once

#include <string>
#include <vector>

#include "report/table.h"
#include "store/results_store.h"

namespace edgebench::report {

/// One row per configuration of a tune search: the winner first, then by how far each got
/// (rounds survived), then by median; refused configurations last (left out without
/// `include_refused`: TuneRefusalLines sums them up). Each row says what it measured
/// (rounds, samples, pooled median and its 95 % CI) and why it was dropped.
Table TuneTrialsTable(const store::StoredTuneSearch& search, bool include_refused = true);

/// The configurations refused before measuring, one line per distinct reason with how
/// many it refused, e.g. "12 configurations refused: backend x has no ... toggle 'int8'".
std::vector<std::string> TuneRefusalLines(const store::StoredTuneSearch& search);

/// The search's result in a few lines: the best configuration, its speed-up over the
/// default with the interval, what the search measured against the exhaustive grid, and
/// why the winner won.
std::vector<std::string> TuneSummaryLines(const store::StoredTuneSearch& search);

}  // namespace edgebench::report
