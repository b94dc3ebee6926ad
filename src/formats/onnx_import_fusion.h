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

#include <optional>
#include <string>
#include <vector>

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

// Matching helpers shared by the pattern files (onnx_import_fusion.cc,
// onnx_import_fusion_norm.cc).
namespace fusion {

/// The pending node of kind `op` producing `value`, when exactly `uses` readers read it
/// (the pattern's own), else nullptr.
PendingNode* SoleProducer(ImportContext& context, ir::ValueId value, ir::OpKind op, int uses = 1);
/// The value of a one-element IR constant.
std::optional<float> ScalarConstant(ImportContext& context, ir::ValueId value);
/// |actual - expected| within `tolerance` relative to expected.
bool Near(float actual, double expected, double tolerance = 1e-5);
/// For a binary node with a scalar constant operand close to `expected`, the other
/// operand, else kNoId; `constant_second` requires the constant to be input #1.
ir::ValueId OtherThanScalar(ImportContext& context, const PendingNode& node, double expected,
                            bool constant_second = false);
const ir::Shape& ShapeOfValue(ImportContext& context, ir::ValueId value);
/// Every node's output has `shape`: scalar constants did not broadcast anything up.
bool AllShaped(ImportContext& context, const std::vector<PendingNode*>& nodes,
               const ir::Shape& shape);
/// The output shape the binary node being converted would have.
std::optional<ir::Shape> BinaryOutputShape(ImportContext& context, const onnx::NodeProto& node);
/// Retracts the nodes a fused node replaces.
void Replace(ImportContext& context, const std::vector<PendingNode*>& nodes);

/// Div(x - mean, Sqrt(mean((x - mean)^2) + eps)) over trailing dims -> kLayerNorm.
bool TryFoldLayerNormPattern(ImportContext& context, const onnx::NodeProto& node,
                             const std::string& name);
/// Mul or Add of a pending LayerNorm and a constant -> its scale or bias.
bool TryFoldLayerNormAffine(ImportContext& context, const onnx::NodeProto& node,
                            const std::string& name, bool scale);

}  // namespace fusion
}  // namespace edgebench::formats::onnx_detail
