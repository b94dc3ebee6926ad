#include "cli/infer_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "backends/registry.h"
#include "cli/option_checks.h"
#include "formats/model_source.h"
#include "formats/npy.h"
#include "formats/onnx.h"
#include "harness/infer_worker.h"
#include "harness/job_launcher.h"
#include "harness/job_plan.h"
#include "harness/precision_toggles.h"
#include "harness/reference_cache.h"
#include "report/result_cells.h"
#include "report/table.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::cli {
namespace {

namespace fs = std::filesystem;

struct InferOptions {
  std::string model;
  std::string backend;
  std::vector<std::string> inputs;  // --input items, each maybe a comma-separated list
  std::string input_shape;          // canonical --input-shape text
  std::string weights;              // --weights FILE.weights for a Darknet cfg
  int threads = 1;
  std::string toggles;  // canonical --opt text
  std::string output;
  uint64_t seed = zoo::kDefaultWeightSeed;
  double timeout = 600;
  bool no_reference = false;
  std::string plugin_dir;
  std::string cache_dir;
};

// An expected failure, reported as "edgebench infer: WHAT" with its exit code.
struct InferFailure {
  int exit_code;
  std::string what;
};

bool IsFile(const std::string& path) {
  std::error_code ignored;
  return fs::is_regular_file(path, ignored);
}

// "file.npy" for the model's only input, or "NAME:file.npy". A name ends at the first ':'
// after which an existing file is named, so names ("input:0") and paths may hold ':'.
harness::InputFile ParseInputItem(const std::string& item) {
  if (IsFile(item)) return {.name = "", .path = fs::absolute(item).string()};
  for (size_t colon = item.find(':'); colon != std::string::npos;
       colon = item.find(':', colon + 1)) {
    const std::string path = item.substr(colon + 1);
    if (colon > 0 && IsFile(path)) {
      return {.name = item.substr(0, colon), .path = fs::absolute(path).string()};
    }
  }
  throw InferFailure{kExitUsage, fmt::format("--input '{}': no such file (expected FILE.npy or "
                                             "NAME:FILE.npy)",
                                             item)};
}

// Every --input file, read once here so a corrupt one is a usage error before any worker
// starts; its shape is checked against the model in the worker, which has the model.
std::vector<harness::InputFile> InputFiles(const std::vector<std::string>& options) {
  std::vector<harness::InputFile> files;
  for (const std::string& option : options) {
    for (const std::string& item : harness::SplitList(option)) {
      harness::InputFile file = ParseInputItem(item);
      for (const harness::InputFile& other : files) {
        if (other.name == file.name) {
          throw InferFailure{kExitUsage,
                             file.name.empty()
                                 ? "--input: several files without input names; "
                                   "name each, e.g. --input x:a.npy,y:b.npy"
                                 : fmt::format("--input: two files for '{}'", file.name)};
        }
      }
      try {
        formats::ReadNpyFile(file.path);
      } catch (const formats::NpyError& error) {
        throw InferFailure{kExitUsage, fmt::format("--input: {}", error.what())};
      }
      files.push_back(std::move(file));
    }
  }
  return files;
}

// The model as jobs name it: a zoo id with its shapes folded in, or an absolute path.
std::string ResolveModel(const InferOptions& options, harness::JobLauncher& launcher) {
  if (formats::IsModelFile(options.model)) {
    std::string path;
    try {
      path = formats::ModelFileReference(options.model, options.weights);
    } catch (const formats::FormatError& error) {
      throw InferFailure{kExitUsage, error.what()};
    }
    // Parsed in a worker, as `run` does: a hostile file cannot crash this process.
    if (const std::string error = launcher.CheckModelFile(path, options.input_shape);
        !error.empty()) {
      throw InferFailure{kExitUsage, error};
    }
    return path;
  }
  if (!options.weights.empty()) {
    throw InferFailure{
        kExitUsage, fmt::format("--weights goes with a Darknet cfg, not with '{}'", options.model)};
  }
  try {
    return formats::ZooIdWithInputShapes(options.model,
                                         formats::ParseInputShapes(options.input_shape));
  } catch (const zoo::ModelError& error) {
    throw InferFailure{kExitUsage, error.what()};
  } catch (const formats::InputShapeError& error) {
    throw InferFailure{kExitUsage, error.what()};
  }
}

std::string JoinNumbers(const nlohmann::ordered_json& list) {
  std::string text;
  for (const nlohmann::ordered_json& value : list) {
    text += (text.empty() ? "" : " ") + (value.is_null() ? "nan" : value.dump());
  }
  return text;
}

// The outputs as summary.json lists them, one row each.
report::Table OutputTable(const nlohmann::ordered_json& summary) {
  report::Table table;
  table.columns = {{"name", "output"},
                   {"shape", "shape"},
                   {"file", "file"},
                   {"rel_l2", "relL2 vs ref", true},
                   {"max_abs", "max abs", true},
                   {"top5", "top-5 (index)"}};
  for (const nlohmann::ordered_json& output : summary.at("outputs")) {
    const auto error_cell = [&](const char* key) {
      const nlohmann::ordered_json& value = output.at(key);
      return value.is_number() ? report::ScientificCell(value.get<double>())
                               : report::TextCell("-");
    };
    std::vector<int64_t> shape = output.at("shape").get<std::vector<int64_t>>();
    table.rows.push_back(
        {report::TextCell(output.at("name").get<std::string>()),
         report::TextCell(ir::ShapeToString(shape)),
         report::TextCell(output.at("file").get<std::string>()), error_cell("rel_l2"),
         error_cell("max_abs"),
         report::TextCell(output.contains("top5") ? JoinNumbers(output["top5"]["indices"]) : "")});
  }
  return table;
}

int RunInfer(const InferOptions& options) {
  const backends::BackendRegistry registry = backends::DefaultRegistry(
      options.plugin_dir.empty() ? backends::DefaultPluginDir() : options.plugin_dir);
  if (!registry.Knows(options.backend)) {
    std::string known;
    for (const std::string& id : registry.Ids()) known += " " + id;
    throw InferFailure{
        kExitUsage, fmt::format("unknown backend '{}'; known backends:{}", options.backend, known)};
  }
  harness::JobLauncher launcher(
      {.mode = harness::WorkerRequest::Mode::kInfer,
       .verify = !options.no_reference,
       .plugin_dir = registry.plugin_dir(),
       .cache_dir = options.cache_dir.empty() ? harness::DefaultCacheDir() : options.cache_dir,
       .runner = {.timeout_seconds = options.timeout}});
  const std::vector<harness::InputFile> files = InputFiles(options.inputs);
  harness::JobConfig config =
      harness::WithPrecisionFromToggles({.model = ResolveModel(options, launcher),
                                         .backend = options.backend,
                                         .threads = options.threads,
                                         .weight_seed = options.seed,
                                         .toggles = options.toggles});
  if (formats::IsModelFile(config.model)) config.input_shape = options.input_shape;

  const fs::path dir = fs::absolute(options.output);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error || !fs::is_directory(dir)) {
    throw InferFailure{kExitFailure,
                       fmt::format("cannot create the output directory '{}': {}", dir.string(),
                                   error ? error.message() : "not a directory")};
  }
  std::string reference_error;
  const harness::JobResult result = launcher.Infer(config, files, dir.string(), reference_error);
  if (!reference_error.empty()) std::cerr << "warning: " << reference_error << "\n";
  if (result.status != harness::JobStatus::kOk) {
    throw InferFailure{
        kExitFailure,
        fmt::format("{} on {} {}: {}", harness::ModelLabel(config), harness::BackendLabel(config),
                    harness::JobStatusName(result.status), result.error)};
  }
  const fs::path summary_path = dir / harness::kInferSummaryFile;
  nlohmann::ordered_json summary =
      nlohmann::ordered_json::parse(std::ifstream(summary_path), nullptr, false);
  if (summary.is_discarded() || !summary.contains("outputs") || !summary.contains("reference")) {
    throw InferFailure{kExitFailure, fmt::format("the worker wrote no readable {} in '{}'",
                                                 harness::kInferSummaryFile, dir.string())};
  }
  // The worker was told not to compare; the summary says why, as the terminal did.
  if (!reference_error.empty()) {
    summary["reference"]["error"] = reference_error;
    std::ofstream(summary_path, std::ios::trunc)
        << summary.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  }
  std::cout << fmt::format("{} on {} ({}): {} output(s) in {}\n", harness::ModelLabel(config),
                           harness::BackendLabel(config), result.backend_version,
                           summary["outputs"].size(), dir.string());
  std::cout << report::Render(OutputTable(summary), report::OutputFormat::kTable);
  return kExitOk;
}

}  // namespace

