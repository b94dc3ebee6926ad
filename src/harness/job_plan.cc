#include "harness/job_plan.h"

namespace edgebench::harness {

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

std::vector<JobConfig> PlanJobs(const std::vector<std::string>& models,
                                const std::vector<std::string>& backends, const JobConfig& base) {
  std::vector<JobConfig> jobs;
  for (const std::string& model : models) {
    for (const std::string& backend : backends) {
      JobConfig job = base;
      job.model = model;
      job.backend = backend;
      jobs.push_back(std::move(job));
    }
  }
  return jobs;
}

}  // namespace edgebench::harness
