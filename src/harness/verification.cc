#include "harness/verification.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

namespace edgebench::harness {
namespace {

std::vector<size_t> TopK(const float* values, size_t count, size_t k) {
  std::vector<size_t> indices(count);
  std::iota(indices.begin(), indices.end(), 0);
  k = std::min(k, count);
  std::partial_sort(indices.begin(), indices.begin() + static_cast<std::ptrdiff_t>(k),
                    indices.end(), [values](size_t a, size_t b) {
                      return values[a] > values[b] || (values[a] == values[b] && a < b);
                    });
  indices.resize(k);
  return indices;
}

// One score vector of at least 5 classes per batch row: [N, C] or [N, C, 1, 1].
bool ClassifierLike(const ir::Shape& shape) {
  if (shape.size() == 2) return shape[1] >= 5;
  if (shape.size() == 4) return shape[1] >= 5 && shape[2] == 1 && shape[3] == 1;
  return false;
}

double Top5Agreement(const backends::HostTensor& reference, const backends::HostTensor& candidate) {
  const size_t rows = reference.shape.empty() ? 1 : static_cast<size_t>(reference.shape[0]);
  const size_t per_row = reference.data.size() / std::max<size_t>(rows, 1);
  if (per_row == 0) return 1.0;
  size_t found = 0;
  size_t total = 0;
  for (size_t r = 0; r < rows; ++r) {
    auto ours = TopK(candidate.data.data() + r * per_row, per_row, 5);
    for (size_t index : TopK(reference.data.data() + r * per_row, per_row, 5)) {
      found += std::count(ours.begin(), ours.end(), index);
      ++total;
    }
  }
  return total == 0 ? 1.0 : static_cast<double>(found) / static_cast<double>(total);
}

bool IsConstant(const backends::HostTensor& tensor) {
  return std::adjacent_find(tensor.data.begin(), tensor.data.end(), std::not_equal_to<>()) ==
         tensor.data.end();
}

}  // namespace

double ToleranceFor(const std::string& precision) {
  if (precision == "fp32") return 1e-4;
  if (precision == "fp16" || precision == "bf16") return 1e-2;
  return 5e-2;
}

Verification CompareOutputs(const std::vector<backends::HostTensor>& reference,
                            const std::vector<backends::HostTensor>& candidate, double tolerance,
                            std::string& error) {
  Verification result{.top5_agreement = NAN, .tolerance = tolerance};
  if (reference.size() != candidate.size()) {
    error = fmt::format("backend produced {} outputs, reference {}", candidate.size(),
                        reference.size());
    return result;
  }
  for (size_t i = 0; i < reference.size(); ++i) {
    if (reference[i].shape != candidate[i].shape ||
        reference[i].data.size() != candidate[i].data.size()) {
      error =
          fmt::format("output {} has shape {}, reference {}", i,
                      ir::ShapeToString(candidate[i].shape), ir::ShapeToString(reference[i].shape));
      return result;
    }
  }
  result.passed = true;
  for (size_t i = 0; i < reference.size(); ++i) {
    OutputCheck& check = result.outputs.emplace_back();
    check.top5_agreement = NAN;
    double diff_squared = 0;
    double ref_squared = 0;
    for (size_t e = 0; e < reference[i].data.size(); ++e) {
      const double ours = candidate[i].data[e];
      const double ref = reference[i].data[e];
      if (!std::isfinite(ours)) {
        error = fmt::format("output {} element {} is {}", i, e, ours);
        check.max_abs_error = check.rel_l2_error = INFINITY;
        result.max_abs_error = result.rel_l2_error = INFINITY;
        result.worst_output = static_cast<int>(i);
        result.passed = false;
        return result;
      }
      const double diff = ours - ref;
      check.max_abs_error = std::max(check.max_abs_error, std::abs(diff));
      diff_squared += diff * diff;
      ref_squared += ref * ref;
    }
    check.rel_l2_error =
        ref_squared > 0 ? std::sqrt(diff_squared / ref_squared) : std::sqrt(diff_squared);
    if (ClassifierLike(reference[i].shape)) {
      check.top5_agreement = Top5Agreement(reference[i], candidate[i]);
      if (!(result.top5_agreement <= check.top5_agreement)) {
        result.top5_agreement = check.top5_agreement;
      }
    }
    // NaN (a non-finite reference value) is the worst error there is.
    if (i == 0 || std::isnan(check.rel_l2_error) || check.rel_l2_error > result.rel_l2_error) {
      result.rel_l2_error = check.rel_l2_error;
      result.worst_output = static_cast<int>(i);
    }
    result.max_abs_error = std::max(result.max_abs_error, check.max_abs_error);
    result.passed = result.passed && check.rel_l2_error <= tolerance;  // false for NaN
  }
  if (!result.passed) {
    const OutputCheck& worst = result.outputs[static_cast<size_t>(result.worst_output)];
    error = fmt::format(
        "output {} of {}: relative L2 error {:.3g} exceeds {:.0e} (max abs error "
        "{:.3g})",
        result.worst_output, result.outputs.size(), worst.rel_l2_error, tolerance,
        worst.max_abs_error);
  }
  return result;
}

void JudgeInformativeness(const std::vector<backends::HostTensor>& reference,
                          const std::vector<backends::HostTensor>& reference_alt,
                          Verification& verification) {
  std::vector<std::string> reasons;
  for (size_t i = 0; i < reference.size(); ++i) {
    if (IsConstant(reference[i])) {
      reasons.push_back(fmt::format("output {} is constant", i));
    } else if (i < reference_alt.size() && reference_alt[i].data == reference[i].data) {
      reasons.push_back(fmt::format("output {} does not depend on the input", i));
    }
  }
  if (reasons.empty()) return;
  std::string joined;
  for (const std::string& reason : reasons) joined += (joined.empty() ? "" : "; ") + reason;
  if (reasons.size() == reference.size()) {
    verification.informative = false;
    verification.passed = false;
    verification.note = fmt::format(
        "uninformative: {} (two seeded inputs give the same reference output, so any engine "
        "producing those constants would pass; dead activations or untrained weights?)",
        joined);
  } else {
    verification.note = "partly informative: " + joined;
  }
}

}  // namespace edgebench::harness
