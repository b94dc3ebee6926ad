#pragma once

// Single-op constructs the backend consistency test runs on every backend against the
// reference engine: small graphs that each exercise one op and the attribute variants
// where frameworks have rules of their own. A backend must refuse a construct up front
// (with a reason) or compute what the reference computes.

#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "zoo/graph_builder.h"

namespace edgebench::backends::constructs {

struct Construct {
  std::string name;
  ir::Shape input;
  std::function<ir::ValueId(zoo::GraphBuilder&, ir::ValueId)> build;
};

/// The original op set: convolution, pooling on every padding path, normalization,
/// activations, concat, reshape, upsampling.
std::vector<Construct> ClassicOps();

/// Binary ops with every broadcasting form, unary activations, clip and reductions.
std::vector<Construct> ElementwiseOps();

/// Data movement (transpose, slice, squeeze, pad, gather), matmul, transposed
/// convolution, resize in every mode, layer normalization.
std::vector<Construct> StructuralOps();

}  // namespace edgebench::backends::constructs
