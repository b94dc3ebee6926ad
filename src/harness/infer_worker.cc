#include "harness/infer_worker.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "formats/model_source.h"
#include "formats/npy.h"
#include "harness/graph_passes_for_job.h"
#include "harness/job_plan.h"
#include "harness/model_inputs.h"
#include "harness/output_files.h"
#include "harness/precision_for_job.h"
#include "harness/reference_outputs.h"
#include "harness/verification.h"
#include "harness/worker.h"
#include "zoo/seeded_weights.h"

namespace edgebench::harness {
namespace {

using backends::HostTensor;
// Keys in the order written: the summary is read by people as much as by tools.
using json = nlohmann::ordered_json;

constexpr size_t kTopK = 5;

json Real(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

// One score vector: [1, K] or [1, K, 1, 1] with at least two classes.
bool ClassifierLike(const ir::Shape& shape) {
  const bool vector = shape.size() == 2 || (shape.size() == 4 && shape[2] == 1 && shape[3] == 1);
  return vector && shape[0] == 1 && shape[1] >= 2;
}

// The k highest scores, highest first, ties to the lower index; NaN ranks last.
json TopScores(const std::vector<float>& scores) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  const size_t k = std::min(kTopK, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](size_t a, size_t b) {
                      const bool a_nan = std::isnan(scores[a]);
                      const bool b_nan = std::isnan(scores[b]);
                      if (a_nan != b_nan) return b_nan;
                      if (!a_nan && scores[a] != scores[b]) return scores[a] > scores[b];
                      return a < b;
                    });
  json indices = json::array();
  json values = json::array();
  for (size_t i = 0; i < k; ++i) {
    indices.push_back(order[i]);
    values.push_back(Real(scores[order[i]]));
  }
  return {{"indices", indices}, {"values", values}};
}

// Each output's entry of the summary; `expected` is empty when nothing is compared.
json OutputEntry(const std::string& name, const std::string& file, const HostTensor& output,
                 const HostTensor* expected, double tolerance) {
  json entry = {{"name", name}, {"shape", output.shape}, {"file", file}};
  entry["rel_l2"] = nullptr;
  entry["max_abs"] = nullptr;
  entry["within_tolerance"] = nullptr;
  if (expected != nullptr) {
    std::string mismatch;
    const Verification check = CompareOutputs({*expected}, {output}, tolerance, mismatch);
    if (check.outputs.empty()) {
      entry["comparison_error"] = mismatch;  // shapes differ
    } else {
      entry["rel_l2"] = Real(check.rel_l2_error);
      entry["max_abs"] = Real(check.max_abs_error);
      entry["within_tolerance"] = check.passed;
    }
  }
  if (ClassifierLike(output.shape)) entry["top5"] = TopScores(output.data);
  return entry;
}

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::trunc);
  if (!file || !(file << text) || !file.flush()) {
    throw std::runtime_error(fmt::format("cannot write '{}'", path.string()));
  }
}

// The reference outputs for `inputs`, or why there are none.
bool Expected(const WorkerRequest& request, const ir::Graph& graph, const ModelInputs& inputs,
              const std::vector<HostTensor>& outputs, std::vector<HostTensor>& expected,
              std::string& error) {
  // The reference checked against itself: its own outputs, exactly.
  if (request.config.backend == "reference") {
    expected = outputs;
    return true;
  }
  const std::string path = ReferencePathFor(request, zoo::WeightsDigest(graph), inputs.tensors);
  return ComputeReferenceFor(graph, inputs.tensors, path, expected, error);
}

}  // namespace

