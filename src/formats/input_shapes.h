#pragma once

// The shapes a user asks a model's inputs to run at (`--input-shape`), as text and as
// the map the model loaders take.

#include <map>
#include <string>
#include <string_view>

#include "ir/shape.h"

namespace edgebench::formats {

/// Graph input name -> shape. The empty name stands for the model's only input.
using InputShapes = std::map<std::string, ir::Shape>;

/// Parses "NAME:1x3x224x224[,NAME:DIMS...]" or a bare "1x3x224x224" (the model's only
/// input). A name ends at its last ':' (ONNX names such as "input:0" keep theirs); names
/// cannot contain ','. Throws InputShapeError for malformed text, dims below 1, a name
/// given twice, or a bare shape beside others.
InputShapes ParseInputShapes(std::string_view text);

/// Canonical text of `shapes` (ordered by name; ParseInputShapes reads it back): what
/// jobs record, so the same shapes always compare equal. Empty for no shapes.
std::string FormatInputShapes(const InputShapes& shapes);

}  // namespace edgebench::formats
