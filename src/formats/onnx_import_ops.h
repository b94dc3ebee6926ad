#pragma once

// Per-op converters of the ONNX importer: each turns one ONNX node into IR nodes (or an
// alias) through the ImportContext. The dispatch table lives in onnx_import_ops.cc; the
// converters are grouped by family, one file each (named below).

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "formats/onnx_attributes.h"
#include "formats/onnx_import_context.h"

namespace edgebench::formats::onnx_detail {

/// True when `op_type` has a converter (the ops the IR expresses, plus pass-throughs).
bool HasConverter(const std::string& op_type);

/// Imports one ONNX node whose op type has a converter. Throws UnsupportedModelError for
/// a use of the op the IR cannot express and FormatError for malformed nodes.
void ConvertNode(ImportContext& context, const onnx::NodeProto& node, const std::string& name,
                 NodeAttributes& attrs);

/// True when input #`index` of `op_type` must be a constant for the IR (a weight, bias,
/// shape, bound or scale): a graph input bound as a constant is only used there.
bool IsConstantSlot(const std::string& op_type, int index);

// --- Shared helpers (onnx_import_ops.cc, onnx_import_layers.cc) ---

/// Dims and values beyond this are rejected, as the IR does (ir::kMaxDim).
inline constexpr int64_t kMaxAttrValue = int64_t{1} << 31;

/// Input #i's name, "" when absent or omitted.
std::string InputName(const onnx::NodeProto& node, int i);
/// Throws FormatError unless the node has between min and max inputs.
void ExpectInputCount(const onnx::NodeProto& node, int min, int max);
/// The number of spatial dims of an NCHW / NCDHW tensor; throws UnsupportedModelError
/// for other ranks (the IR has no 1-D convolution or pooling).
size_t SpatialRank(const ir::Shape& shape, const std::string& op);
/// One float from a constant scalar (or one-element) input.
float ScalarInput(ImportContext& context, const std::string& name, const char* role);
/// The integers of a constant 1-D (or scalar) input such as axes, pads or sizes.
std::vector<int64_t> IntsInput(ImportContext& context, const std::string& name, const char* role);
/// A name for an intermediate tensor of a node imported as several IR nodes.
std::string IntermediateName(ImportContext& context, const std::string& node_name,
                             const std::string& suffix);

/// A per-spatial-dim attribute (strides, dilations, kernel_shape), `fallback` per dim
/// when absent, every value in [min, kMaxAttrValue].
std::vector<int64_t> PerSpatial(NodeAttributes& attrs, const std::string& name, size_t rank,
                                int64_t fallback, int64_t min);

/// Begin and end padding per spatial dim.
struct Padding {
  std::vector<int64_t> begin;
  std::vector<int64_t> end;
};
/// Explicit pads (all begins, then all ends) or the ones auto_pad implies for a
/// convolution or pooling of input `x`; `window` is each dim's dilated kernel extent.
Padding ResolvePadding(NodeAttributes& attrs, const ir::Shape& x, size_t rank,
                       const std::vector<int64_t>& window, const std::vector<int64_t>& strides);

using Converter = void (*)(ImportContext&, const onnx::NodeProto&, const std::string&,
                           NodeAttributes&);

// --- Layers with weights or windows (onnx_import_layers.cc) ---
void ConvertConv(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertBatchNorm(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertMaxPool(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertAveragePool(ImportContext&, const onnx::NodeProto&, const std::string&,
                        NodeAttributes&);
void ConvertLrn(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);

// --- ConvTranspose (onnx_import_conv_transpose.cc) ---
void ConvertConvTranspose(ImportContext&, const onnx::NodeProto&, const std::string&,
                          NodeAttributes&);

// --- Gemm and MatMul (onnx_import_matmul.cc) ---
void ConvertGemm(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertMatMul(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);

// --- Elementwise ops (onnx_import_elementwise.cc) ---
/// Add Sub Mul Div Pow: binary, NumPy broadcasting, either operand constant.
void ConvertBinary(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
/// Sum Max Min Mean: any number of inputs, as a chain of binary nodes.
void ConvertVariadic(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
/// One-input ops without attributes (Tanh, Exp, Erf, ...), Reciprocal, Softsign.
void ConvertUnary(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertHardSigmoid(ImportContext&, const onnx::NodeProto&, const std::string&,
                        NodeAttributes&);
void ConvertGelu(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertClip(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertCast(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);

// --- Reductions and layer normalization (onnx_import_reduce.cc) ---
void ConvertReduce(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertLayerNorm(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);

// --- Data movement (onnx_import_tensor_ops.cc) ---
void ConvertTranspose(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertSlice(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertSqueeze(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertSplit(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertPad(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertGather(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);

// --- Resize and Upsample (onnx_import_resize.cc) ---
void ConvertResize(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);

}  // namespace edgebench::formats::onnx_detail
