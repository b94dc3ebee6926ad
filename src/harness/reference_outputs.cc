#include "harness/reference_outputs.h"

#include <fmt/format.h>

#include <cstdio>
#include <tuple>

#include "backends/reference/reference_backend.h"
#include "harness/graph_passes_for_job.h"
#include "harness/model_inputs.h"
#include "harness/reference_cache.h"

namespace edgebench::harness {
namespace {

using backends::HostTensor;

// The model part of a cache key: the id or file, plus the input shapes it runs at and the
// graph passes that changed it (a pruned model is another model).
std::string ModelKey(const JobConfig& config) {
  std::string key = config.input_shape.empty()
                        ? config.model
                        : fmt::format("{}@{}", config.model, config.input_shape);
  if (const std::string passes = GraphPassKey(config); !passes.empty()) key += "+" + passes;
  return key;
}

}  // namespace

ReferencePaths ReferencePathsFor(const WorkerRequest& request, uint64_t weights_digest) {
  const JobConfig& c = request.config;
  const std::string revision = backends::reference::ReferenceEngineRevision();
  return {
      ReferenceCachePath(request.cache_dir, ModelKey(c), c.weight_seed, weights_digest, revision),
      ReferenceCachePath(request.cache_dir, ModelKey(c), c.weight_seed, weights_digest, revision,
                         "alt")};
}

std::string ReferencePathFor(const WorkerRequest& request, uint64_t weights_digest,
                             const std::vector<HostTensor>& inputs) {
  if (request.cache_dir.empty()) return {};
  if (request.input_files.empty()) return ReferencePathsFor(request, weights_digest).main;
  const JobConfig& c = request.config;
  return ReferenceCachePath(request.cache_dir, ModelKey(c), c.weight_seed, weights_digest,
                            backends::reference::ReferenceEngineRevision(),
                            fmt::format("in-{:016x}", InputsDigest(inputs)));
}

bool ComputeReferenceFor(const ir::Graph& graph, const std::vector<HostTensor>& inputs,
                         const std::string& path, std::vector<HostTensor>& outputs,
                         std::string& error) {
  if (!path.empty() && LoadReferenceOutputs(path, outputs)) return true;
  const backends::Status status = backends::reference::RunReference(graph, inputs, outputs);
  if (!status.ok) {
    error = "reference run failed: " + status.message;
    return false;
  }
  // An unwritable cache (read-only home in a container) costs time, not the job: the
  // timed worker then computes the reference itself.
  if (!path.empty() && !SaveReferenceOutputs(path, outputs)) {
    fmt::print(stderr, "warning: cannot write the reference cache {}\n", path);
  }
  return true;
}

bool ComputeReference(const WorkerRequest& request, const ir::Graph& graph,
                      const ReferencePaths& paths, std::vector<HostTensor>& outputs,
                      std::vector<HostTensor>& alt_outputs, std::string& error) {
  const bool cached = !request.cache_dir.empty();
  for (auto [seed, target, path] :
       {std::tuple{request.config.weight_seed, &outputs, &paths.main},
        std::tuple{AlternativeInputSeed(request.config.weight_seed), &alt_outputs, &paths.alt}}) {
    if (cached && LoadReferenceOutputs(*path, *target)) continue;
    if (!ComputeReferenceFor(graph, SeededInputs(graph, seed), cached ? *path : std::string(),
                             *target, error)) {
      return false;
    }
  }
  return true;
}

}  // namespace edgebench::harness
