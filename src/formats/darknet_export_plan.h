#pragma once

// The Darknet layers a graph becomes: shared by the cfg/weights writers and the support
// query, so "can it be written" and "what is written" are one decision.

#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"

namespace edgebench::formats::darknet {

using Options = std::vector<std::pair<std::string, std::string>>;

/// One cfg section and, for weighted layers, its floats in .weights file order.
struct Layer {
  explicit Layer(std::string section, Options settings = {})
      : type(std::move(section)), options(std::move(settings)) {}

  std::string type;  // section name without brackets, e.g. "convolutional"
  Options options;
  std::vector<float> params;
  /// Darknet's out_c, out_h, out_w; all -1 for a flat layer (softmax) no image layer may
  /// follow.
  int64_t channels = -1;
  int64_t height = -1;
  int64_t width = -1;
  std::string origin;  // the IR node names it computes, for the cfg comment
};

struct Plan {
  int64_t channels = 0;
  int64_t height = 0;
  int64_t width = 0;
  std::vector<Layer> layers;
  std::vector<int> output_layers;
  /// A limit of the whole graph (inputs, outputs); empty when none.
  std::string graph_problem;
  /// Why each node (by NodeId) cannot be written; empty for those that can.
  std::vector<std::string> node_problems;

  bool ok() const;
  /// The first problem, naming its node; empty when ok().
  std::string FirstProblem(const ir::Graph& graph) const;
};

/// Plans `graph` as Darknet layers. With `with_weights` the layers' params are filled
/// from the graph's materialized constants (FormatError when one is missing); without,
/// only shapes are read.
Plan PlanGraph(const ir::Graph& graph, bool with_weights);

}  // namespace edgebench::formats::darknet
