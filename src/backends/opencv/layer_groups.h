#pragma once

// OpenCV-free part of the opencv backend's per-layer profile: which IR nodes each OpenCV
// layer computes, given the layers' names, types, times and inputs.

#include <map>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace edgebench::backends::opencv {

/// One layer of a cv::dnn::Net as getLayerNames / getPerfProfile / getLayerInputs see it.
struct NetLayer {
  std::string name;
  std::string type;         // e.g. "Convolution", "BatchNorm", "ReLU", "Eltwise", "Concat"
  double seconds = 0;       // 0 exactly: OpenCV skipped the layer (fused into another, or elided)
  std::vector<int> inputs;  // indices into the layer list of the layers feeding it; -1 = a
                            // network input
};

/// The IR node whose work an OpenCV layer does. OpenCV names a layer "onnx_node!" + its
/// ONNX node's name (older versions: its first output's), and the exporter names ONNX
/// nodes and tensors after IR nodes and values (an IR node written as several ONNX nodes
/// names the extra ones "<name>_<suffix>"; OpenCV names layers it adds for a node
/// "<name>/<suffix>"). `producers` maps every IR node name and every
/// IR activation name to its node's name. Empty when the layer is none of the graph's
/// (OpenCV's importer added it).
std::string IrNodeOfLayer(const std::string& layer,
                          const std::map<std::string, std::string>& producers);

/// The profile rows of a net's layers, in layer order: a layer OpenCV skipped because it
/// fused it (batch norm, scale, activations, an eltwise sum folded into a convolution)
/// joins the group of the latest layer feeding it, so the group's row lists every IR node
/// it covers; a skipped Concat (its inputs were written into its buffer in place) keeps a
/// row of its own at zero. Layers mapping to no IR node are rows without IR nodes.
std::vector<LayerTime> GroupLayers(const std::vector<NetLayer>& layers,
                                   const std::map<std::string, std::string>& producers);

}  // namespace edgebench::backends::opencv
