#pragma once

#include <cstdint>
#include <string>

#include "formats/input_shapes.h"
#include "ir/graph.h"

namespace edgebench::formats {

/// True when `model` names a file (an .onnx path, or a Darknet cfg: "net.cfg" or
/// "net.cfg?weights=net.weights", see DarknetModelRef) rather than a zoo id.
bool IsModelFile(const std::string& model);

/// How a model file travels to workers and into stored results: its absolute path, and for
/// a Darknet cfg with `weights` "CFG?weights=WEIGHTS" (both absolute), so --resume and
/// workers in other directories find the same files. Throws FormatError when `weights`
/// is given for a file that is not a Darknet cfg.
std::string ModelFileReference(const std::string& file, const std::string& weights = "");

/// A zoo request with input shapes folded into its id: the zoo's models fix batch and
/// channels and take other spatial sizes as ID@HxW (ID@FRAMESxHxW for 3-D models), so
/// "resnet-18" with "1x3x160x160" (or "input:1x3x160x160") is "resnet-18@160x160" (the
/// canonical id). Throws InputShapeError for shapes the model cannot take (naming its
/// input) and zoo::ModelError for an unknown id. No shapes: the canonical id.
std::string ZooIdWithInputShapes(const std::string& request, const InputShapes& shapes);

/// The graph a job runs, with weights: a zoo id ("resnet-18", "yolov3@320") is built and
/// given seeded weights; an .onnx file is imported with its own weights and its inputs
/// bound to `shapes` (see OnnxImportOptions::input_shapes); a Darknet cfg is imported with
/// its .weights, or seeded weights without (its input size is the cfg's). Throws zoo::ModelError or
/// FormatError (InputShapeError when `shapes` do not fit).
ir::Graph LoadModel(const std::string& model, uint64_t weight_seed, const InputShapes& shapes = {});

/// The same without weights, for counting and layer tables (zoo ids build without
/// materializing; files are imported).
ir::Graph LoadModelStructure(const std::string& model, const InputShapes& shapes = {});

}  // namespace edgebench::formats
