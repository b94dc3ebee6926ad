#pragma once

// The precision of a job as an optimization toggle: `--opt int8`, `--opt fp16` and
// `--opt bf16` (`fp32` is the default and may be named too) set JobConfig::precision
// instead of joining the backend's toggles, so a run sweeps precisions like any other
// optimization and every table keys and labels a job by its precision. One job runs at
// one precision: a toggle set naming two is an error.

#include <string>
#include <string_view>
#include <vector>

#include "harness/job_result.h"

namespace edgebench::harness {

/// True for "fp32", "fp16", "bf16" and "int8".
bool IsPrecisionToggle(std::string_view toggle);

/// The precision named among `toggles` ("fp32" when none) and, in `others`, the toggles
/// that are not precisions. Returns "" and sets `error` when two different precisions
/// are named.
std::string PrecisionOfToggles(const std::vector<std::string>& toggles,
                               std::vector<std::string>& others, std::string& error);

/// `config` with a precision named in its toggles moved into `precision` (toggles then
/// hold the rest, canonical). Throws std::invalid_argument when the toggles name two
/// precisions, or one other than a non-fp32 `precision` the config already has.
JobConfig WithPrecisionFromToggles(JobConfig config);

}  // namespace edgebench::harness
