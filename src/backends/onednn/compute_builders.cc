#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/onednn/builders.h"
#include "backends/onednn/eltwise_map.h"
#include "ir/op_semantics.h"

namespace edgebench::backends::onednn {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;

namespace {

const ir::Shape& ShapeOf(const PlanBuilder& plan, ir::ValueId id) {
  return plan.graph().value(id).shape;
}

// dims left-padded with ones to `rank` (NumPy broadcasting aligns trailing dims).
memory::dims Aligned(const ir::Shape& shape, size_t rank) {
  memory::dims dims(shape.begin(), shape.end());
  dims.insert(dims.begin(), rank - dims.size(), 1);
  return dims;
}

algorithm BinaryAlgorithm(ir::OpKind op) {
  switch (op) {
    case ir::OpKind::kAdd:
      return algorithm::binary_add;
    case ir::OpKind::kSub:
      return algorithm::binary_sub;
    case ir::OpKind::kMul:
      return algorithm::binary_mul;
    case ir::OpKind::kDiv:
      return algorithm::binary_div;
    case ir::OpKind::kMaximum:
      return algorithm::binary_max;
    case ir::OpKind::kMinimum:
      return algorithm::binary_min;
    default:
      throw std::runtime_error(fmt::format("{} is not a oneDNN binary op", ir::OpName(op)));
  }
}

// Output dims of a reduction or pooling result kept with every reduced dim as 1.
memory::dims KeptDims(const ir::Shape& input, const std::vector<int64_t>& axes) {
  memory::dims dims = DimsOf(input);
  for (int64_t axis : axes) dims[static_cast<size_t>(axis)] = 1;
  return dims;
}

// A pooling primitive over the trailing spatial dims; src keeps its producer's layout.
void AddPooling(PlanBuilder& plan, const ir::Node& node, const memory& src, algorithm alg,
                const memory::dims& kernel, const memory::dims& strides,
                const memory::dims& pads_begin, const memory::dims& pads_end) {
  const ir::ValueId y = node.outputs.front();
  dnnl::pooling_forward::desc desc(prop_kind::forward_inference, alg, src.get_desc(),
                                   AnyDesc(DimsOf(ShapeOf(plan, y))), strides, kernel, pads_begin,
                                   pads_end);
  dnnl::pooling_forward::primitive_desc pd(desc, plan.engine());
  memory dst = plan.NewMemory(pd.dst_desc());
  plan.AddStep(dnnl::pooling_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  plan.Set(y, dst, true);
}

}  // namespace

void BuildEltwise(PlanBuilder& plan, const ir::Node& node) {
  std::string why;
  const auto chain = EltwiseChainFor(plan.graph(), node, why);
  if (!chain) throw std::runtime_error(why);
  memory current = plan.Get(node.inputs[0]);
  for (const EltwiseOp& op : *chain) {
    dnnl::eltwise_forward::desc desc(prop_kind::forward_inference, op.algorithm, current.get_desc(),
                                     op.alpha, op.beta);
    dnnl::eltwise_forward::primitive_desc pd(desc, plan.engine());
    memory dst = plan.NewMemory(pd.dst_desc());
    plan.AddStep(dnnl::eltwise_forward(pd), {{DNNL_ARG_SRC, current}, {DNNL_ARG_DST, dst}});
    current = dst;
  }
  plan.Set(node.outputs.front(), current, true);
}

void BuildBinary(PlanBuilder& plan, const ir::Node& node) {
  const algorithm alg = BinaryAlgorithm(node.op);
  const ir::ValueId y = node.outputs.front();
  const ir::Shape& out = ShapeOf(plan, y);
  ir::ValueId a = node.inputs[0];
  ir::ValueId b = node.inputs[1];
  if (ShapeOf(plan, a) == out && ShapeOf(plan, b) == out) {
    // No broadcast: both operands stay in their producers' layouts.
    // The second operand follows the first's layout, which keeps the primitive on a jit
    // kernel (mixed layouts fall back to the reference one).
    const memory src0 = plan.Get(a);
    const memory src1 = plan.InLayout(b, src0.get_desc());
    dnnl::binary::desc desc(alg, src0.get_desc(), src1.get_desc(), src0.get_desc());
    dnnl::binary::primitive_desc pd(desc, plan.engine());
    memory dst = plan.NewMemory(pd.dst_desc());
    plan.AddStep(dnnl::binary(pd),
                 {{DNNL_ARG_SRC_0, src0}, {DNNL_ARG_SRC_1, src1}, {DNNL_ARG_DST, dst}});
    plan.Set(y, dst, true);
    return;
  }
  const size_t rank = std::max<size_t>(out.size(), 1);
  const memory::dims out_dims = DimsOf(out);
  memory::dims a_dims = Aligned(ShapeOf(plan, a), rank);
  memory::dims b_dims = Aligned(ShapeOf(plan, b), rank);
  const bool commutative = alg == algorithm::binary_add || alg == algorithm::binary_mul ||
                           alg == algorithm::binary_max || alg == algorithm::binary_min;
  if (a_dims != out_dims && b_dims == out_dims && commutative) {
    std::swap(a, b);
    std::swap(a_dims, b_dims);
  }
  // oneDNN broadcasts only the second source; a first source smaller than the output is
  // first expanded by adding it to zeros (exact: x + 0 == x).
  memory src0 = plan.PlainView(a, a_dims);
  if (a_dims != out_dims) {
    const memory zeros = plan.ConstantMemory(
        std::vector<float>(static_cast<size_t>(ir::ElementCount(out)), 0.0f), out_dims);
    dnnl::binary::desc desc(algorithm::binary_add, zeros.get_desc(), src0.get_desc(),
                            zeros.get_desc());
    dnnl::binary::primitive_desc pd(desc, plan.engine());
    memory expanded = plan.NewMemory(zeros.get_desc());
    plan.AddStep(dnnl::binary(pd),
                 {{DNNL_ARG_SRC_0, zeros}, {DNNL_ARG_SRC_1, src0}, {DNNL_ARG_DST, expanded}});
    src0 = expanded;
  }
  const memory src1 = plan.PlainView(b, b_dims);
  dnnl::binary::desc desc(alg, src0.get_desc(), src1.get_desc(), PlainDesc(out_dims));
  dnnl::binary::primitive_desc pd(desc, plan.engine());
  memory dst = plan.NewMemory(pd.dst_desc());
  plan.AddStep(dnnl::binary(pd),
               {{DNNL_ARG_SRC_0, src0}, {DNNL_ARG_SRC_1, src1}, {DNNL_ARG_DST, dst}});
  plan.Set(y, dst, true);
}

void BuildBatchNorm(PlanBuilder& plan, const ir::Node& node) {
  const memory src = plan.Get(node.inputs[0]);
  const float epsilon = std::get<ir::BatchNormAttrs>(node.attrs).epsilon;
  dnnl::batch_normalization_forward::desc desc(
      prop_kind::forward_inference, src.get_desc(), epsilon,
      dnnl::normalization_flags::use_global_stats | dnnl::normalization_flags::use_scale |
          dnnl::normalization_flags::use_shift);
  dnnl::batch_normalization_forward::primitive_desc pd(desc, plan.engine());
  memory dst = plan.NewMemory(pd.dst_desc());
  plan.AddStep(dnnl::batch_normalization_forward(pd),
               {{DNNL_ARG_SRC, src},
                {DNNL_ARG_SCALE, plan.Get(node.inputs[1])},
                {DNNL_ARG_SHIFT, plan.Get(node.inputs[2])},
                {DNNL_ARG_MEAN, plan.Get(node.inputs[3])},
                {DNNL_ARG_VARIANCE, plan.Get(node.inputs[4])},
                {DNNL_ARG_DST, dst}});
  plan.Set(node.outputs.front(), dst, true);
}

void BuildPool(PlanBuilder& plan, const ir::Node& node) {
  const auto& attrs = std::get<ir::PoolAttrs>(node.attrs);
  const ir::Shape& x = ShapeOf(plan, node.inputs[0]);
  const ir::Shape& y = ShapeOf(plan, node.outputs.front());
  // oneDNN derives the output extent by floor division; a ceil-mode extent is reached by
  // widening the end padding just enough, which max pooling and padding-excluding
  // averages ignore.
  memory::dims pads_end;
  bool overhang = false;
  for (size_t i = 0; i < attrs.kernel.size(); ++i) {
    const int64_t needed =
        (y[2 + i] - 1) * attrs.strides[i] + attrs.kernel[i] - x[2 + i] - attrs.pads_begin[i];
    overhang = overhang || needed > attrs.pads_end[i];
    pads_end.push_back(std::max(attrs.pads_end[i], needed));
  }
  if (node.op == ir::OpKind::kMaxPool) {
    AddPooling(plan, node, plan.Get(node.inputs[0]), algorithm::pooling_max, attrs.kernel,
               attrs.strides, attrs.pads_begin, pads_end);
  } else if (!attrs.count_include_pad || !overhang) {
    AddPooling(plan, node, plan.Get(node.inputs[0]),
               attrs.count_include_pad ? algorithm::pooling_avg_include_padding
                                       : algorithm::pooling_avg_exclude_padding,
               attrs.kernel, attrs.strides, attrs.pads_begin, pads_end);
  } else {
    // The IR counts the explicit padding in the divisor but not a ceil-mode overhang past
    // it, while oneDNN's include_padding divides by the whole kernel. Zero padding made
    // real data, then averaged excluding only the overhang, divides by exactly that.
    memory::dims begin(2, 0);
    memory::dims end(2, 0);
    memory::dims overhang_pads;
    for (size_t i = 0; i < attrs.kernel.size(); ++i) {
      begin.push_back(attrs.pads_begin[i]);
      end.push_back(attrs.pads_end[i]);
      overhang_pads.push_back(pads_end[i] - attrs.pads_end[i]);
    }
    const memory padded = PaddedCopy(plan, node.inputs[0], begin, end, 0.0f);
    AddPooling(plan, node, padded, algorithm::pooling_avg_exclude_padding, attrs.kernel,
               attrs.strides, memory::dims(attrs.kernel.size(), 0), overhang_pads);
  }
}

void BuildGlobalAvgPool(PlanBuilder& plan, const ir::Node& node) {
  const ir::Shape& x = ShapeOf(plan, node.inputs[0]);
  const memory::dims kernel(x.begin() + 2, x.end());
  const memory::dims ones(kernel.size(), 1);
  const memory::dims zeros(kernel.size(), 0);
  AddPooling(plan, node, plan.Get(node.inputs[0]), algorithm::pooling_avg_exclude_padding, kernel,
             ones, zeros, zeros);
}

void BuildSoftmax(PlanBuilder& plan, const ir::Node& node) {
  const memory src = plan.Plain(node.inputs[0]);
  const ir::Shape& x = ShapeOf(plan, node.inputs[0]);
  const auto axis = static_cast<int>(ir::NormalizeAxis(std::get<ir::SoftmaxAttrs>(node.attrs).axis,
                                                       std::max<size_t>(x.size(), 1)));
  dnnl::softmax_forward::desc desc(prop_kind::forward_inference, src.get_desc(), axis);
  dnnl::softmax_forward::primitive_desc pd(desc, plan.engine());
  memory dst = plan.NewMemory(pd.dst_desc());
  plan.AddStep(dnnl::softmax_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  plan.Set(node.outputs.front(), dst, true);
}

void BuildLrn(PlanBuilder& plan, const ir::Node& node) {
  const auto& attrs = std::get<ir::LrnAttrs>(node.attrs);
  // Any layout: oneDNN's LRN kernels read the blocked layouts convolutions leave.
  const memory src = plan.Get(node.inputs[0]);
  dnnl::lrn_forward::desc desc(prop_kind::forward_inference, algorithm::lrn_across_channels,
                               src.get_desc(), attrs.size, attrs.alpha, attrs.beta, attrs.bias);
  dnnl::lrn_forward::primitive_desc pd(desc, plan.engine());
  memory dst = plan.NewMemory(pd.dst_desc());
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}};
  if (pd.workspace_desc().get_size() != 0) {
    args[DNNL_ARG_WORKSPACE] = plan.NewMemory(pd.workspace_desc());
  }
  plan.AddStep(dnnl::lrn_forward(pd), std::move(args));
  plan.Set(node.outputs.front(), dst, true);
}

void BuildLayerNorm(PlanBuilder& plan, const ir::Node& node) {
  const auto& attrs = std::get<ir::LayerNormAttrs>(node.attrs);
  const ir::Shape& x = ShapeOf(plan, node.inputs[0]);
  const auto axis = static_cast<size_t>(ir::NormalizeAxis(attrs.axis, x.size()));
  int64_t rows = 1;
  int64_t columns = 1;
  for (size_t i = 0; i < x.size(); ++i) (i < axis ? rows : columns) *= x[i];
  // oneDNN normalizes over the last dim: the IR's trailing dims become one.
  const memory src = plan.PlainView(node.inputs[0], {rows, columns});
  const bool has_bias = node.inputs.size() > 2;
  auto flags = dnnl::normalization_flags::use_scale;
  if (has_bias) flags = flags | dnnl::normalization_flags::use_shift;
  dnnl::layer_normalization_forward::desc desc(prop_kind::forward_inference, src.get_desc(),
                                               attrs.epsilon, flags);
  dnnl::layer_normalization_forward::primitive_desc pd(desc, plan.engine());
  memory dst = plan.NewMemory(pd.dst_desc());
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src},
                                       {DNNL_ARG_DST, dst},
                                       {DNNL_ARG_SCALE, plan.PlainView(node.inputs[1], {columns})}};
  if (has_bias) args[DNNL_ARG_SHIFT] = plan.PlainView(node.inputs[2], {columns});
  plan.AddStep(dnnl::layer_normalization_forward(pd), std::move(args));
  plan.Set(node.outputs.front(), memory(PlainDesc(x), plan.engine(), dst.get_data_handle()), false);
}

