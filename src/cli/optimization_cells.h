#pragma once

// The cells of `edgebench optimizations`: stored jobs found and compared.

#include <map>
#include <set>
#include <string>

#include "harness/scheduler.h"
#include "report/optimization_table.h"
#include "store/results_store.h"

namespace edgebench::cli {

/// The latest stored outcome of each configuration in `keys` (harness::ConfigKey) that
/// running it again would not change (ok with samples, unsupported, verify_failed), pooled
/// over its run's repetitions. Tune runs are left out: their rounds measure
/// configurations unevenly.
std::map<std::string, harness::PooledJob> StoredJobs(const store::ResultsStore& store,
                                                     const std::set<std::string>& keys);

/// Whether a pooled job has a measurement (ok, with samples).
bool Measured(const harness::PooledJob& job);

/// "status: error" of a job's first failed repetition ("no samples" when none failed).
std::string FailureText(const harness::PooledJob& job);

/// Adds a lossy job's stored deviation to `cell`: its graph passes' own figure over seeded
/// inputs, else its verification against the reference engine.
void AddDeviation(const harness::PooledJob& job, report::OptimizationCell& cell);

/// A cell comparing `candidate` against `baseline` (speed-up = baseline / candidate):
/// not measured when the candidate is missing (null) or `missing_baseline` when the
/// baseline is; unsupported or failed with the reason when the candidate job was.
report::OptimizationCell Compare(const harness::PooledJob* baseline,
                                 const harness::PooledJob* candidate,
                                 const std::string& missing_baseline);

/// The auto-tuning cell of `backend`: the best configuration on it in the latest tune
/// search of `model` that measured it, over that search's default on it.
report::OptimizationCell AutoTuningCell(const store::ResultsStore& store, const std::string& model,
                                        const std::string& backend);

}  // namespace edgebench::cli
