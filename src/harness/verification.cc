#include "harness/verification.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
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

}  // namespace

double ToleranceFor(const std::string& precision) {
  if (precision == "fp32") return 1e-4;
  if (precision == "fp16" || precision == "bf16") return 1e-2;
  return 5e-2;
}

Verification CompareOutputs(const std::vector<backends::HostTensor>& reference,
                            const std::vector<backends::HostTensor>& candidate, double tolerance,
                            std::string& error) {
  Verification result{.tolerance = tolerance};
  if (reference.size() != candidate.size()) {
    error = fmt::format("backend produced {} outputs, reference {}", candidate.size(),
                        reference.size());
    return result;
  }
  double diff_squared = 0;
  double ref_squared = 0;
  for (size_t i = 0; i < reference.size(); ++i) {
    if (reference[i].shape != candidate[i].shape ||
        reference[i].data.size() != candidate[i].data.size()) {
      error =
          fmt::format("output {} has shape {}, reference {}", i,
                      ir::ShapeToString(candidate[i].shape), ir::ShapeToString(reference[i].shape));
      return result;
    }
    for (size_t e = 0; e < reference[i].data.size(); ++e) {
      const double ours = candidate[i].data[e];
      const double ref = reference[i].data[e];
      if (!std::isfinite(ours)) {
        error = fmt::format("output {} element {} is {}", i, e, ours);
        result.max_abs_error = INFINITY;
        result.rel_l2_error = INFINITY;
        return result;
      }
      const double diff = ours - ref;
      result.max_abs_error = std::max(result.max_abs_error, std::abs(diff));
      diff_squared += diff * diff;
      ref_squared += ref * ref;
    }
  }
  result.rel_l2_error =
      ref_squared > 0 ? std::sqrt(diff_squared / ref_squared) : std::sqrt(diff_squared);
  result.top5_agreement = reference.empty() ? 1.0 : Top5Agreement(reference[0], candidate[0]);
  result.passed = result.rel_l2_error <= tolerance;
  if (!result.passed) {
    error = fmt::format("relative L2 error {:.3g} exceeds {:.0e} (max abs error {:.3g})",
                        result.rel_l2_error, tolerance, result.max_abs_error);
  }
  return result;
}

}  // namespace edgebench::harness
