#pragma once

// How far an optimized model's outputs are from the original fp32 model's: the quality
// figure stored beside a lossy optimization's speed-up.

#include <cstdint>
#include <vector>

#include "backends/host_tensor.h"
#include "harness/job_result.h"
#include "ir/graph.h"

namespace edgebench::harness {

/// Seeded inputs a lossy optimization's deviation is measured over.
inline constexpr int kQualityInputCount = 32;

/// The seed of quality input `index` (0-based) of a job seeded `seed`: input 0 is the job's
/// own seeded input, the others are drawn from seeds derived from it.
uint64_t QualityInputSeed(uint64_t seed, int index);

/// Per-input deviation of `optimized` from `reference` outputs, as GraphPassResult
/// defines it: the worst output's relative L2 error, and over classifier-like outputs the
/// number of rows compared, of equal top-1 and of the reference's top-1 within our top 5.
struct OutputDeviation {
  double rel_l2 = 0;
  int64_t rows = 0;
  int64_t top1_matches = 0;
  int64_t top5_matches = 0;
};
OutputDeviation CompareWithReference(const std::vector<backends::HostTensor>& reference,
                                     const std::vector<backends::HostTensor>& optimized);

/// Runs both graphs on the reference engine over `count` seeded inputs (QualityInputSeed)
/// and fills the quality fields of `result` (quality_inputs, rel_l2_mean/max,
/// top1/top5_agreement). Throws std::runtime_error when the reference engine fails or the
/// graphs' outputs do not correspond.
void MeasureOutputDeviation(const ir::Graph& original, const ir::Graph& optimized, uint64_t seed,
                            int count, GraphPassResult& result);

}  // namespace edgebench::harness
