#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace edgebench::formats {

/// A model file that cannot be read or written: the message names the file, and the op
/// and node when one is at fault.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A well-formed model that uses something edgebench cannot represent (an op, an
/// attribute value, a dynamic shape). Separate from a corrupt file so callers can report
/// "unsupported" rather than "broken"; the message says what and where.
class UnsupportedModelError : public FormatError {
 public:
  using FormatError::FormatError;
};

/// Input shapes the user gave that do not fit the model (malformed text, a name that is
/// not a graph input, a rank or a fixed dim that disagrees), or a dynamic input dim that
/// only such a shape can settle. The message lists the model's inputs as declared, e.g.
/// "x: batch x 3 x 224 x 224", and how to give the shape.
class InputShapeError : public UnsupportedModelError {
 public:
  using UnsupportedModelError::UnsupportedModelError;
};

/// Serializes a graph whose weights are materialized to an ONNX ModelProto (opset 13,
/// weights as initializers, so every runtime can constant-fold them) that passes
/// onnx::checker. Throws FormatError for a graph ONNX cannot express.
std::string ExportOnnx(const ir::Graph& graph);
void ExportOnnxFile(const ir::Graph& graph, const std::string& path);

/// Bounds on what an imported file may ask for; files are hostile until validated.
struct OnnxImportLimits {
  int64_t max_file_bytes = int64_t{4} << 30;
  int64_t max_tensor_elements = int64_t{1} << 31;
  int64_t max_total_weight_bytes = int64_t{4} << 30;
  int64_t max_nodes = 100000;
};

/// Import settings beyond the limits.
struct OnnxImportOptions {
  OnnxImportLimits limits;
  /// Graph input name -> serialized onnx.TensorProto. A bound input that the model only
  /// uses where the IR needs a constant (a Conv/Gemm/MatMul weight or bias, batch-norm
  /// parameters, a Reshape shape, Clip bounds, Resize scales) becomes that constant and
  /// stops being a graph input; used anywhere else it stays an input. For ONNX node
  /// tests, which pass weights as inputs; real models keep weights in initializers.
  std::map<std::string, std::string> constant_inputs;
  /// Graph input name -> the shape to run it at (the user's --input-shape); the empty
  /// name means the model's only run-time input. Every dim the model fixes must agree;
  /// symbolic and unknown dims take the given values. Shapes of the whole graph are then
  /// inferred from these. Throws InputShapeError for a name that is not a run-time graph
  /// input, a rank mismatch or a disagreeing dim.
  std::map<std::string, ir::Shape> input_shapes;
};

/// Reads an ONNX model into the IR with its weights (initializers) materialized and
/// shapes inferred. Supported ops: Conv (2-D/3-D, auto_pad), BatchNormalization, Relu,
/// LeakyRelu, Sigmoid, Clip to [0,6] or [0,inf), Softmax (one axis), MaxPool/AveragePool
/// (2-D/3-D), GlobalAveragePool, Gemm (alpha=1; beta=1, or 0), MatMul by a constant
/// matrix, Add of equal shapes or of a per-channel bias right after Conv/Gemm/MatMul
/// (folded into it), Sum, Concat, Flatten, Reshape, Upsample/Resize (nearest, integer
/// scales), LRN (odd size); Dropout and Identity are removed; Constant, Shape, Size,
/// Gather, Unsqueeze, Squeeze, Concat, Cast, Slice, Reshape, Flatten, Transpose,
/// Add/Sub/Mul/Div and ConstantOfShape are evaluated when their operands are constants
/// (the shape subgraphs exporters emit). Dynamic input dims are bound from
/// options.input_shapes; a symbolic batch dim left unbound becomes 1, any other unbound
/// dynamic dim is an InputShapeError naming it. Anything else --
/// unsupported op, truncated or non-ONNX bytes, absurd dims, missing initializers,
/// cycles -- throws FormatError naming the problem (UnsupportedModelError for a valid
/// model edgebench cannot express), never crashes and never allocates beyond the limits.
/// `name` names the graph and prefixes error messages.
ir::Graph ImportOnnx(const std::string& bytes, const std::string& name = "model",
                     const OnnxImportLimits& limits = {});
ir::Graph ImportOnnx(const std::string& bytes, const std::string& name,
                     const OnnxImportOptions& options);
/// The graph is named after the file's stem; errors name the path.
ir::Graph ImportOnnxFile(const std::string& path, const OnnxImportLimits& limits = {});
ir::Graph ImportOnnxFile(const std::string& path, const OnnxImportOptions& options);

/// A dense tensor decoded from a serialized onnx.TensorProto, as ONNX test data stores
/// inputs and expected outputs (input_0.pb, output_0.pb). Floating types are converted
/// to f32; integer and bool tensors are converted to f32 as well (exact up to 2^24).
struct OnnxTensor {
  std::string name;  // empty when the file names none
  ir::Shape shape;
  std::vector<float> data;
};
/// Throws FormatError for bytes that are not a valid tensor within `limits`.
OnnxTensor ReadOnnxTensor(const std::string& bytes, const OnnxImportLimits& limits = {});

}  // namespace edgebench::formats
