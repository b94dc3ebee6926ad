#pragma once

// Per-op converters of the ONNX importer: each turns one ONNX node into IR nodes (or an
// alias) through the ImportContext. Layers with weights live in onnx_import_layers.cc,
// the rest and the dispatch table in onnx_import_ops.cc.

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

// --- Shared helpers ---

/// Dims and values beyond this are rejected, as the IR does (ir::kMaxDim).
inline constexpr int64_t kMaxAttrValue = int64_t{1} << 31;

/// Input #i's name, "" when absent or omitted.
std::string InputName(const onnx::NodeProto& node, int i);
/// Throws FormatError unless the node has between min and max inputs.
void ExpectInputCount(const onnx::NodeProto& node, int min, int max);
/// The number of spatial dims of an NCHW / NCDHW tensor; throws UnsupportedModelError
/// for other ranks (the IR has no 1-D convolution or pooling).
size_t SpatialRank(const ir::Shape& shape, const std::string& op);

// --- Converters with weights (onnx_import_layers.cc) ---
using Converter = void (*)(ImportContext&, const onnx::NodeProto&, const std::string&,
                           NodeAttributes&);
void ConvertConv(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertBatchNorm(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertMaxPool(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertAveragePool(ImportContext&, const onnx::NodeProto&, const std::string&,
                        NodeAttributes&);
void ConvertGemm(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertMatMul(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);
void ConvertLrn(ImportContext&, const onnx::NodeProto&, const std::string&, NodeAttributes&);

}  // namespace edgebench::formats::onnx_detail
