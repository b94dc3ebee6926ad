#pragma once

// Patterns of several ONNX nodes that the importer folds into one IR node, recognized at
// the pattern's last node once its earlier nodes are already pending:
//   Conv/Gemm/MatMul/ConvTranspose + Add(per-channel constant)  -> the layer's bias
//   x * Sigmoid(x)                                              -> kSilu
//   x * HardSigmoid(x; 1/6, 1/2)                                -> kHardSwish
//   x * 0.5 * (1 + Erf(x / sqrt(2)))                            -> kGelu
//   x * 0.5 * (1 + Tanh(sqrt(2/pi) * (x + 0.044715 x^3)))       -> kGelu (tanh)
//   (x - mean) / Sqrt(mean((x - mean)^2) + eps) [* scale] [+ bias] -> kLayerNorm
// as PyTorch exports them at opsets without the fused op (and as our exporter writes
// them). Each matcher returns false, changing nothing, unless the whole pattern matches
// exactly and its inner results are read nowhere else.

#include <string>

#include "formats/onnx_import_context.h"

namespace edgebench::formats::onnx_detail {

/// Add(activation, constant): folds the constant into the bias of the Conv,
/// FullyConnected or ConvTranspose producing the activation.
bool TryFoldBiasAdd(ImportContext& context, const onnx::NodeProto& node,
                    const std::string& activation, const std::string& constant);

/// Add completing a pattern: a LayerNorm's bias.
bool TryFuseAdd(ImportContext& context, const onnx::NodeProto& node, const std::string& name);

/// Mul completing a pattern: Silu, HardSwish, Gelu or a LayerNorm's scale.
bool TryFuseMul(ImportContext& context, const onnx::NodeProto& node, const std::string& name);

/// Div completing a pattern: the normalization of a decomposed LayerNorm.
bool TryFuseDiv(ImportContext& context, const onnx::NodeProto& node, const std::string& name);

}  // namespace edgebench::formats::onnx_detail
