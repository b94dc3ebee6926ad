// How long `edgebench models` takes to build and count the study's models without
// materializing weights (target: all 16 in under 2 s).
#include <benchmark/benchmark.h>

#include "ir/cost.h"
#include "zoo/model_zoo.h"

namespace {

void BM_CountStudyModels(benchmark::State& state) {
  for (auto _ : state) {
    int64_t total_macs = 0;
    for (const auto& entry : edgebench::zoo::ModelCatalog()) {
      if (!entry.study_model) continue;
      auto graph = edgebench::zoo::BuildModel(std::string(entry.id));
      total_macs += edgebench::ir::CountGraph(graph).macs;
    }
    benchmark::DoNotOptimize(total_macs);
  }
}
BENCHMARK(BM_CountStudyModels)->Unit(benchmark::kMillisecond);

void BM_CountOneModel(benchmark::State& state, const char* id) {
  for (auto _ : state) {
    auto graph = edgebench::zoo::BuildModel(id);
    benchmark::DoNotOptimize(edgebench::ir::CountGraph(graph).macs);
  }
}
BENCHMARK_CAPTURE(BM_CountOneModel, resnet101, "resnet-101")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CountOneModel, yolov3, "yolov3")->Unit(benchmark::kMillisecond);

}  // namespace

