#pragma once

#include <string>
#include <vector>

#include "backends/host_tensor.h"

namespace edgebench::harness {

/// Reference outputs are expensive (the naive engine takes seconds to minutes per
/// model), so they are computed once per (model, weights, input) and kept on disk.
/// File names carry the weights digest, so changed weights never hit a stale entry.

/// Default cache directory: $EDGEBENCH_CACHE_DIR, else $XDG_CACHE_HOME/edgebench, else
/// ~/.cache/edgebench, else ./.edgebench-cache.
std::string DefaultCacheDir();

/// The cache file for a model's reference outputs. `engine_revision` is the reference
/// engine's (backends::reference::ReferenceEngineRevision()), so entries computed by other
/// kernels are never read. `variant` tells apart the outputs of different inputs ("" for
/// the job's seeded input, "alt" for the second input that tests input dependence).
std::string ReferenceCachePath(const std::string& cache_dir, const std::string& model_id,
                               uint64_t weight_seed, uint64_t weights_digest,
                               const std::string& engine_revision, const std::string& variant = "");

/// Reads a cache file; returns false (leaving `outputs` empty) if it is missing or does
/// not validate (bad magic, absurd sizes, truncation) -- a bad file is recomputed.
bool LoadReferenceOutputs(const std::string& path, std::vector<backends::HostTensor>& outputs);

/// Writes atomically (temporary file + rename); returns false on I/O errors.
bool SaveReferenceOutputs(const std::string& path,
                          const std::vector<backends::HostTensor>& outputs);

}  // namespace edgebench::harness
