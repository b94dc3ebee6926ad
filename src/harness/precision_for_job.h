#pragma once

// What a reduced-precision job needs beyond its backend: int8 ranges calibrated into the
// IR before the backend sees the graph (so every backend quantizes with the same numbers),
// and the check that the backend's own kernel report shows the precision the job is
// labelled with -- an int8 job never records fp32 convolutions.

#include <string>
#include <vector>

#include "backends/backend.h"
#include "harness/job_result.h"
#include "ir/graph.h"

namespace edgebench::harness {

/// Seeded inputs an int8 job's activation ranges are observed over.
inline constexpr int kCalibrationInputCount = 8;

/// For an int8 job, stores int8 ranges in `graph` (passes::CalibrateInt8) observed over
/// kCalibrationInputCount seeded inputs drawn from streams of their own under the job's
/// seed (never the input the job is verified on), and returns those inputs (for
/// BackendOptions::calibration_inputs). Nothing for other precisions. Throws what the
/// calibration throws.
std::vector<std::vector<backends::HostTensor>> CalibrateForJob(const JobConfig& config,
                                                               ir::Graph& graph);

/// One line per kernel kind, in first-use order, e.g.
/// "conv: jit_int8:avx2 (int8) x12; fully_connected: gemm:jit (int8) x1".
std::string KernelSummary(const std::vector<backends::KernelUse>& kernels);

/// Why `kernels` do not fit a job at `precision` -- a convolution, transposed convolution
/// or fully connected layer computing in another precision --, or "" when they fit (always
/// for fp32).
std::string KernelPrecisionMismatch(const std::string& precision,
                                    const std::vector<backends::KernelUse>& kernels);

/// True when a backend's Prepare error refuses the job's reduced `precision` itself -- by
/// the convention every backend follows, "<precision> unsupported on this backend/CPU
/// ...: why" -- so the job is unsupported there, not failed.
bool IsPrecisionRefusal(const std::string& precision, const std::string& error);

/// Reads `session`'s kernel report into `summary` (KernelSummary; left empty when the
/// backend gives none). An error when a job at a reduced `precision` has no report -- its
/// label must be backed by the library's own word -- or KernelPrecisionMismatch finds one.
backends::Status CheckSessionKernels(const std::string& precision, const backends::Session& session,
                                     std::string& summary);

}  // namespace edgebench::harness
