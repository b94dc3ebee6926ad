// Harness overhead per sample: the measurement loop around a backend whose Run() does
// nothing, so everything measured is the harness's own cost (two clock reads, storing
// the sample, the stopping-rule check). Target: <= 1 us per sample.
#include <benchmark/benchmark.h>

#include "harness/measure_loop.h"

namespace {

class NoopSession final : public edgebench::backends::Session {
 public:
  edgebench::backends::Status SetInputs(
      const std::vector<edgebench::backends::HostTensor>&) noexcept override {
    return {};
  }
  edgebench::backends::Status Run() noexcept override { return {}; }
  edgebench::backends::Status GetOutputs(
      std::vector<edgebench::backends::HostTensor>&) noexcept override {
    return {};
  }
};

void BM_HarnessOverheadPerSample(benchmark::State& state) {
  NoopSession session;
  const int64_t runs = state.range(0);
  // An unreachable CI target keeps the loop running to max_runs: the worst case, with
  // every stopping-rule checkpoint evaluated.
  const edgebench::harness::MeasureOptions options{.warmup_runs = 0,
                                                   .warmup_time = 0,
                                                   .min_runs = runs,
                                                   .min_time = 0,
                                                   .max_runs = runs,
                                                   .max_time = 1e9,
                                                   .target_ci = 1e-12};
  for (auto _ : state) {
    edgebench::harness::JobResult result;
    edgebench::harness::MeasureSession(session, options, result);
    benchmark::DoNotOptimize(result.samples.data());
  }
  state.SetItemsProcessed(state.iterations() * runs);
  state.counters["time_per_sample"] = benchmark::Counter(
      static_cast<double>(state.iterations() * runs),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_HarnessOverheadPerSample)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
