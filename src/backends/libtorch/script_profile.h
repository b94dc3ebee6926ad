#pragma once

// Maps LibTorch's profile of a frozen TorchScript forward() back to the IR. The profiler
// names aten operators, and with stacks on it gives each the line of our generated
// source it came from (script_writer.h records which IR node each line computes). After
// freezing and optimize_for_inference some lines lose their operators (a batch norm
// folded into the convolution's weights, a ReLU fused into it) and some operators have
// no line (layout conversions the passes inserted). Torch-free, so it is cheap to build.

#include <string>
#include <vector>

#include "backends/backend.h"
#include "ir/graph.h"

namespace edgebench::backends::libtorch {

/// One operator the profiler saw at the top level of forward() (nested calls belong to
/// it), in execution order.
struct ScriptOpEvent {
  double start_us = 0;
  int line = 0;  // 1-based line of the generated source; 0 when the profiler gave none
  std::string op;
};

/// What the mapping needs to know about the IR, kept by the session (which does not keep
/// the graph): node names in execution order, the node producing each node's first
/// activation input ("" for none), and each source line's node.
struct ScriptProfileLayout {
  std::vector<std::string> node_order;
  std::vector<std::string> first_producer;  // parallel to node_order
  std::vector<std::string> line_nodes;      // ScriptWriter::line_nodes()
  /// The optimized graph's operator kinds on each line (index = line - 1), e.g.
  /// "prim::mkldnn_convolution": the row's kind, since the profiler sees only the
  /// aten calls such a fused operator makes.
  std::vector<std::vector<std::string>> line_kinds;
};

/// The layout of `graph` whose forward() source `line_nodes` describes.
ScriptProfileLayout MakeScriptProfileLayout(const ir::Graph& graph,
                                            const std::vector<std::string>& line_nodes);

/// Rows of the profile: each operator's time runs from its start to the next top-level
/// operator's (or to `end_us`, the end of forward()), so time TorchScript spends in
/// operators the profiler does not record (prim:: ones) counts for the line before them.
/// Operators of one IR node's line form that node's row; an IR node none of whose
/// operators ran joins the row of the node producing its input (folded or fused into it)
/// or, without one, the row before it; operators with no line are rows of their own,
/// named after the operator (numbered from the second occurrence).
std::vector<LayerTime> ScriptLayerTimes(const std::vector<ScriptOpEvent>& events, double end_us,
                                        const ScriptProfileLayout& layout);

}  // namespace edgebench::backends::libtorch
