#pragma once

#include <cstdint>
#include <vector>

#include "harness/scheduler.h"
#include "store/results_store.h"

namespace edgebench::store {

/// The jobs of run `run_id` with their repetitions' samples loaded and pooled
/// (harness::PoolJobs), in the order each job first finished a repetition.
std::vector<harness::PooledJob> PooledJobs(const ResultsStore& store, int64_t run_id);

}  // namespace edgebench::store
