#pragma once

#include <string>
#include <vector>

#include "backends/host_tensor.h"
#include "harness/job_result.h"

namespace edgebench::harness {

/// Relative-L2 bound a backend must meet at a precision: fp32 1e-4, fp16/bf16 1e-2,
/// int8 5e-2. Unknown precisions get the int8 bound.
double ToleranceFor(const std::string& precision);

/// Compares a backend's outputs with the reference's, each output on its own: max
/// absolute error and relative L2 error (||ours - ref|| / ||ref||) per output, and for
/// every classifier-like output (one score vector of at least 5 classes per row: [N, C]
/// or [N, C, 1, 1]) the fraction of the reference's top-5 indices also in ours. Passes
/// when every output is within `tolerance`; the headline figures are the worst output's,
/// and `error` names it. Shape or count mismatches and non-finite values fail.
Verification CompareOutputs(const std::vector<backends::HostTensor>& reference,
                            const std::vector<backends::HostTensor>& candidate, double tolerance,
                            std::string& error);

/// Marks `verification` uninformative (a check that could not have failed) when every
/// reference output is constant or identical for two different inputs (`reference` for
/// the job's input, `reference_alt` for another seeded input): then any engine that
/// outputs the same constants passes, whatever it computes, so `passed` is cleared too
/// (the note says why; it is not a failure either). A partly informative
/// check stays informative, with `note` naming the outputs that are not.
void JudgeInformativeness(const std::vector<backends::HostTensor>& reference,
                          const std::vector<backends::HostTensor>& reference_alt,
                          Verification& verification);

}  // namespace edgebench::harness
