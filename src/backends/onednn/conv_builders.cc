#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/onednn/builders.h"
#include "backends/onednn/reduced_precision.h"

namespace edgebench::backends::onednn {

using dnnl::memory;

namespace {

const std::vector<float>& ConstantData(const ir::Graph& graph, ir::ValueId id) {
  const ir::Value& value = graph.value(id);
  if (value.kind != ir::ValueKind::kConstant ||
      static_cast<int64_t>(value.data.size()) != ir::ElementCount(value.shape)) {
    throw std::runtime_error(fmt::format("'{}' must be a materialized constant", value.name));
  }
  return value.data;
}

// oneDNN counts dilation from 0 (no dilation), the IR from 1.
memory::dims MinusOne(const std::vector<int64_t>& values) {
  memory::dims result;
  for (int64_t v : values) result.push_back(v - 1);
  return result;
}

ir::ValueId ResidualOperand(const FusedChain* chain) {
  if (chain == nullptr) return ir::kNoId;
  for (const PostOp& op : chain->post_ops) {
    if (op.sum_operand != ir::kNoId) return op.sum_operand;
  }
  return ir::kNoId;
}

// The chain's post-ops. The residual Add becomes a sum (accumulating into dst) or, when
// `binary_operand` is given, a binary add reading that operand; `binary_index` is then
// its position among the post-ops.
dnnl::primitive_attr ChainAttr(const FusedChain* chain, const memory::desc* binary_operand,
                               int& binary_index) {
  dnnl::primitive_attr attr;
  if (chain == nullptr) return attr;
  dnnl::post_ops ops;
  for (const PostOp& op : chain->post_ops) {
    if (op.sum_operand != ir::kNoId && binary_operand != nullptr) {
      binary_index = ops.len();
      ops.append_binary(dnnl::algorithm::binary_add, *binary_operand);
    } else if (op.sum_operand != ir::kNoId) {
      ops.append_sum(1.0f);
    } else {
      for (const EltwiseOp& e : op.eltwise) ops.append_eltwise(1.0f, e.algorithm, e.alpha, e.beta);
    }
  }
  attr.set_post_ops(ops);
  return attr;
}

// Creates the chain's primitive descriptor and its destination. A residual Add is
// computed, in order of preference, as a sum into the other operand's own buffer (when
// nobody else reads it and its layout fits), as a binary post-op reading the operand (when
// the kernel stays the one oneDNN picks without it), or as a sum into a copy of the operand made by
// a reorder step each run.
template <typename PrimitiveDesc, typename MakePd>
PrimitiveDesc ChainPrimitive(PlanBuilder& plan, const FusedChain* chain, MakePd make_pd,
                             std::unordered_map<int, memory>& args) {
  int unused = -1;
  const PrimitiveDesc sum_pd = make_pd(ChainAttr(chain, nullptr, unused));
  const ir::ValueId operand = ResidualOperand(chain);
  if (operand == ir::kNoId) {
    args[DNNL_ARG_DST] = plan.NewMemory(sum_pd.dst_desc());
    return sum_pd;
  }
  const memory current = plan.Get(operand);
  if (plan.IsExclusive(operand) && plan.Readers(operand) == 1 &&
      current.get_desc() == sum_pd.dst_desc()) {
    plan.MarkShared(operand);
    args[DNNL_ARG_DST] = current;
    return sum_pd;
  }
  try {
    int index = -1;
    const memory::desc operand_desc = current.get_desc();
    const PrimitiveDesc binary_pd = make_pd(ChainAttr(chain, &operand_desc, index));
    // Only when the post-op keeps the kernel (and layout) oneDNN picked without it: a
    // binary operand it cannot read in that kernel sends it to a slower one.
    if (std::string(binary_pd.impl_info_str()) == sum_pd.impl_info_str() &&
        binary_pd.dst_desc() == sum_pd.dst_desc()) {
      args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1] = current;
      args[DNNL_ARG_DST] = plan.NewMemory(binary_pd.dst_desc());
      return binary_pd;
    }
  } catch (const dnnl::error&) {
    // No implementation takes this binary post-op: the copy below always works.
  }
  memory dst = plan.NewMemory(sum_pd.dst_desc());
  plan.AddReorder(current, dst);
  args[DNNL_ARG_DST] = dst;
  return sum_pd;
}

// Folds an inference BatchNorm into the convolution's weights and bias:
// w' = w * s, b' = (b - mean) * s + beta with s = gamma / sqrt(var + eps).
void FoldBatchNorm(const ir::Graph& graph, const ir::Node& bn, int64_t out_channels,
                   std::vector<float>& weights, std::vector<float>& bias) {
  const std::vector<float>& gamma = ConstantData(graph, bn.inputs[1]);
  const std::vector<float>& beta = ConstantData(graph, bn.inputs[2]);
  const std::vector<float>& mean = ConstantData(graph, bn.inputs[3]);
  const std::vector<float>& variance = ConstantData(graph, bn.inputs[4]);
  const double epsilon = std::get<ir::BatchNormAttrs>(bn.attrs).epsilon;
  const size_t per_channel = weights.size() / static_cast<size_t>(out_channels);
  for (size_t o = 0; o < static_cast<size_t>(out_channels); ++o) {
    const double scale = gamma[o] / std::sqrt(static_cast<double>(variance[o]) + epsilon);
    for (size_t i = 0; i < per_channel; ++i) {
      float& w = weights[o * per_channel + i];
      w = static_cast<float>(w * scale);
    }
    bias[o] = static_cast<float>((bias[o] - mean[o]) * scale + beta[o]);
  }
}

}  // namespace

