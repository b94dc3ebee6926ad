#pragma once

// What a run or verify command runs: its --models, --model files and --backends resolved
// and checked before any job starts.

#include <string>
#include <vector>

#include "backends/registry.h"
#include "harness/job_launcher.h"

namespace edgebench::cli {

/// Small, fast models so the default run finishes in minutes even on the naive
/// reference engine; `--models all` runs the study's 16.
inline constexpr const char* kDefaultModels = "cifarnet,vgg-s-32,mobilenet-v2,tiny-yolo";

/// Resolves "all", validates every zoo id (folding `input_shape`, canonical
/// --input-shape text, into ID@HxW) and checks every model file once in a worker at
/// `input_shape` (a bad file or shape is a usage error here, not one failed job per
/// backend). Files become absolute paths; `weights` (--weights) goes with the one file,
/// a Darknet cfg (see formats::ModelFileReference). Returns false after printing why.
bool ExpandModels(const std::string& ids, const std::vector<std::string>& files,
                  const std::string& input_shape, harness::JobLauncher& launcher,
                  std::vector<std::string>& models, const std::string& weights = "");

/// Resolves "all" to the available backends (a note for each missing one; the reference
/// engine only when named) and checks named ids. Returns false after printing why.
bool ExpandBackends(const std::string& text, const backends::BackendRegistry& registry,
                    const std::vector<backends::BackendInfo>& infos, std::vector<std::string>& ids);

}  // namespace edgebench::cli
