#pragma once

// Import-time evaluation of the small integer subgraphs exporters emit around real
// layers -- PyTorch's x.view(x.size(0), -1) becomes Shape -> Gather -> Unsqueeze ->
// Concat -> Reshape -- so they collapse into constants the IR ops take as attributes.

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <vector>

#include "formats/onnx.h"
#include "formats/onnx_attributes.h"
#include "formats/onnx_tensor.h"

namespace edgebench::formats::onnx_detail {

/// Where the folder finds a node's operands.
class FoldSource {
 public:
  virtual ~FoldSource() = default;
  /// The constant called `name`, or nullptr when it is not a constant.
  virtual const ConstTensor* Constant(const std::string& name) = 0;
  /// The shape of the non-constant tensor `name`, or nullptr when unknown.
  virtual const ir::Shape* ActivationShape(const std::string& name) = 0;
  /// Charges `elements` of newly folded data against the import's weight budget;
  /// throws FormatError when the budget is exhausted.
  virtual void Charge(int64_t elements) = 0;
};

/// True for op types FoldNode can evaluate.
bool IsFoldableOp(const std::string& op_type);

/// Evaluates `node` when it is a foldable op and every operand it reads is known
/// (Shape and Size need only the input's shape). Returns its outputs, or nullopt when
/// something is not constant so the node must be imported as a layer. Throws
/// FormatError for malformed nodes (bad axes, out-of-range indices, overflow).
std::optional<std::vector<ConstTensor>> FoldNode(const onnx::NodeProto& node, NodeAttributes& attrs,
                                                 int64_t opset, const OnnxImportLimits& limits,
                                                 FoldSource& source);

}  // namespace edgebench::formats::onnx_detail