void BuildConv(PlanBuilder& plan, const ir::Node& node, const FusedChain* chain) {
  const ir::Graph& graph = plan.graph();
  const auto& attrs = std::get<ir::ConvAttrs>(node.attrs);
  const ir::Shape& x_shape = graph.value(node.inputs[0]).shape;
  const ir::Shape& w_shape = graph.value(node.inputs[1]).shape;
  const ir::ValueId y = node.outputs.front();
  const int64_t out_channels = w_shape[0];

  std::vector<float> weights = ConstantData(graph, node.inputs[1]);
  const bool has_bias = node.inputs.size() > 2;
  std::vector<float> bias = has_bias ? ConstantData(graph, node.inputs[2])
                                     : std::vector<float>(static_cast<size_t>(out_channels), 0.0f);
  const bool fold = chain != nullptr && chain->batch_norm != ir::kNoId;
  if (fold) FoldBatchNorm(graph, graph.node(chain->batch_norm), out_channels, weights, bias);

  memory::dims w_dims = DimsOf(w_shape);
  if (attrs.groups > 1) {
    // [O, C/g, k...] read as [g, O/g, C/g, k...]: the same bytes.
    w_dims.insert(w_dims.begin(), attrs.groups);
    w_dims[1] /= attrs.groups;
  }
  const memory::dims y_dims = DimsOf(graph.value(y).shape);
  const ComputeTypes types = ComputeTypesFor(plan.precision());
  std::optional<Int8Layer> int8;
  if (plan.precision() == ComputePrecision::kInt8) {
    int8 = Int8LayerOf(graph, node, weights, fold, out_channels);
  }
  // An int8 layer always has a bias: it carries the src zero point's share.
  const bool use_bias = has_bias || fold || int8.has_value();
  const memory::desc bias_desc = use_bias ? PlainDesc(memory::dims{out_channels}) : memory::desc();
  // The src zero point's share of each output is the same everywhere -- and so folds into
  // the bias -- only if padding reads the zero point too: an int8 input with a zero point
  // is padded here with real zeros (which quantize to it exactly), the convolution then
  // pads nothing.
  memory::dims src_dims = DimsOf(x_shape);
  memory::dims pads_begin = attrs.pads_begin;
  memory::dims pads_end = attrs.pads_end;
  std::optional<memory> padded;
  const auto nonzero = [](int64_t pad) { return pad != 0; };
  if (int8 && int8->src_zero_point != 0 &&
      (std::any_of(pads_begin.begin(), pads_begin.end(), nonzero) ||
       std::any_of(pads_end.begin(), pads_end.end(), nonzero))) {
    memory::dims begin{0, 0};
    memory::dims end{0, 0};
    begin.insert(begin.end(), pads_begin.begin(), pads_begin.end());
    end.insert(end.end(), pads_end.begin(), pads_end.end());
    padded = PaddedCopy(plan, node.inputs[0], begin, end, 0.0f);
    src_dims = padded->get_desc().dims();
    std::fill(pads_begin.begin(), pads_begin.end(), 0);
    std::fill(pads_end.begin(), pads_end.end(), 0);
  }
  dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
      AnyDesc(src_dims, types.src), AnyDesc(w_dims, types.weights), bias_desc, AnyDesc(y_dims),
      attrs.strides, MinusOne(attrs.dilations), pads_begin, pads_end);
  std::unordered_map<int, memory> args;
  const auto pd = ChainPrimitive<dnnl::convolution_forward::primitive_desc>(
      plan, chain,
      [&](const dnnl::primitive_attr& chain_attr) {
        dnnl::primitive_attr attr = chain_attr;  // a handle: this adds to the chain's own
        if (int8) AddInt8OutputScales(attr, *int8);
        return dnnl::convolution_forward::primitive_desc(desc, attr, plan.engine());
      },
      args);
  plan.RecordKernel(std::string(pd.impl_info_str()) +
                        (int8 && int8->seven_bit_weights ? " (7-bit weights: no VNNI)" : ""),
                    PrecisionOfSource(pd.src_desc()));
  if (plan.precision() == ComputePrecision::kFp32) {
    args[DNNL_ARG_SRC] = plan.InLayout(node.inputs[0], pd.src_desc());
  } else {
    args[DNNL_ARG_SRC] =
        ConvertInput(plan, padded ? *padded : plan.Get(node.inputs[0]), pd.src_desc(), int8);
  }
  if (int8) {
    const std::vector<int8_t> quantized = QuantizeWeights(weights, int8->weight_scales);
    args[DNNL_ARG_WEIGHTS] =
        plan.ReorderNow(S8Memory(plan.engine(), quantized, w_dims), pd.weights_desc());
    const std::vector<int64_t> sums = ChannelSums(quantized, out_channels);
    bias = AccumulatorBias(bias, *int8, sums);
  } else {
    // A reorder into a bf16 layout converts the fp32 weights as it packs them.
    args[DNNL_ARG_WEIGHTS] =
        plan.ReorderNow(plan.ConstantMemory(weights, w_dims), pd.weights_desc());
  }
  if (use_bias) args[DNNL_ARG_BIAS] = plan.ConstantMemory(bias, {out_channels});
  const memory dst = args.at(DNNL_ARG_DST);
  plan.AddStep(dnnl::convolution_forward(pd), std::move(args));
  plan.Set(chain != nullptr ? chain->output : y, dst, true);
}

