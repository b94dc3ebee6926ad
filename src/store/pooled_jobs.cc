#include "store/pooled_jobs.h"

namespace edgebench::store {

std::vector<harness::PooledJob> PooledJobs(const ResultsStore& store, int64_t run_id) {
  std::vector<harness::JobResult> repetitions;
  for (StoredJob& job : store.Jobs(run_id)) {
    job.result.samples = store.Samples(job.id);
    repetitions.push_back(std::move(job.result));
  }
  return harness::PoolJobs(repetitions);
}

}  // namespace edgebench::store
