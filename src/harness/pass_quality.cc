#include "harness/pass_quality.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "backends/reference/reference_backend.h"
#include "harness/model_inputs.h"

namespace edgebench::harness {
namespace {

using backends::HostTensor;

// One score vector of at least 5 classes per row: [N, C] or [N, C, 1, ...].
bool ClassScores(const ir::Shape& shape) {
  if (shape.size() < 2 || shape[1] < 5) return false;
  return std::all_of(shape.begin() + 2, shape.end(), [](int64_t d) { return d == 1; });
}

// Indices of the `k` largest scores of a row, best first (ties: the lower index).
std::vector<int64_t> TopK(const float* row, int64_t classes, int64_t k) {
  std::vector<int64_t> order(static_cast<size_t>(classes));
  std::iota(order.begin(), order.end(), 0);
  k = std::min(k, classes);
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [row](int64_t a, int64_t b) {
    return row[a] > row[b] || (row[a] == row[b] && a < b);
  });
  order.resize(static_cast<size_t>(k));
  return order;
}

double RelativeL2(const HostTensor& reference, const HostTensor& optimized) {
  double difference = 0;
  double norm = 0;
  for (size_t i = 0; i < reference.data.size(); ++i) {
    const double r = reference.data[i];
    const double d = static_cast<double>(optimized.data[i]) - r;
    difference += d * d;
    norm += r * r;
  }
  if (norm == 0) return difference == 0 ? 0 : std::numeric_limits<double>::infinity();
  return std::sqrt(difference / norm);
}

}  // namespace

uint64_t QualityInputSeed(uint64_t seed, int index) {
  if (index == 0) return seed;
  // SplitMix64 step: unrelated streams for consecutive indices.
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(index);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

OutputDeviation CompareWithReference(const std::vector<HostTensor>& reference,
                                     const std::vector<HostTensor>& optimized) {
  if (reference.size() != optimized.size()) {
    throw std::runtime_error(fmt::format("the optimized model has {} outputs, the original {}",
                                         optimized.size(), reference.size()));
  }
  OutputDeviation deviation;
  for (size_t o = 0; o < reference.size(); ++o) {
    if (reference[o].shape != optimized[o].shape) {
      throw std::runtime_error(
          fmt::format("output {} of the optimized model has another shape than the original's", o));
    }
    deviation.rel_l2 = std::max(deviation.rel_l2, RelativeL2(reference[o], optimized[o]));
    if (!ClassScores(reference[o].shape)) continue;
    const int64_t rows = reference[o].shape[0];
    const int64_t classes = reference[o].shape[1];
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t expected = TopK(reference[o].data.data() + r * classes, classes, 1).front();
      const std::vector<int64_t> ours = TopK(optimized[o].data.data() + r * classes, classes, 5);
      ++deviation.rows;
      if (ours.front() == expected) ++deviation.top1_matches;
      if (std::find(ours.begin(), ours.end(), expected) != ours.end()) ++deviation.top5_matches;
    }
  }
  return deviation;
}

void MeasureOutputDeviation(const ir::Graph& original, const ir::Graph& optimized, uint64_t seed,
                            int count, GraphPassResult& result) {
  double sum = 0;
  double worst = 0;
  int64_t rows = 0;
  int64_t top1 = 0;
  int64_t top5 = 0;
  for (int i = 0; i < count; ++i) {
    const std::vector<HostTensor> inputs = SeededInputs(original, QualityInputSeed(seed, i));
    std::vector<HostTensor> expected;
    std::vector<HostTensor> actual;
    for (auto [graph, outputs] :
         {std::pair{&original, &expected}, std::pair{&optimized, &actual}}) {
      const backends::Status status = backends::reference::RunReference(*graph, inputs, *outputs);
      if (!status.ok) throw std::runtime_error("reference run failed: " + status.message);
    }
    const OutputDeviation deviation = CompareWithReference(expected, actual);
    sum += deviation.rel_l2;
    worst = std::max(worst, deviation.rel_l2);
    rows += deviation.rows;
    top1 += deviation.top1_matches;
    top5 += deviation.top5_matches;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  result.quality_inputs = count;
  result.rel_l2_mean = count > 0 ? sum / count : nan;
  result.rel_l2_max = worst;
  result.top1_agreement = rows > 0 ? static_cast<double>(top1) / static_cast<double>(rows) : nan;
  result.top5_agreement = rows > 0 ? static_cast<double>(top5) / static_cast<double>(rows) : nan;
  result.quality_error.clear();
}

}  // namespace edgebench::harness
