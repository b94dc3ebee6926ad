#pragma once

#include <vector>

#include "harness/wrap_overhead.h"
#include "report/table.h"

namespace edgebench::report {

/// One row per wrapped job measured bare too (`run --compare-wrap`): both pooled medians,
/// the overhead (wrapped / bare - 1, in %) with its 95 % confidence interval and how it was
/// computed, the verdict ("within noise" when the interval holds 0, else "slower" or
/// "faster"), and each start-up phase's wrapped - bare difference in ms with its interval.
Table WrapOverheadTable(const std::vector<harness::WrapOverhead>& overheads);

}  // namespace edgebench::report
