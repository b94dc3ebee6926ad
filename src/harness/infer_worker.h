#pragma once

#include "backends/registry.h"
#include "harness/job_json.h"

namespace edgebench::harness {

/// Name of the summary `edgebench infer` writes beside the tensors.
inline constexpr const char* kInferSummaryFile = "summary.json";

/// The kInfer worker: loads the model at the request's input shapes, gathers its inputs
/// (the request's .npy files, seeded values for the rest), runs one inference on the
/// backend and writes into `request.output_dir`: each input as input_<name>.npy, each
/// output as <name>.npy (names made safe and distinct) and kInferSummaryFile. The summary
/// holds, per output, its name, shape and file, its relative L2 and max abs error against
/// the reference engine (with `request.verify`; read from the cache the reference worker
/// filled, else computed here) and for classifier-like outputs ([1, K] or [1, K, 1, 1],
/// K >= 2) the top-5 indices and values. Failures set `result`'s status and error;
/// exceptions (a bad input file: InputError) propagate to ExecuteJob.
void ExecuteInfer(const WorkerRequest& request, const backends::BackendRegistry& registry,
                  JobResult& result);

}  // namespace edgebench::harness
