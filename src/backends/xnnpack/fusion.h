#pragma once

// What the builder folds into a convolution, transposed convolution or fully connected
// node, the way TFLite's converter and delegate do: a batch norm directly after a
// convolution goes into its weights, and a Relu / Relu6 / Clip directly after goes into
// its output_min / output_max. A node is only absorbed when its input has no other
// consumer and is not a graph output, so no intermediate value anyone reads disappears.

#include <limits>
#include <vector>

#include "ir/graph.h"

namespace edgebench::backends::xnnpack {

/// The nodes reading each value, indexed by ValueId.
using ConsumerIndex = std::vector<std::vector<ir::NodeId>>;
ConsumerIndex IndexConsumers(const ir::Graph& graph);

/// The chain starting at a conv / conv-transpose / fully connected node.
struct FusedChain {
  ir::NodeId batch_norm = ir::kNoId;  // folded into the weights (convolution only)
  ir::NodeId activation = ir::kNoId;  // folded into the output bounds
  float output_min = -std::numeric_limits<float>::infinity();
  float output_max = std::numeric_limits<float>::infinity();
  ir::ValueId output = ir::kNoId;  // the chain's last value, computed by the fused node
};

/// The chain of `head`, which must be a kConv, kConvTranspose or kFullyConnected node.
FusedChain PlanChain(const ir::Graph& graph, const ConsumerIndex& consumers, ir::NodeId head);

/// Whether `node` (a batch norm or an activation) is absorbed by the chain of the node
/// producing its input.
bool IsAbsorbed(const ir::Graph& graph, const ConsumerIndex& consumers, const ir::Node& node);

/// The clamp bounds of a Relu, Relu6 or Clip node; false for any other op.
bool ClampBounds(const ir::Node& node, float& min, float& max);

}  // namespace edgebench::backends::xnnpack
