#include "cli/export_model_command.h"

#include <iostream>
#include <memory>

#include "cli/option_checks.h"
#include "formats/darknet_export.h"
#include "formats/model_source.h"
#include "formats/onnx.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::cli {
namespace {

struct ExportModelOptions {
  std::string model;
  std::string format = "onnx";
  std::string output;
  uint64_t seed = zoo::kDefaultWeightSeed;
};

int RunExportModel(const ExportModelOptions& options) {
  ir::Graph graph;
  try {
    graph = formats::LoadModel(options.model, options.seed);
  } catch (const zoo::ModelError& error) {
    std::cerr << "edgebench export-model: " << error.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& error) {
    std::cerr << "edgebench export-model: " << error.what() << "\n";
    return kExitFailure;
  }
  std::string written = options.output;
  try {
    if (options.format == "darknet") {
      // A Darknet model is a pair: -o NAME (or NAME.cfg) writes NAME.cfg and NAME.weights.
      std::string base = options.output;
      if (base.size() > 4 && base.ends_with(".cfg")) base.resize(base.size() - 4);
      formats::ExportDarknetFiles(graph, base + ".cfg", base + ".weights");
      written = base + ".cfg and " + base + ".weights";
    } else {
      formats::ExportOnnxFile(graph, options.output);
    }
  } catch (const formats::UnsupportedModelError& error) {
    std::cerr << "edgebench export-model: " << error.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& error) {
    std::cerr << "edgebench export-model: " << error.what() << "\n";
    return kExitFailure;
  }
  std::cerr << "wrote " << written << " (" << graph.name() << ", seed " << options.seed << ")\n";
  return kExitOk;
}

}  // namespace

Command AddExportModelCommand(CLI::App& app) {
  auto options = std::make_shared<ExportModelOptions>();
  CLI::App* sub = app.add_subcommand("export-model",
                                     "Write a zoo model with its seeded weights to a file (ONNX, "
                                     "or a Darknet cfg + weights pair)");
  sub->add_option("model", options->model, "Model id, e.g. resnet-18 or yolov3@320")->required();
  sub->add_option("--format", options->format,
                  "File format: onnx, or darknet (-o NAME writes NAME.cfg and NAME.weights)")
      ->check(CLI::IsMember({"onnx", "darknet"}))
      ->capture_default_str();
  sub->add_option("-o,--output", options->output, "Output file")->required();
  sub->add_option("--seed", options->seed, "Seed of the generated weights, 0 to 2^64-1")
      ->transform(Seed())
      ->capture_default_str();
  return {sub, [options] { return RunExportModel(*options); }};
}

}  // namespace edgebench::cli
