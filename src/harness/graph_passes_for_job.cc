#include "harness/graph_passes_for_job.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "backends/reference/reference_backend.h"
#include "common/json_text.h"
#include "formats/model_source.h"
#include "harness/job_plan.h"
#include "harness/pass_quality.h"
#include "zoo/seeded_weights.h"

namespace edgebench::harness {
namespace {

uint64_t Fnv1a(const std::string& text) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char ch : text) {
    hash ^= ch;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

// Where a measured deviation is kept: keyed by everything it depends on (model and its
// shapes, seed, passes, the weights before and after the passes -- so a changed pass never
// reads an old figure --, the reference engine, the input count).
std::string QualityCachePath(const WorkerRequest& request, uint64_t original_digest,
                             uint64_t optimized_digest) {
  const JobConfig& c = request.config;
  const std::string key =
      fmt::format("{}\n{}\n{}\n{}\n{:016x}\n{:016x}\n{}\n{}", c.model, c.input_shape, c.weight_seed,
                  GraphPassKey(c), original_digest, optimized_digest,
                  backends::reference::ReferenceEngineRevision(), kQualityInputCount);
  return (std::filesystem::path(request.cache_dir) / "quality" /
          fmt::format("{:016x}.json", Fnv1a(key)))
      .string();
}

bool LoadQuality(const std::string& path, GraphPassResult& result) {
  std::ifstream in(path);
  if (!in) return false;
  try {
    const GraphPassResult cached = GraphPassResultFromJson(nlohmann::json::parse(in));
    if (cached.quality_inputs != kQualityInputCount) return false;
    result.quality_inputs = cached.quality_inputs;
    result.rel_l2_mean = cached.rel_l2_mean;
    result.rel_l2_max = cached.rel_l2_max;
    result.top1_agreement = cached.top1_agreement;
    result.top5_agreement = cached.top5_agreement;
    return true;
  } catch (const std::exception&) {
    return false;  // a damaged entry is measured again
  }
}

void SaveQuality(const std::string& path, const GraphPassResult& result) {
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << JsonText(ToJson(result));
    if (!out.flush()) return;
  }
  std::filesystem::rename(temporary, path, error);  // a failure only costs a re-measure
}

}  // namespace

std::vector<std::string> BackendToggles(const JobConfig& config) {
  std::vector<std::string> own;
  for (std::string& toggle : ParseToggles(config.toggles)) {
    if (!passes::IsGraphPassToggle(toggle)) own.push_back(std::move(toggle));
  }
  return own;
}

passes::GraphPassToggles GraphPassesOf(const JobConfig& config) {
  return passes::ParseGraphPassToggles(ParseToggles(config.toggles));
}

std::string GraphPassKey(const JobConfig& config) {
  std::vector<std::string> pass_toggles;
  for (std::string& toggle : ParseToggles(config.toggles)) {
    if (passes::IsGraphPassToggle(toggle)) pass_toggles.push_back(std::move(toggle));
  }
  return FormatToggles(std::move(pass_toggles));
}

std::optional<AppliedGraphPasses> ApplyJobGraphPasses(const JobConfig& config, ir::Graph& graph) {
  const passes::GraphPassToggles toggles = GraphPassesOf(config);
  if (!toggles.any()) return std::nullopt;
  AppliedGraphPasses applied{.original_digest = zoo::WeightsDigest(graph)};
  const passes::GraphPassReport report = passes::ApplyGraphPasses(graph, toggles);
  applied.record = {.summary = report.summary,
                    .macs_before = report.macs_before,
                    .macs_after = report.macs_after};
  applied.optimized_digest = zoo::WeightsDigest(graph);
  return applied;
}

bool HasLossyGraphPasses(const JobConfig& config) {
  try {
    return GraphPassesOf(config).lossy();
  } catch (const std::invalid_argument&) {
    return false;
  }
}

void AddGraphPassQuality(const WorkerRequest& request, const AppliedGraphPasses& applied,
                         GraphPassResult& result) {
  const JobConfig& config = request.config;
  try {
    if (!GraphPassesOf(config).lossy()) return;
    // The cache is consulted before anything is built: a timed worker that finds the figure
    // there adds no memory of its own to the backend's.
    const std::string path =
        request.cache_dir.empty()
            ? std::string()
            : QualityCachePath(request, applied.original_digest, applied.optimized_digest);
    if (!path.empty() && LoadQuality(path, result)) return;
    const formats::InputShapes shapes = formats::ParseInputShapes(config.input_shape);
    const ir::Graph original = formats::LoadModel(config.model, config.weight_seed, shapes);
    ir::Graph optimized = original;
    ApplyJobGraphPasses(config, optimized);
    MeasureOutputDeviation(original, optimized, config.weight_seed, kQualityInputCount, result);
    if (!path.empty()) SaveQuality(path, result);
  } catch (const std::exception& error) {
    result.quality_inputs = 0;
    result.rel_l2_mean = result.rel_l2_max = std::numeric_limits<double>::quiet_NaN();
    result.top1_agreement = result.top5_agreement = std::numeric_limits<double>::quiet_NaN();
    result.quality_error = error.what();
  }
}

}  // namespace edgebench::harness
