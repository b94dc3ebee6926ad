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
/// onnx::checker. Ops opset 13 has no node for are written as the node patterns PyTorch
/// exports for them -- Silu as x * Sigmoid(x), HardSwish as x * HardSigmoid(x), Gelu as
/// its Erf (or Tanh) formula, LayerNorm as ReduceMean/Sub/Pow/Sqrt/Div/Mul/Add -- which
/// ImportOnnx folds back, so Import(Export(g)) has g's ops, names and results. Throws
/// FormatError for a graph ONNX cannot express.
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

/// Reads an ONNX model (opsets 1-21) into the IR with its weights (initializers)
/// materialized and shapes inferred. Supported ops:
///  - layers: Conv and ConvTranspose (2-D/3-D, auto_pad, output_shape), BatchNormalization,
///    MaxPool/AveragePool (2-D/3-D), GlobalAveragePool/GlobalMaxPool, LRN (odd size),
///    Gemm (any transA/transB/alpha/beta/C; FullyConnected where it can express it, else
///    MatMul with Transpose/Mul/Add), MatMul (FullyConnected for a 2-D activation times a
///    constant matrix, else batched MatMul), LayerNormalization (with its Mean/InvStdDev
///    outputs);
///  - elementwise, NumPy broadcasting, either operand constant: Add (a per-channel
///    constant after Conv/Gemm/MatMul/ConvTranspose folds into its bias), Sub, Mul, Div,
///    Pow, Max/Min/Sum/Mean (any number of inputs); Relu, LeakyRelu, PRelu, Sigmoid,
///    HardSigmoid, HardSwish, Tanh, Exp, Log, Sqrt, Abs, Neg, Erf, Reciprocal, Softsign,
///    Gelu, Clip (ReLU6 and ReLU where the bounds say so), Softmax/LogSoftmax (one axis),
///    Cast to float;
///  - ReduceMean/Sum/Max/Min/SumSquare/L1/L2/LogSum/LogSumExp;
///  - Transpose, Slice, Squeeze, Unsqueeze, Split (one slice per output), Pad
///    (constant/reflect/edge), Gather with constant indices, Concat, Flatten, Reshape,
///    Resize/Upsample (nearest or linear; half_pixel, pytorch_half_pixel, align_corners
///    and asymmetric coordinates; integer nearest upscaling stays pixel replication).
/// Dropout and Identity are removed. The node patterns exporters write for Silu,
/// HardSwish, Gelu and LayerNorm fold into those ops (see onnx_import_fusion.h).
/// Constant, Shape, Size, Gather, Unsqueeze, Squeeze, Concat, Cast, Slice, Split, Reshape,
/// Flatten, Transpose, Expand, Tile, Range, Where, comparisons, reductions, unary math,
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
