#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace edgebench::passes {

/// A layer whose output channels structured pruning removed.
struct PrunedLayer {
  std::string layer;
  int64_t channels_before = 0;
  int64_t channels_after = 0;
};

/// A layer structured pruning had to leave whole, and why.
struct SkippedLayer {
  std::string layer;
  std::string reason;
};

struct ChannelPruneReport {
  std::vector<PrunedLayer> pruned;
  std::vector<SkippedLayer> skipped;
  int64_t macs_before = 0;  // ir::CountGraph's MACs of the whole graph
  int64_t macs_after = 0;
};

/// Structured pruning: removes from each prunable convolution (groups = 1) or fully
/// connected layer the round(fraction x channels) output channels of smallest L1 weight
/// norm (at least one channel stays), and shrinks every tensor those channels touched,
/// so the graph really does less work (ir::CountGraph's MACs drop):
///  * the layer's weight rows and bias entries;
///  * on the way to the next layers, the parameters of BatchNorms and the filters (and
///    groups) of depthwise convolutions (one filter per channel); unary elementwise
///    activations, pooling and Flatten (axis 1) pass the channels through unchanged, and so
///    does LRN, whose window then spans the remaining channels only (the measured output
///    deviation covers that difference too);
///  * the input channels (weight columns) of the convolutions (groups = 1) and fully
///    connected layers that read them, a block of spatial positions per channel after a
///    Flatten.
/// A layer is skipped (with the reason in the report) when its output, on that way,
/// reaches anything else: a graph output, Add, Concat, a grouped convolution that is
/// not depthwise, a reshape, ... -- any consumer whose channels cannot shrink with it --
/// or when one of the weights involved is shared with another node.
/// `fraction` must be in [0, 1); weights must be materialized and shapes inferred.
/// Throws ir::GraphError otherwise.
ChannelPruneReport PruneChannels(ir::Graph& graph, double fraction);

}  // namespace edgebench::passes
