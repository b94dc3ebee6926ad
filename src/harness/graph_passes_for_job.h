#pragma once

// A job's graph passes (passes/graph_pass_toggles.h): the toggles that change the model
// before its backend sees it, which every backend therefore accepts. The worker applies
// them right after building the model; the backend is then verified against the reference
// run on the same optimized graph, and lossy passes get their deviation from the
// unoptimized fp32 model measured.

#include <optional>
#include <string>
#include <vector>

#include "harness/job_json.h"
#include "harness/job_result.h"
#include "ir/graph.h"
#include "passes/graph_pass_toggles.h"

namespace edgebench::harness {

/// The job's toggles that are its backend's own (graph passes left out): what the backend
/// is checked against (CheckToggleSupport) and given (BackendOptions::toggles).
std::vector<std::string> BackendToggles(const JobConfig& config);

/// The job's graph passes. Throws std::invalid_argument on a malformed pass toggle.
passes::GraphPassToggles GraphPassesOf(const JobConfig& config);

/// Canonical text of the job's graph-pass toggles alone ("" when it has none), e.g.
/// "prune-channels=0.5": part of every reference-output cache key, so outputs of a pruned
/// model and of the unpruned one never mix.
std::string GraphPassKey(const JobConfig& config);

/// What applying a job's graph passes gave: the record for its result, and the digests of
/// the weights before and after (zoo::WeightsDigest), which key the measured deviation.
struct AppliedGraphPasses {
  GraphPassResult record;
  uint64_t original_digest = 0;
  uint64_t optimized_digest = 0;
};

/// Applies the job's graph passes to its freshly loaded model (shapes inferred, weights
/// materialized); nullopt when it asks for none. Throws on a pass failure.
std::optional<AppliedGraphPasses> ApplyJobGraphPasses(const JobConfig& config, ir::Graph& graph);

/// True when the job asks for a lossy graph pass (one whose deviation is measured); false
/// for malformed toggles too (the worker reports those).
bool HasLossyGraphPasses(const JobConfig& config);

/// For a job with lossy passes: the deviation of the optimized model's outputs from the
/// unoptimized fp32 model's over kQualityInputCount seeded inputs, on the reference engine,
/// read from the request's cache directory when an earlier worker measured it (the
/// launcher's untimed reference worker normally has), else measured here -- building both
/// models afresh, so the caller's graph may have released its weights -- and stored there.
/// Never throws: a failure is recorded in `record.quality_error`.
void AddGraphPassQuality(const WorkerRequest& request, const AppliedGraphPasses& applied,
                         GraphPassResult& record);

}  // namespace edgebench::harness
