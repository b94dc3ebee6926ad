#include "cli/job_selection.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/option_checks.h"
#include "formats/model_source.h"
#include "formats/onnx.h"
#include "harness/job_plan.h"
#include "zoo/model_zoo.h"

namespace edgebench::cli {

bool ExpandModels(const std::string& ids, const std::vector<std::string>& files,
                  const std::string& input_shape, harness::JobLauncher& launcher,
                  std::vector<std::string>& models, const std::string& weights) {
  const formats::InputShapes shapes = formats::ParseInputShapes(input_shape);
  std::vector<std::string> requests;
  if (ids == "all") {
    for (const zoo::ModelEntry& entry : zoo::ModelCatalog()) {
      if (entry.study_model) requests.emplace_back(entry.id);
    }
  } else if (files.empty() || ids != kDefaultModels) {
    requests = harness::SplitList(ids);
  }
  for (const std::string& request : requests) {
    try {
      AppendUnique(models, formats::ZooIdWithInputShapes(request, shapes), request, "--models",
                   std::cerr);
    } catch (const zoo::ModelError& error) {
      std::cerr << "edgebench: " << error.what() << "\n";
      return false;
    } catch (const formats::InputShapeError& error) {
      std::cerr << "edgebench: " << error.what() << "\n";
      return false;
    }
  }
  if (!weights.empty() && files.size() != 1) {
    std::cerr << "edgebench: --weights needs exactly one --model (a Darknet cfg)\n";
    return false;
  }
  for (const std::string& file : files) {
    // Absolute, so --resume recognises the same file from another directory.
    std::string path;
    try {
      path = formats::ModelFileReference(file, weights);
    } catch (const formats::FormatError& error) {
      std::cerr << "edgebench: " << error.what() << "\n";
      return false;
    }
    if (!AppendUnique(models, path, file, "--model", std::cerr)) continue;
    // Parsed in a worker: a hostile file that crashes the parser fails here, cleanly.
    if (const std::string error = launcher.CheckModelFile(path, input_shape); !error.empty()) {
      std::cerr << "edgebench: " << error << "\n";
      return false;
    }
  }
  if (models.empty()) std::cerr << "edgebench: --models names no model\n";
  return !models.empty();
}

bool ExpandBackends(const std::string& text, const backends::BackendRegistry& registry,
                    const std::vector<backends::BackendInfo>& infos,
                    std::vector<std::string>& ids) {
  if (text == "all") {
    // A missing framework costs one line here, not a failed job per model.
    for (const backends::BackendInfo& info : infos) {
      // The reference engine is the oracle, not a framework: timed only when named (it
      // would dominate the suite's time: seconds per inference on the larger models).
      if (info.id == "reference") continue;
      if (info.available) {
        ids.push_back(info.id);
      } else {
        std::cerr << fmt::format("note: backend {} not available: {}\n", info.id, info.reason);
      }
    }
    return true;
  }
  for (const std::string& id : harness::SplitList(text)) {
    if (!registry.Knows(id)) {
      std::string known;
      for (const std::string& name : registry.Ids()) known += " " + name;
      std::cerr << fmt::format("edgebench: unknown backend '{}'; known backends:{}\n", id, known);
      return false;
    }
    AppendUnique(ids, id, id, "--backends", std::cerr);
  }
  if (ids.empty()) std::cerr << "edgebench: --backends names no backend\n";
  return !ids.empty();
}

}  // namespace edgebench::cli
