#pragma once

// How the ONNX importer turns a graph input's declared type into the shape it runs at:
// fixed dims as declared, symbolic and unknown ones from the shape the user gave.

#include <onnx/onnx_pb.h>

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/shape.h"

namespace edgebench::formats::onnx_detail {

/// "x: batch x 3 x 224 x 224" (symbolic dims by name, unknown ones as '?'), with the
/// element type when it is not FLOAT, for messages that list a model's inputs.
std::string DescribeInput(const onnx::ValueInfoProto& input);

/// DescribeInput of each of `inputs`, joined by "; " (the first 16; then how many more).
std::string DescribeInputs(const std::vector<const onnx::ValueInfoProto*>& inputs);

/// The user's shapes by the graph input they are for: the empty name is the only input of
/// `run_time_inputs` (the graph inputs fed at run time). Throws InputShapeError, listing
/// the inputs, for a name that is none of them, a nameless shape when there are several,
/// a dim below 1 or two shapes for one input.
std::unordered_map<std::string, ir::Shape> ResolveGivenShapes(
    const std::vector<const onnx::ValueInfoProto*>& run_time_inputs,
    const std::map<std::string, ir::Shape>& given);

/// The shape FLOAT tensor input `input` runs at. `given` (may be null) is the user's
/// shape for it: its rank and every fixed dim must agree with the declaration, and it
/// supplies the dynamic dims. Without it a dynamic first (batch) dim becomes 1. Throws
/// InputShapeError for a disagreement or a dynamic dim nothing settles (naming the dim
/// and the option to settle it), FormatError for a negative or absurd declaration.
ir::Shape BindInputShape(const onnx::ValueInfoProto& input, const ir::Shape* given);

}  // namespace edgebench::formats::onnx_detail