void BuildConvTranspose(PlanBuilder& plan, const ir::Node& node) {
  const ir::Graph& graph = plan.graph();
  const auto& attrs = std::get<ir::ConvTransposeAttrs>(node.attrs);
  const ir::Shape& x_shape = graph.value(node.inputs[0]).shape;
  const ir::Shape& w_shape = graph.value(node.inputs[1]).shape;  // [C, O/g, k...]
  const ir::ValueId y = node.outputs.front();
  const int64_t groups = attrs.groups;
  const int64_t in_per_group = w_shape[0] / groups;
  const int64_t out_per_group = w_shape[1];
  int64_t kernel_volume = 1;
  for (size_t i = 2; i < w_shape.size(); ++i) kernel_volume *= w_shape[i];

  // oneDNN's logical weights are [g, O/g, C/g, k...]; the IR stores [C, O/g, k...], so the
  // user memory is that logical order with the IR's strides.
  memory::dims dims{groups, out_per_group, in_per_group};
  memory::dims strides{in_per_group * out_per_group * kernel_volume, kernel_volume,
                       out_per_group * kernel_volume};
  const memory::dims spatial(w_shape.begin() + 2, w_shape.end());
  const memory::dims spatial_strides = PlainStrides(spatial);
  dims.insert(dims.end(), spatial.begin(), spatial.end());
  strides.insert(strides.end(), spatial_strides.begin(), spatial_strides.end());
  if (groups == 1) {
    dims.erase(dims.begin());
    strides.erase(strides.begin());
  }
  const memory::desc user_weights(dims, memory::data_type::f32, strides);

  memory::dims pads_end;
  for (size_t i = 0; i < attrs.pads_end.size(); ++i) {
    pads_end.push_back(attrs.pads_end[i] -
                       (attrs.output_padding.empty() ? 0 : attrs.output_padding[i]));
  }
  const int64_t out_channels = out_per_group * groups;
  const bool has_bias = node.inputs.size() > 2;
  const memory::desc bias_desc = has_bias ? PlainDesc(memory::dims{out_channels}) : memory::desc();
  dnnl::deconvolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
      AnyDesc(DimsOf(x_shape)), AnyDesc(dims), bias_desc, AnyDesc(DimsOf(graph.value(y).shape)),
      attrs.strides, MinusOne(attrs.dilations), attrs.pads_begin, pads_end);
  dnnl::deconvolution_forward::primitive_desc pd(desc, plan.engine());

  const std::vector<float>& weights = ConstantData(graph, node.inputs[1]);
  memory user(user_weights, plan.engine());
  std::copy(weights.begin(), weights.end(), static_cast<float*>(user.get_data_handle()));
  std::unordered_map<int, memory> args;
  args[DNNL_ARG_SRC] = plan.InLayout(node.inputs[0], pd.src_desc());
  args[DNNL_ARG_WEIGHTS] = plan.ReorderNow(user, pd.weights_desc());
  if (has_bias) {
    args[DNNL_ARG_BIAS] = plan.ConstantMemory(ConstantData(graph, node.inputs[2]), {out_channels});
  }
  memory dst = plan.NewMemory(pd.dst_desc());
  args[DNNL_ARG_DST] = dst;
  plan.AddStep(dnnl::deconvolution_forward(pd), std::move(args));
  plan.Set(y, dst, true);
}