void BuildReduce(PlanBuilder& plan, const ir::Node& node) {
  const auto& attrs = std::get<ir::ReduceAttrs>(node.attrs);
  const ir::Shape& x = ShapeOf(plan, node.inputs[0]);
  std::vector<int64_t> axes = ir::NormalizeAxes(attrs.axes, x.size());
  if (axes.empty()) {
    for (size_t i = 0; i < x.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  }
  const algorithm alg = node.op == ir::OpKind::kReduceMean  ? algorithm::reduction_mean
                        : node.op == ir::OpKind::kReduceSum ? algorithm::reduction_sum
                                                            : algorithm::reduction_max;
  const memory src = plan.Plain(node.inputs[0]);
  const memory::desc dst_desc = PlainDesc(KeptDims(x, axes));
  dnnl::reduction::desc desc(alg, src.get_desc(), dst_desc, 0.0f, 0.0f);
  dnnl::reduction::primitive_desc pd(desc, plan.engine());
  memory dst = plan.NewMemory(dst_desc);
  plan.AddStep(dnnl::reduction(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  const ir::ValueId y = node.outputs.front();
  plan.Set(y, memory(PlainDesc(ShapeOf(plan, y)), plan.engine(), dst.get_data_handle()), false);
}

void BuildResize(PlanBuilder& plan, const ir::Node& node) {
  const bool linear = node.op == ir::OpKind::kResize &&
                      std::get<ir::ResizeAttrs>(node.attrs).mode == ir::ResizeMode::kLinear;
  // The source keeps its producer's layout and the result follows it, so a following
  // concat with convolution outputs (YOLO's route) meets one layout.
  const memory src = plan.Get(node.inputs[0]);
  const ir::ValueId y = node.outputs.front();
  dnnl::resampling_forward::desc desc(
      prop_kind::forward_inference,
      linear ? algorithm::resampling_linear : algorithm::resampling_nearest, src.get_desc(),
      AnyDesc(DimsOf(ShapeOf(plan, y))));
  dnnl::resampling_forward::primitive_desc pd(desc, plan.engine());
  memory dst = plan.NewMemory(pd.dst_desc());
  plan.AddStep(dnnl::resampling_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  plan.Set(y, dst, true);
}

}  // namespace edgebench::backends::onednn
