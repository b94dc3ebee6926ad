// What the measurement loop's stopping check costs per sample (target: well under 1 us, the
// harness's whole overhead budget per sample). One iteration is a whole run of `n` samples
// with EnoughSamples called after each, as the worker calls it; the rules are set so that
// the run never stops early, making every CI checkpoint happen. The time per sample is
// reported as the "per_sample" counter.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "harness/statistics.h"

// No main() here: bench_main.cc provides the one BENCHMARK_MAIN of edgebench_bench.
namespace {

std::vector<double> NoisyLatencies(int64_t n) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> latency(std::log(0.01), 0.05);
  std::vector<double> samples(static_cast<size_t>(n));
  for (double& sample : samples) sample = latency(rng);
  return samples;
}

void BM_EnoughSamplesPerRun(benchmark::State& state) {
  const int64_t n = state.range(0);
  const std::vector<double> source = NoisyLatencies(n);
  // Minimums met from the first sample and an unreachable target: no early stop, the CI is
  // evaluated at every checkpoint, which is the worst case for a run of n samples.
  const edgebench::harness::StoppingRules rules = {
      .min_runs = 1, .min_time = 0, .max_runs = 0, .max_time = 0, .target_ci_half_width = 1e-12};
  std::vector<double> samples;
  samples.reserve(source.size());
  for (auto _ : state) {
    samples.clear();
    int64_t stops = 0;
    for (int64_t i = 0; i < n; ++i) {
      samples.push_back(source[static_cast<size_t>(i)]);
      stops += edgebench::harness::EnoughSamples(samples, 0.01 * static_cast<double>(i), rules);
    }
    benchmark::DoNotOptimize(stops);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["per_sample"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_EnoughSamplesPerRun)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace
