#include "harness/precision_for_job.h"

#include <fmt/format.h>

#include "passes/int8_calibration.h"
#include "zoo/seeded_weights.h"

namespace edgebench::harness {

std::vector<std::vector<backends::HostTensor>> CalibrateForJob(const JobConfig& config,
                                                               ir::Graph& graph) {
  if (config.precision != "int8") return {};
  std::vector<std::vector<backends::HostTensor>> sets;
  for (int set = 0; set < kCalibrationInputCount; ++set) {
    std::vector<backends::HostTensor> inputs;
    for (ir::ValueId id : graph.inputs()) {
      const ir::Value& input = graph.value(id);
      inputs.emplace_back(input.shape,
                          zoo::SeededValues(input.shape, config.weight_seed,
                                            fmt::format("calibration {} {}", set, input.name)));
    }
    sets.push_back(std::move(inputs));
  }
  passes::CalibrateInt8(graph, sets);
  return sets;
}

std::string KernelSummary(const std::vector<backends::KernelUse>& kernels) {
  struct Count {
    const backends::KernelUse* kernel;
    int uses;
  };
  std::vector<Count> counts;
  for (const backends::KernelUse& kernel : kernels) {
    bool found = false;
    for (Count& count : counts) {
      if (count.kernel->op == kernel.op && count.kernel->kernel == kernel.kernel &&
          count.kernel->precision == kernel.precision) {
        ++count.uses;
        found = true;
      }
    }
    if (!found) counts.push_back({&kernel, 1});
  }
  std::string summary;
  for (const Count& count : counts) {
    if (!summary.empty()) summary += "; ";
    summary += fmt::format("{}: {} ({}) x{}", count.kernel->op, count.kernel->kernel,
                           count.kernel->precision, count.uses);
  }
  return summary;
}

std::string KernelPrecisionMismatch(const std::string& precision,
                                    const std::vector<backends::KernelUse>& kernels) {
  if (precision == "fp32") return "";
  for (const backends::KernelUse& kernel : kernels) {
    const bool weighted =
        kernel.op == "conv" || kernel.op == "conv_transpose" || kernel.op == "fully_connected";
    if (weighted && kernel.precision != precision) {
      return fmt::format("a {} job ran a {} kernel '{}' for a {} layer", precision,
                         kernel.precision, kernel.kernel, kernel.op);
    }
  }
  return "";
}

bool IsPrecisionRefusal(const std::string& precision, const std::string& error) {
  return precision != "fp32" && error.find(precision + " unsupported") != std::string::npos;
}

backends::Status CheckSessionKernels(const std::string& precision, const backends::Session& session,
                                     std::string& summary) {
  std::vector<backends::KernelUse> kernels;
  const backends::Status reported = session.Kernels(kernels);
  if (reported.ok) summary = KernelSummary(kernels);
  if (precision == "fp32") return backends::Status::Ok();
  if (!reported.ok) {
    return backends::Status::Error(
        fmt::format("a {} job needs the backend's kernel report: {}", precision, reported.message));
  }
  if (std::string mismatch = KernelPrecisionMismatch(precision, kernels); !mismatch.empty()) {
    return backends::Status::Error(std::move(mismatch));
  }
  return backends::Status::Ok();
}

}  // namespace edgebench::harness
