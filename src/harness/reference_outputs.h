#pragma once

// The reference engine's outputs a worker compares a backend with: where they are cached
// and how they are computed when the cache lacks them.

#include <cstdint>
#include <string>
#include <vector>

#include "backends/host_tensor.h"
#include "harness/job_json.h"
#include "ir/graph.h"

namespace edgebench::harness {

struct ReferencePaths {
  std::string main;  // outputs for the job's seeded input
  std::string alt;   // outputs for the alternative input
};

/// The cache files of a job's reference outputs. The model part of the key carries the
/// job's input shapes, so outputs at one shape are never read for another.
ReferencePaths ReferencePathsFor(const WorkerRequest& request, uint64_t weights_digest);

/// The cache file of the reference outputs for `inputs`, the request's: without input
/// files the seeded input's (ReferencePathsFor's main, which `run` shares), else keyed by
/// the inputs' digest as well. Empty without a cache directory.
std::string ReferencePathFor(const WorkerRequest& request, uint64_t weights_digest,
                             const std::vector<backends::HostTensor>& inputs);

/// Computes the reference outputs of both seeded inputs into the cache (or only into
/// `outputs` and `alt_outputs` when no cache directory is set); a valid cache entry is
/// read instead. Normally runs in a worker of its own, before the timed one, so the naive
/// engine's time and memory are never attributed to a backend. Returns false with `error`
/// set when the reference engine fails.
bool ComputeReference(const WorkerRequest& request, const ir::Graph& graph,
                      const ReferencePaths& paths, std::vector<backends::HostTensor>& outputs,
                      std::vector<backends::HostTensor>& alt_outputs, std::string& error);

/// The same for one set of inputs and its cache file `path` (empty: no cache).
bool ComputeReferenceFor(const ir::Graph& graph, const std::vector<backends::HostTensor>& inputs,
                         const std::string& path, std::vector<backends::HostTensor>& outputs,
                         std::string& error);

}  // namespace edgebench::harness
