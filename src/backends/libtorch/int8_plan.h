#pragma once

// Which layers of an int8 job run on LibTorch's quantized operators, and with which
// numbers. Torch-free: the script writer emits the plan and quantized_layers.cc packs its
// weights. The numbers are the IR's calibration (ir::Value::quant, set by
// passes::CalibrateInt8), so LibTorch quantizes exactly as the other backends do:
//  * a layer's input is quantized to quint8 with its value's per-tensor scale and zero
//    point (or, when an int8 layer produced it, stays quantized: it already carries them);
//  * weights are qint8 per output channel with the calibrated scales (recomputed by the
//    IR's rule, max |w| / 127, when a following BatchNorm is folded into them);
//  * the layer's output is quantized with its value's calibrated parameters (with some
//    headroom where an fp32 node reads it, see PlanInt8) and stays quantized for the
//    int8 layers that read it; a fully connected layer read in fp32 writes fp32
//    (Int8Layer::fp32_output).
// A following ReLU (or ReLU6 / Clip from 0, see PlanInt8) runs inside the layer
// (quantized::conv2d_relu / linear_relu). Every other layer stays fp32.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "ir/graph.h"

namespace edgebench::backends::libtorch {

/// LibTorch's quantized engines that edgebench drives, by LibTorch's own names.
inline constexpr const char* kOneDnnEngine = "onednn";
inline constexpr const char* kQnnpackEngine = "qnnpack";

/// Per-tensor u8 parameters of an activation.
struct ActivationQuant {
  double scale = 1.0;
  int64_t zero_point = 0;
};

/// One convolution or fully connected layer that runs int8 -- or a residual Add of two
/// quantized tensors (quantized::add / add_relu: no weights, `second_input` set).
struct Int8Layer {
  ir::NodeId node = ir::kNoId;        // the conv / fully connected / add node
  ir::NodeId batch_norm = ir::kNoId;  // folded into the weights, or kNoId
  ir::NodeId activation = ir::kNoId;  // run inside the layer, or kNoId
  double activation_max = std::numeric_limits<double>::infinity();  // its clip, if any
  ir::ValueId input = ir::kNoId;                                    // the layer's activation input
  ir::ValueId output = ir::kNoId;  // what the layer produces (after BN / activation)
  ActivationQuant input_quant;
  ir::ValueId second_input = ir::kNoId;  // an Add's other operand
  ActivationQuant second_quant;
  ActivationQuant output_quant;  // of a static layer
  /// A fully connected layer whose output an fp32 node reads writes fp32 through
  /// quantized::linear_dynamic, which quantizes its fp32 input to u8 with the input's own
  /// range at run time rather than the calibrated one.
  bool fp32_output = false;
  // Convolutions: as quantized::conv2d_prepack takes them (lowering.h splits the padding
  // into its symmetric part and an explicit pad of the fp32 input).
  std::vector<int64_t> strides, padding, explicit_pad, dilations;
  int64_t groups = 1;
  ir::Shape weight_shape;
  std::vector<float> weights;         // as run: BatchNorm folded in when batch_norm is set
  std::vector<float> bias;            // empty: none
  std::vector<double> weight_scales;  // one per output channel, zero points all 0
  /// The module attribute holding the packed weights, e.g. "p12"; "" for an Add.
  std::string packed_name;

  bool IsAdd() const { return second_input != ir::kNoId; }
};

/// The int8 plan of a graph.
struct Int8Plan {
  std::string engine;             // kOneDnnEngine or kQnnpackEngine
  std::vector<Int8Layer> layers;  // in execution order
  /// Per node id: the index in `layers` of the int8 layer that computes this node (the
  /// layer itself, its folded BatchNorm, its fused activation), or -1.
  std::vector<int> layer_of_node;
  /// One entry per conv / fully connected node of the graph, in execution order: the
  /// quantized operator and engine it runs on (e.g. "quantized::conv2d_relu(onednn)", with
  /// ", 7-bit weights: no VNNI" when so), or the fp32 ATen operator.
  std::vector<KernelUse> kernels;

  int LayerOf(ir::NodeId node) const {
    return node >= 0 && static_cast<size_t>(node) < layer_of_node.size()
               ? layer_of_node[static_cast<size_t>(node)]
               : -1;
  }
};

/// Plans `graph` for `engine`. A 2-D convolution (any stride, padding, dilation, groups)
/// or a fully connected layer on a 2-D input runs int8 when its input and output values
/// carry calibrated per-tensor parameters and its weights their per-channel scales; a
/// layer without them stays fp32. `seven_bit_weights`: weight scales are stretched by
/// 127 / 63 so |q| <= 63 -- for oneDNN's int8 kernels on CPUs without VNNI, whose u8 x s8
/// pair sums saturate in int16 otherwise (oneDNN's own advice; the oneDNN backend does
/// the same). Throws std::runtime_error when the graph carries no int8 calibration at all
/// (passes::CalibrateInt8 never ran on it).
Int8Plan PlanInt8(const ir::Graph& graph, const std::string& engine, bool seven_bit_weights);

}  // namespace edgebench::backends::libtorch
