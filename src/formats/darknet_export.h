#pragma once

#include <string>
#include <vector>

#include "formats/onnx.h"
#include "ir/graph.h"

namespace edgebench::formats {

/// A graph written as a Darknet network (the 2018 pjreddie format): the .cfg text and
/// the .weights bytes (header major 0, minor 2, revision 0, a uint64 `seen`, then each
/// weighted layer's floats in cfg order, little-endian).
struct DarknetModel {
  std::string cfg;
  std::string weights;
  /// Per graph output, in graph output order: the index of the Darknet layer whose output
  /// buffer holds it (Darknet's network_predict returns only the last layer's).
  std::vector<int> output_layers;
};

/// Writes a graph with materialized weights as Darknet layers: Conv with a following
/// BatchNorm and activation folded into one [convolutional] (a lone BatchNorm or window
/// AvgPool becomes a depthwise one), [maxpool], [avgpool] (global), [connected],
/// [shortcut] (Add), [route] (channel Concat, and copies), [upsample] (UpsampleNearest,
/// pixel-replicating Resize), [softmax], [activation]; Flatten/Reshape cost nothing.
/// What the Darknet importer makes of [shortcut] between shapes (strided/channel Slice or
/// zero Pad into an Add), [crop] (a centred Slice, with its * 2 + -1) and [yolo]/[region]
/// (per-anchor Reshape, Slice, Sigmoid/Softmax, Concat, Reshape) is written back as them.
/// Only what Darknet computes as the IR does is written. Throws UnsupportedModelError
/// naming the first node Darknet cannot express and why (DarknetUnsupportedReason).
DarknetModel ExportDarknet(const ir::Graph& graph);

/// ExportDarknet written to two files.
void ExportDarknetFiles(const ir::Graph& graph, const std::string& cfg_path,
                        const std::string& weights_path);

/// Why `node` of `graph` cannot be written as Darknet layers (graph-wide limits such as
/// more than one input are reported for every node); empty when it can. Needs shapes, not
/// weight data.
std::string DarknetUnsupportedReason(const ir::Graph& graph, const ir::Node& node);

}  // namespace edgebench::formats
