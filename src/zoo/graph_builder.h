#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace edgebench::zoo {

using ir::Shape;
using ir::ValueId;

/// Spatial padding of a convolution or pooling window.
struct Padding {
  std::vector<int64_t> begin;
  std::vector<int64_t> end;
};

/// Symmetric padding `pad` on each of `rank` spatial dims.
Padding Symmetric(int64_t pad, size_t rank = 2);

/// TensorFlow/Keras "same" padding for this input extent, kernel and stride: the extra
/// pixel, when the total is odd, goes at the end (asymmetric).
Padding Same(const Shape& input, const std::vector<int64_t>& kernel,
             const std::vector<int64_t>& strides);

/// Builds a graph op by op, inferring each output shape as it goes (so a model builder
/// can size its weights from the running shape) and attaching seeded-weight descriptors
/// to every constant. Weight data is not allocated here.
class GraphBuilder {
 public:
  GraphBuilder(std::string model_name, Shape input_shape);

  ValueId input() const { return input_; }
  const Shape& shape(ValueId value) const { return graph_.value(value).shape; }
  int64_t channels(ValueId value) const { return shape(value)[1]; }

  struct ConvSpec {
    int64_t out_channels = 0;
    std::vector<int64_t> kernel;
    std::vector<int64_t> strides;    // empty = 1 per dim
    Padding padding;                 // empty = no padding
    std::vector<int64_t> dilations;  // empty = 1 per dim
    int64_t groups = 1;
    bool bias = true;
  };
  ValueId Conv(const std::string& name, ValueId x, const ConvSpec& spec);
  /// Square 2-D convolution with symmetric padding.
  ValueId Conv2d(const std::string& name, ValueId x, int64_t out_channels, int64_t kernel,
                 int64_t stride = 1, int64_t pad = 0, bool bias = true, int64_t groups = 1);

  /// Batch norm; `scale_gain` multiplies the generated gamma (used to damp residual
  /// branches so activations stay in range through deep networks).
  ValueId BatchNorm(const std::string& name, ValueId x, float epsilon = 1e-5f,
                    float scale_gain = 1.0f);
  ValueId Relu(const std::string& name, ValueId x);
  ValueId Relu6(const std::string& name, ValueId x);
  ValueId LeakyRelu(const std::string& name, ValueId x, float alpha);
  ValueId Sigmoid(const std::string& name, ValueId x);
  ValueId Softmax(const std::string& name, ValueId x, int64_t axis = 1);

  ValueId MaxPool(const std::string& name, ValueId x, std::vector<int64_t> kernel,
                  std::vector<int64_t> strides, Padding padding = {}, bool ceil_mode = false);
  ValueId AvgPool(const std::string& name, ValueId x, std::vector<int64_t> kernel,
                  std::vector<int64_t> strides, Padding padding = {}, bool ceil_mode = false,
                  bool count_include_pad = false);
  ValueId GlobalAvgPool(const std::string& name, ValueId x);

  ValueId FullyConnected(const std::string& name, ValueId x, int64_t out_features,
                         bool bias = true);
  ValueId Add(const std::string& name, ValueId a, ValueId b);
  ValueId Concat(const std::string& name, std::vector<ValueId> xs, int64_t axis = 1);
  ValueId Flatten(const std::string& name, ValueId x, int64_t axis = 1);
  ValueId Reshape(const std::string& name, ValueId x, std::vector<int64_t> shape);
  ValueId Upsample(const std::string& name, ValueId x, std::vector<int64_t> scales);
  ValueId Lrn(const std::string& name, ValueId x, int64_t size, float alpha, float beta,
              float bias);

  struct ConvTransposeSpec {
    int64_t out_channels = 0;  // must be divisible by groups
    std::vector<int64_t> kernel;
    std::vector<int64_t> strides;         // empty = 1 per dim
    Padding padding;                      // empty = no padding
    std::vector<int64_t> output_padding;  // empty = 0 per dim
    std::vector<int64_t> dilations;       // empty = 1 per dim
    int64_t groups = 1;
    bool bias = true;
  };
  /// Transposed convolution; the weight is [in_channels, out_channels / groups, kernel...].
  ValueId ConvTranspose(const std::string& name, ValueId x, const ConvTransposeSpec& spec);
  /// Layer normalization over the dims from `axis` to the end, with seeded scale and bias.
  ValueId LayerNorm(const std::string& name, ValueId x, int64_t axis = -1, float epsilon = 1e-5f);

  /// A constant tensor of seeded values uniform in [center - half_width, center +
  /// half_width): half_width 0 fills it with `center` (e.g. an exponent or an offset that
  /// keeps a Log input positive). For operands of ops that have no helper of their own.
  ValueId Constant(const std::string& name, Shape shape, ir::WeightInit init,
                   ir::WeightRole role = ir::WeightRole::kWeight);
  /// Any op with explicit attributes and inputs: the generic emitter for ops without a
  /// helper of their own. The output shape is inferred as for every other op.
  ValueId Op(const std::string& name, ir::OpKind op, ir::Attrs attrs, std::vector<ValueId> inputs);

  /// The usual classifier head: global average pool, flatten, fully connected layer
  /// named "fc" with `classes` outputs, softmax "prob". Returns the probabilities.
  ValueId GlobalPoolClassifier(ValueId features, int64_t classes);

  /// Marks outputs and returns the finished graph; the builder is spent afterwards.
  ir::Graph Finish(const std::vector<ValueId>& outputs);

 private:
  ValueId Emit(const std::string& name, ir::OpKind op, ir::Attrs attrs,
               std::vector<ValueId> inputs);
  ValueId Weight(const std::string& name, Shape shape, ir::WeightRole role, ir::WeightInit init);

  ir::Graph graph_;
  ValueId input_;
};

}  // namespace edgebench::zoo