Command AddInferCommand(CLI::App& app) {
  auto options = std::make_shared<InferOptions>();
  CLI::App* sub = app.add_subcommand(
      "infer",
      "Run one inference and write every output as .npy, compared with the reference engine");
  sub->add_option("model", options->model,
                  "Zoo model id (e.g. resnet-18@160), an ONNX file or a Darknet cfg")
      ->required();
  sub->add_option("--weights", options->weights,
                  "Darknet .weights for a cfg model (default: seeded weights)");
  sub->add_option("--backend", options->backend, "Backend id, e.g. opencv or reference")
      ->required();
  sub->add_option("--input", options->inputs,
                  "Input tensors as .npy: FILE for a one-input model, or NAME:FILE[,NAME:FILE...] "
                  "(default: the seeded input verification uses; inputs not named stay seeded)")
      // One value per --input: a following positional (the model) is not an input file.
      ->allow_extra_args(false);
  sub->add_option("--input-shape", options->input_shape,
                  "Shapes to run the model's inputs at: NAME:1x3x224x224[,NAME:DIMS...], or "
                  "1x3x224x224 for a one-input model (settles an ONNX file's dynamic dims)")
      ->transform(InputShapeList());
  sub->add_option("--opt", options->toggles,
                  "Optimization toggles joined by '+' (e.g. no-fusion, prune-channels=0.5, int8), "
                  "or 'none' (default); int8, fp16 or bf16 sets the precision")
      ->transform(ToggleSet());
  sub->add_option("--threads", options->threads, "Threads for the backend")
      ->transform(WholeNumber(1, 4096, "a thread count"))
      ->capture_default_str();
  sub->add_option("-o,--output", options->output,
                  "Directory for <output>.npy, input_<name>.npy and summary.json (created)")
      ->required();
  sub->add_option("--seed", options->seed,
                  "Seed of the generated weights and of seeded inputs, 0 to 2^64-1")
      ->transform(Seed())
      ->capture_default_str();
  sub->add_option("--timeout", options->timeout, "Time-out of each worker in seconds")
      ->check(Seconds(/*positive=*/true))
      ->capture_default_str();
  sub->add_flag("--no-reference", options->no_reference,
                "Do not run the reference engine (no errors against it in the summary)");
  sub->add_option("--plugin-dir", options->plugin_dir, "Where backend plugins are looked up");
  sub->add_option("--cache-dir", options->cache_dir,
                  "Where reference outputs are cached (default ~/.cache/edgebench)");
  return {sub, [options] {
            try {
              return RunInfer(*options);
            } catch (const InferFailure& failure) {
              std::cerr << "edgebench infer: " << failure.what << "\n";
              return failure.exit_code;
            }
          }};
}

}  // namespace edgebench::cli