void ExecuteInfer(const WorkerRequest& request, const backends::BackendRegistry& registry,
                  JobResult& result) {
  const JobConfig& config = request.config;
  ir::Graph graph = formats::LoadModel(config.model, config.weight_seed,
                                       formats::ParseInputShapes(config.input_shape));
  if (const auto passes = ApplyJobGraphPasses(config, graph)) result.graph_passes = passes->record;
  backends::BackendOptions options = OptionsFor(config);
  options.calibration_inputs = CalibrateForJob(config, graph);
  const ModelInputs inputs = GatherInputs(graph, request.input_files, config.weight_seed);

  std::string error;
  backends::BackendHandle backend = registry.Create(config.backend, error);
  if (!backend) {
    result.status = registry.Knows(config.backend) ? JobStatus::kUnavailable : JobStatus::kFailed;
    result.error = error;
    return;
  }
  result.backend_version = backend->Version();
  backends::Support support = backends::CheckToggleSupport(*backend, BackendToggles(config));
  if (support.supported) support = backends::CheckGraphSupport(*backend, graph);
  if (!support.supported) {
    result.status = JobStatus::kUnsupported;
    result.error = support.reason;
    return;
  }
  const auto fail = [&result](const std::string& what, const backends::Status& status) {
    result.status = JobStatus::kFailed;
    result.error = what + ": " + status.message;
  };
  std::unique_ptr<backends::Session> session;
  backends::Status status = backend->Prepare(graph, options, session);
  if (!status.ok && IsPrecisionRefusal(config.precision, status.message)) {
    result.status = JobStatus::kUnsupported;
    result.error = status.message;
    return;
  }
  if (!status.ok || !session) return fail("prepare failed", status);
  status = CheckSessionKernels(config.precision, *session, result.kernels);
  if (!status.ok) return fail("kernel check failed", status);
  if (status = session->SetInputs(inputs.tensors); !status.ok) {
    return fail("staging inputs failed", status);
  }
  if (status = session->Run(); !status.ok) return fail("the inference failed", status);
  std::vector<HostTensor> outputs;
  if (status = session->GetOutputs(outputs); !status.ok) {
    return fail("reading outputs failed", status);
  }
  if (outputs.size() != graph.outputs().size()) {
    result.status = JobStatus::kFailed;
    result.error = fmt::format("the backend returned {} outputs, the model has {}", outputs.size(),
                               graph.outputs().size());
    return;
  }

  std::vector<HostTensor> expected;
  std::string reference_error;
  const bool compared =
      request.verify && Expected(request, graph, inputs, outputs, expected, reference_error);
  const double tolerance = ToleranceFor(config.precision);

  const std::filesystem::path dir(request.output_dir);
  std::filesystem::create_directories(dir);
  UniqueFileNames files;
  json input_entries = json::array();
  for (size_t i = 0; i < inputs.tensors.size(); ++i) {
    const std::string& name = graph.value(graph.inputs()[i]).name;
    const std::string file = files.Claim("input_" + name, "npy");
    const HostTensor& tensor = inputs.tensors[i];
    formats::WriteNpyFile((dir / file).string(), tensor.shape, tensor.data);
    input_entries.push_back(
        {{"name", name}, {"shape", tensor.shape}, {"file", file}, {"source", inputs.sources[i]}});
  }
  json output_entries = json::array();
  for (size_t i = 0; i < outputs.size(); ++i) {
    const std::string& name = graph.value(graph.outputs()[i]).name;
    const std::string file = files.Claim(name, "npy");
    formats::WriteNpyFile((dir / file).string(), outputs[i].shape, outputs[i].data);
    output_entries.push_back(OutputEntry(name, file, outputs[i],
                                         compared && i < expected.size() ? &expected[i] : nullptr,
                                         tolerance));
  }
  const json summary = {{"model", config.model},
                        {"input_shape", config.input_shape},
                        {"backend", config.backend},
                        {"backend_version", result.backend_version},
                        {"threads", config.threads},
                        {"seed", config.weight_seed},
                        {"reference",
                         {{"compared", compared},
                          {"tolerance", tolerance},
                          {"error", compared || !request.verify ? "" : reference_error}}},
                        {"inputs", input_entries},
                        {"outputs", output_entries}};
  // Names come from the model file and may not be UTF-8: replaced, never a throw.
  WriteText(dir / kInferSummaryFile,
            summary.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  result.status = JobStatus::kOk;
}

}  // namespace edgebench::harness
