#pragma once

#include <string>
#include <vector>

#include "backends/host_tensor.h"
#include "harness/job_result.h"

namespace edgebench::harness {

/// Relative-L2 bound a backend must meet at a precision: fp32 1e-4, fp16/bf16 1e-2,
/// int8 5e-2. Unknown precisions get the int8 bound.
double ToleranceFor(const std::string& precision);

/// Compares a backend's outputs with the reference's over all outputs together: max
/// absolute error, relative L2 error (||ours - ref|| / ||ref||) and, on the first output
/// (per batch row), the fraction of the reference's top-5 indices also in ours. Shape or
/// count mismatches and non-finite values fail with `error` set.
Verification CompareOutputs(const std::vector<backends::HostTensor>& reference,
                            const std::vector<backends::HostTensor>& candidate, double tolerance,
                            std::string& error);

}  // namespace edgebench::harness
