#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgebench::ir {

/// Dimensions of a tensor, outermost first. Activations are NCHW (2D) or NCDHW (3D).
using Shape = std::vector<int64_t>;

/// Number of elements; 1 for a scalar (empty shape).
int64_t ElementCount(const Shape& shape);

/// "1x3x224x224" style text; "scalar" for an empty shape.
std::string ShapeToString(const Shape& shape);

/// Parses "1x3x224x224"; returns false on malformed text or non-positive dims.
bool ParseShape(const std::string& text, Shape& out);

}  // namespace edgebench::ir
