#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace edgebench::formats {

/// Bounds on what a Darknet cfg (and its .weights) may ask for; files are hostile until
/// validated. Exceeding one throws FormatError.
struct DarknetImportLimits {
  int64_t max_cfg_bytes = int64_t{4} << 20;
  int64_t max_layers = 10000;
  int64_t max_tensor_elements = int64_t{1} << 31;        // any one activation or weight
  int64_t max_total_weight_elements = int64_t{1} << 30;  // 4 GiB of f32
  int64_t max_total_macs = int64_t{1} << 44;
};

/// Reads a Darknet (pjreddie, 2018) network cfg into the IR. Every Darknet layer i
/// becomes nodes named "layer<i>_..." (the index Darknet prints when loading).
///
/// Layers and their mapping:
///  - [net]/[network]: width, height, channels (or inputs, as C x 1 x 1); batch is ignored
///    (the graph runs batch 1).
///  - [convolutional]/[conv]: Conv (size, stride, pad/padding, groups); with
///    batch_normalize a BatchNorm (epsilon 1e-12: Darknet divides by sqrt(var) + 1e-6,
///    which the .weights reader folds into the stored variance) carrying the layer's biases, else
///    the conv's bias; then the activation.
///  - [connected]/[conn]: Flatten + FullyConnected (+ BatchNorm) + activation.
///  - [maxpool]/[max]: MaxPool with Darknet's padding (default size-1; padding/2 before,
///    the rest after, out = (w + padding - size) / stride + 1, padded cells never win).
///  - [avgpool]/[avg]: GlobalAvgPool. [dropout]: identity. [cost]: ignored.
///  - [shortcut]: Add of the previous layer and `from` (same shape only) + activation.
///  - [route]: the listed layer (or a Concat of them along channels); groups/group_id
///    take that channel slice of each input.
///  - [upsample]: nearest upsampling by `stride`. [reorg]: Darknet's reorg (which reads
///    its input as C/s^2 x H*s x W*s) as Reshape/Transpose/Reshape.
///  - [softmax]/[soft]: Softmax of x / temperature over each of `groups` contiguous chunks.
///  - [yolo] and [region]: the activations Darknet's forward pass applies in place --
///    logistic on x, y, objectness (and, for [yolo] or region without softmax, class
///    scores), softmax over region class scores -- so the graph outputs equal those
///    layers' outputs in Darknet. Box decoding and NMS are post-processing.
///  - activations: logistic, relu, relie, linear, ramp, tanh, plse, leaky, elu, loggy,
///    hardtan, lhtan, selu, exactly (composed of IR ops where needed); stair is refused.
///  - [shortcut] between different shapes: the `from` layer strided down to the previous
///    layer's size and its channels cut or zero-filled to match, as Darknet adds them.
///  - [detection] (YOLOv1): its input, flat, with each cell's class scores normalized when
///    softmax=1.
///  - [crop]: the centred window Darknet takes outside training, times 2 minus 1 unless
///    noadjust=1.
/// Graph outputs: every [yolo]/[region] layer, else the last layer that is not [cost].
/// Anything else ([local], [crnn], [rnn], [gru], [lstm], [deconvolutional],
/// [batchnorm], [normalization] (whose channel window is not LRN's), ...,
/// binary/xnor layers, unknown activations) throws
/// UnsupportedModelError naming the layer, its line and the reason; malformed input
/// (bad numbers, missing keys, absurd sizes, routes to itself or forward, mismatched
/// shapes) throws FormatError with the line. Weights are seeded descriptors (see
/// zoo::MaterializeWeights); ReadDarknetWeights fills them from a .weights file.
ir::Graph ImportDarknetCfg(const std::string& cfg_text, const std::string& name,
                           const DarknetImportLimits& limits = {});

/// The constants one Darknet layer's weights fill, in the order a .weights file stores
/// them (see ReadDarknetWeights). kNoId where the layer has no such tensor.
struct DarknetLayerWeights {
  int layer = 0;
  bool connected = false;  // [connected]: weights before the batch-norm statistics
  int line = 0;
  ir::ValueId bias = ir::kNoId;  // the conv/fc bias, or the batch norm's bias (beta)
  ir::ValueId scale = ir::kNoId;
  ir::ValueId mean = ir::kNoId;
  ir::ValueId variance = ir::kNoId;
  ir::ValueId weight = ir::kNoId;
};

/// ImportDarknetCfg that also lists, per layer with weights, where they go.
ir::Graph ImportDarknetCfg(const std::string& cfg_text, const std::string& name,
                           const DarknetImportLimits& limits,
                           std::vector<DarknetLayerWeights>* layer_weights);

/// The same from a file; the graph is named after the file's stem.
ir::Graph ImportDarknetCfgFile(const std::string& path, const DarknetImportLimits& limits = {});

/// A model reference naming a cfg and optionally its weights: "net.cfg" or
/// "net.cfg?weights=net.weights" (the form the CLI's --weights produces, so the pair
/// travels as one model string to workers and into stored results).
struct DarknetModelRef {
  std::string cfg;
  std::string weights;  // empty: seeded weights
};

/// True for "*.cfg" and "*.cfg?weights=*".
bool IsDarknetModelRef(const std::string& model);
DarknetModelRef ParseDarknetModelRef(const std::string& model);
std::string DarknetModelRefString(const DarknetModelRef& ref);

}  // namespace edgebench::formats
