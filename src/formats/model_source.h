#pragma once

#include <cstdint>
#include <string>

#include "ir/graph.h"

namespace edgebench::formats {

/// True when `model` names a file (an .onnx path) rather than a zoo id.
bool IsModelFile(const std::string& model);

/// The graph a job runs, with weights: a zoo id ("resnet-18", "yolov3@320") is built and
/// given seeded weights; an .onnx file is imported with its own weights. Throws
/// zoo::ModelError or FormatError.
ir::Graph LoadModel(const std::string& model, uint64_t weight_seed);

/// The same without weights, for counting and layer tables (zoo ids build without
/// materializing; files are imported).
ir::Graph LoadModelStructure(const std::string& model);

}  // namespace edgebench::formats