void BuildFullyConnected(PlanBuilder& plan, const ir::Node& node, const FusedChain* chain) {
  const ir::Graph& graph = plan.graph();
  const ir::Shape& w_shape = graph.value(node.inputs[1]).shape;  // [O, K]
  const ir::ValueId y = node.outputs.front();
  const bool has_bias = node.inputs.size() > 2;
  const memory::dims w_dims = DimsOf(w_shape);
  const int64_t out_channels = w_shape[0];
  const std::vector<float>& weights = ConstantData(graph, node.inputs[1]);
  const ComputeTypes types = ComputeTypesFor(plan.precision());
  std::optional<Int8Layer> int8;
  if (plan.precision() == ComputePrecision::kInt8) {
    int8 = Int8LayerOf(graph, node, weights, false, out_channels);
  }
  // An int8 layer always has a bias: it carries the src zero point's share.
  const bool use_bias = has_bias || int8.has_value();
  const memory::desc bias_desc = use_bias ? PlainDesc(memory::dims{out_channels}) : memory::desc();
  const memory::desc src_desc = plan.precision() == ComputePrecision::kFp32
                                    ? plan.Plain(node.inputs[0]).get_desc()
                                    : AnyDesc(DimsOf(graph.value(node.inputs[0]).shape), types.src);
  dnnl::inner_product_forward::desc desc(dnnl::prop_kind::forward_inference, src_desc,
                                         AnyDesc(w_dims, types.weights), bias_desc,
                                         AnyDesc(DimsOf(graph.value(y).shape)));
  std::unordered_map<int, memory> args;
  const auto pd = ChainPrimitive<dnnl::inner_product_forward::primitive_desc>(
      plan, chain,
      [&](const dnnl::primitive_attr& chain_attr) {
        dnnl::primitive_attr attr = chain_attr;  // a handle: this adds to the chain's own
        if (int8) AddInt8OutputScales(attr, *int8);
        return dnnl::inner_product_forward::primitive_desc(desc, attr, plan.engine());
      },
      args);
  plan.RecordKernel(std::string(pd.impl_info_str()) +
                        (int8 && int8->seven_bit_weights ? " (7-bit weights: no VNNI)" : ""),
                    PrecisionOfSource(pd.src_desc()));
  if (plan.precision() == ComputePrecision::kFp32) {
    args[DNNL_ARG_SRC] = plan.InLayout(node.inputs[0], pd.src_desc());
  } else {
    args[DNNL_ARG_SRC] = ConvertInput(plan, plan.Get(node.inputs[0]), pd.src_desc(), int8);
  }
  std::vector<float> bias = has_bias ? ConstantData(graph, node.inputs[2])
                                     : std::vector<float>(static_cast<size_t>(out_channels), 0.0f);
  if (int8) {
    const std::vector<int8_t> quantized = QuantizeWeights(weights, int8->weight_scales);
    args[DNNL_ARG_WEIGHTS] =
        plan.ReorderNow(S8Memory(plan.engine(), quantized, w_dims), pd.weights_desc());
    bias = AccumulatorBias(bias, *int8, ChannelSums(quantized, out_channels));
  } else {
    args[DNNL_ARG_WEIGHTS] =
        plan.ReorderNow(plan.ConstantMemory(weights, w_dims), pd.weights_desc());
  }
  if (use_bias) args[DNNL_ARG_BIAS] = plan.ConstantMemory(bias, {out_channels});
  const memory dst = args.at(DNNL_ARG_DST);
  plan.AddStep(dnnl::inner_product_forward(pd), std::move(args));
  plan.Set(chain != nullptr ? chain->output : y, dst, true);
}

