#include "harness/job_plan.h"

#include <algorithm>

#include "harness/precision_toggles.h"

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

std::vector<std::string> ParseToggles(const std::string& text) { return SplitList(text); }

std::vector<JobConfig> PlanJobs(const std::vector<std::string>& models,
                                const std::vector<std::string>& backends, const JobConfig& base,
                                const std::vector<std::string>& toggle_sets) {
  std::vector<std::string> sets;
  for (const std::string& toggles : toggle_sets) {
    if (std::find(sets.begin(), sets.end(), toggles) == sets.end()) sets.push_back(toggles);
  }
  if (sets.empty()) sets.push_back("");
  std::vector<JobConfig> jobs;
  for (const std::string& model : models) {
    for (const std::string& backend : backends) {
      for (const std::string& toggles : sets) {
        JobConfig job = base;
        job.model = model;
        job.backend = backend;
        job.toggles = toggles;
        jobs.push_back(WithPrecisionFromToggles(std::move(job)));
      }
    }
  }
  return jobs;
}

std::vector<JobConfig> WrapJobs(const std::vector<JobConfig>& jobs, const std::string& wrapper,
                                bool compare) {
  if (wrapper.empty()) return jobs;
  std::vector<JobConfig> wrapped;
  for (const JobConfig& job : jobs) {
    if (compare) wrapped.push_back(job);
    wrapped.push_back(job);
    wrapped.back().wrapper = wrapper;
  }
  return wrapped;
}

}  // namespace edgebench::harness