void BuildMatMul(PlanBuilder& plan, const ir::Node& node) {
  const ir::Graph& graph = plan.graph();
  memory::dims a = DimsOf(graph.value(node.inputs[0]).shape);
  memory::dims b = DimsOf(graph.value(node.inputs[1]).shape);
  // 1-D operands are promoted as NumPy does: a [K] -> [1, K], b [K] -> [K, 1].
  if (graph.value(node.inputs[0]).shape.size() == 1) a.insert(a.begin(), 1);
  if (graph.value(node.inputs[1]).shape.size() == 1) b.push_back(1);
  const size_t rank = std::max(a.size(), b.size());
  a.insert(a.begin(), rank - a.size(), 1);
  b.insert(b.begin(), rank - b.size(), 1);
  memory::dims c(rank);
  for (size_t i = 0; i + 2 < rank; ++i) c[i] = std::max(a[i], b[i]);
  c[rank - 2] = a[rank - 2];
  c[rank - 1] = b[rank - 1];

  const memory src = plan.PlainView(node.inputs[0], a);
  const memory weights = plan.PlainView(node.inputs[1], b);
  dnnl::matmul::desc desc(PlainDesc(a), PlainDesc(b), PlainDesc(c));
  dnnl::matmul::primitive_desc pd(desc, plan.engine());
  memory dst = plan.NewMemory(PlainDesc(c));
  plan.AddStep(dnnl::matmul(pd),
               {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}});
  const ir::ValueId y = node.outputs.front();
  plan.Set(y, memory(PlainDesc(graph.value(y).shape), plan.engine(), dst.get_data_handle()), false);
}

}  // namespace edgebench::backends::onednn
