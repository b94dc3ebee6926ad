#include "backends/libtorch/eager_modern_ops.h"

#include <stdexcept>
#include <variant>

#include "backends/libtorch/torch_session.h"

namespace edgebench::backends::libtorch {
namespace {

bool IsModern(ir::OpKind op) { return op >= ir::OpKind::kSub; }

void PlanResizeTensors(ModernPlan& plan, size_t rank, const c10::Device& device) {
  for (ResizeLowering::Axis& axis : plan.resize.axes) {
    const auto out = static_cast<int64_t>(axis.near.size());
    plan.tensors.push_back(IndexTensorFromHost(axis.near, device));
    if (!plan.resize.linear) continue;
    plan.tensors.push_back(IndexTensorFromHost(axis.far, device));
    // [out, 1, ...]: one weight per index of `dim`, broadcast over the dims after it.
    ir::Shape weight_shape(rank - static_cast<size_t>(axis.dim), 1);
    weight_shape.front() = out;
    plan.tensors.push_back(TensorFromHost(axis.far_weight, weight_shape, device));
  }
}

at::Tensor Reduce(const ir::Node& node, const ModernPlan& plan, const at::Tensor& x) {
  const bool keepdims = std::get<ir::ReduceAttrs>(node.attrs).keepdims;
  if (plan.dims.empty()) return x;  // a scalar reduces to itself
  if (node.op == ir::OpKind::kReduceMean) return at::mean(x, plan.dims, keepdims);
  if (node.op == ir::OpKind::kReduceSum) return at::sum(x, plan.dims, keepdims);
  return at::amax(x, plan.dims, keepdims);
}

at::Tensor Slice(const ModernPlan& plan, at::Tensor x) {
  if (!plan.slice.flip_dims.empty()) x = at::flip(x, plan.slice.flip_dims);
  for (const SliceLowering::Axis& axis : plan.slice.slices) {
    x = at::slice(x, axis.dim, axis.start, axis.end, axis.step);
  }
  return x;
}

at::Tensor Pad(const ir::Node& node, const ModernPlan& plan, const at::Tensor& x,
               const ir::Shape& output_shape) {
  const PadLowering& pad = plan.pad;
  if (pad.kernel_rank == 0) return x;
  if (pad.mode == ir::PadMode::kConstant) {
    return at::constant_pad_nd(x, pad.pads, std::get<ir::PadAttrs>(node.attrs).value);
  }
  const at::Tensor folded = x.reshape(pad.folded);
  at::Tensor y;
  const bool reflect = pad.mode == ir::PadMode::kReflect;
  switch (pad.kernel_rank) {
    case 1:
      y = reflect ? at::reflection_pad1d(folded, pad.pads)
                  : at::replication_pad1d(folded, pad.pads);
      break;
    case 2:
      y = reflect ? at::reflection_pad2d(folded, pad.pads)
                  : at::replication_pad2d(folded, pad.pads);
      break;
    case 3:
      y = reflect ? at::reflection_pad3d(folded, pad.pads)
                  : at::replication_pad3d(folded, pad.pads);
      break;
    default:
      throw std::logic_error("padding of more than three trailing dims was not refused");
  }
  return y.reshape(output_shape);
}

at::Tensor ConvTranspose(const ir::Node& node, const ModernPlan& plan,
                         const std::vector<at::Tensor>& values) {
  const auto& attrs = std::get<ir::ConvTransposeAttrs>(node.attrs);
  const at::Tensor& x = values[static_cast<size_t>(node.inputs[0])];
  const at::Tensor& weight = values[static_cast<size_t>(node.inputs[1])];
  const at::Tensor bias =
      node.inputs.size() > 2 ? values[static_cast<size_t>(node.inputs[2])] : at::Tensor();
  const ConvTransposeLowering& lowering = plan.conv_transpose;
  at::Tensor y;
  switch (attrs.strides.size()) {
    case 1:
      y = at::conv_transpose1d(x, weight, bias, attrs.strides, lowering.padding,
                               attrs.output_padding, attrs.groups, attrs.dilations);
      break;
    case 2:
      y = at::conv_transpose2d(x, weight, bias, attrs.strides, lowering.padding,
                               attrs.output_padding, attrs.groups, attrs.dilations);
      break;
    default:
      y = at::conv_transpose3d(x, weight, bias, attrs.strides, lowering.padding,
                               attrs.output_padding, attrs.groups, attrs.dilations);
      break;
  }
  for (size_t d = 0; d < lowering.narrow_start.size(); ++d) {
    if (lowering.narrow_start[d] < 0) continue;
    y = y.narrow(static_cast<int64_t>(2 + d), lowering.narrow_start[d], lowering.narrow_length[d]);
  }
  return y;
}

at::Tensor Resize(const ModernPlan& plan, const at::Tensor& x) {
  const ResizeLowering& resize = plan.resize;
  const at::IntArrayRef size(resize.output_size);
  auto scale = [&](size_t d) { return c10::optional<double>(resize.scales[d]); };
  const size_t rank = resize.output_size.size();
  switch (resize.kind) {
    case ResizeLowering::Kind::kUpsampleNearest:
      if (rank == 1) return at::upsample_nearest1d(x, size, scale(0));
      if (rank == 2) return at::upsample_nearest2d(x, size, scale(0), scale(1));
      return at::upsample_nearest3d(x, size, scale(0), scale(1), scale(2));
    case ResizeLowering::Kind::kUpsampleNearestExact:
      if (rank == 1) return at::_upsample_nearest_exact1d(x, size, scale(0));
      if (rank == 2) return at::_upsample_nearest_exact2d(x, size, scale(0), scale(1));
      return at::_upsample_nearest_exact3d(x, size, scale(0), scale(1), scale(2));
    case ResizeLowering::Kind::kUpsampleLinear: {
      const bool corners = resize.align_corners;
      if (rank == 1) return at::upsample_linear1d(x, size, corners, scale(0));
      if (rank == 2) return at::upsample_bilinear2d(x, size, corners, scale(0), scale(1));
      return at::upsample_trilinear3d(x, size, corners, scale(0), scale(1), scale(2));
    }
    case ResizeLowering::Kind::kGather:
      break;
  }
  at::Tensor y = x;
  size_t next = 0;  // plan.tensors in PlanResizeTensors' order
  for (const ResizeLowering::Axis& axis : resize.axes) {
    const at::Tensor& near = plan.tensors[next++];
    if (!resize.linear) {
      y = at::index_select(y, axis.dim, near);
      continue;
    }
    const at::Tensor& far = plan.tensors[next++];
    const at::Tensor& weight = plan.tensors[next++];
    y = at::lerp(at::index_select(y, axis.dim, near), at::index_select(y, axis.dim, far), weight);
  }
  return y;
}

}  // namespace

ModernPlan PlanModernOp(const ir::Graph& graph, const ir::Node& node, const c10::Device& device) {
  ModernPlan plan;
  if (!IsModern(node.op)) return plan;
  const ir::Shape& input = graph.value(node.inputs.front()).shape;
  const ir::Shape& output = graph.value(node.outputs.front()).shape;
  // Ops not listed need nothing beyond their attributes.
  const ir::OpKind op = node.op;
  if (op == ir::OpKind::kReduceMean || op == ir::OpKind::kReduceSum ||
      op == ir::OpKind::kReduceMax) {
    plan.dims = ReduceDims(std::get<ir::ReduceAttrs>(node.attrs), input.size());
  } else if (op == ir::OpKind::kTranspose) {
    plan.dims = TransposePermutation(std::get<ir::TransposeAttrs>(node.attrs), input.size());
  } else if (op == ir::OpKind::kSlice) {
    plan.slice = LowerSlice(std::get<ir::SliceAttrs>(node.attrs), input);
  } else if (op == ir::OpKind::kPad) {
    plan.pad = LowerPad(std::get<ir::PadAttrs>(node.attrs), input);
  } else if (op == ir::OpKind::kGather) {
    const GatherLowering gather = LowerGather(std::get<ir::GatherAttrs>(node.attrs), input);
    plan.gather_axis = gather.axis;
    plan.tensors.push_back(IndexTensorFromHost(gather.indices, device));
  } else if (op == ir::OpKind::kConvTranspose) {
    plan.conv_transpose = LowerConvTranspose(std::get<ir::ConvTransposeAttrs>(node.attrs), output);
  } else if (op == ir::OpKind::kResize) {
    plan.resize = LowerResize(std::get<ir::ResizeAttrs>(node.attrs), input, output);
    PlanResizeTensors(plan, input.size(), device);
  } else if (op == ir::OpKind::kLayerNorm) {
    const int64_t axis =
        ir::NormalizeAxis(std::get<ir::LayerNormAttrs>(node.attrs).axis, input.size());
    plan.dims.assign(input.begin() + static_cast<std::ptrdiff_t>(axis), input.end());
  }
  return plan;
}

at::Tensor RunModernOp(const ir::Node& node, const ModernPlan& plan,
                       const std::vector<at::Tensor>& values, const ir::Shape& output_shape) {
  auto in = [&](size_t i) -> const at::Tensor& {
    return values[static_cast<size_t>(node.inputs[i])];
  };
  const at::Tensor& x = in(0);
  switch (node.op) {
    case ir::OpKind::kSub:
      return at::sub(x, in(1));
    case ir::OpKind::kMul:
      return at::mul(x, in(1));
    case ir::OpKind::kDiv:
      return at::div(x, in(1));
    case ir::OpKind::kPow:
      return at::pow(x, in(1));
    case ir::OpKind::kMaximum:
      return at::maximum(x, in(1));
    case ir::OpKind::kMinimum:
      return at::minimum(x, in(1));
    case ir::OpKind::kHardSigmoid: {
      // ATen's hardsigmoid has alpha 1/6 and beta 1/2 built in; the IR's are attributes.
      const auto& attrs = std::get<ir::HardSigmoidAttrs>(node.attrs);
      return at::clamp(
          at::add(at::mul(x, static_cast<double>(attrs.alpha)), static_cast<double>(attrs.beta)),
          0.0, 1.0);
    }
    case ir::OpKind::kHardSwish:
      return at::hardswish(x);
    case ir::OpKind::kSilu:
      return at::silu(x);
    case ir::OpKind::kTanh:
      return at::tanh(x);
    case ir::OpKind::kExp:
      return at::exp(x);
    case ir::OpKind::kLog:
      return at::log(x);
    case ir::OpKind::kSqrt:
      return at::sqrt(x);
    case ir::OpKind::kAbs:
      return at::abs(x);
    case ir::OpKind::kNeg:
      return at::neg(x);
    case ir::OpKind::kErf:
      return at::erf(x);
    case ir::OpKind::kGelu:
      return at::gelu(x, std::get<ir::GeluAttrs>(node.attrs).tanh_approximation ? "tanh" : "none");
    case ir::OpKind::kClip: {
      const auto& attrs = std::get<ir::ClipAttrs>(node.attrs);
      return at::clamp(x, static_cast<double>(attrs.min), static_cast<double>(attrs.max));
    }
    case ir::OpKind::kReduceMean:
    case ir::OpKind::kReduceSum:
    case ir::OpKind::kReduceMax:
      return Reduce(node, plan, x);
    case ir::OpKind::kTranspose:
      return at::permute(x, plan.dims);
    case ir::OpKind::kSlice:
      return Slice(plan, x);
    case ir::OpKind::kSqueeze:
    case ir::OpKind::kUnsqueeze:
      // The IR knows the output shape; a reshape to it is what each of these computes.
      return x.reshape(output_shape);
    case ir::OpKind::kPad:
      return Pad(node, plan, x, output_shape);
    case ir::OpKind::kGather:
      return at::index_select(x, plan.gather_axis, plan.tensors.front()).reshape(output_shape);
    case ir::OpKind::kMatMul:
      return at::matmul(x, in(1));
    case ir::OpKind::kConvTranspose:
      return ConvTranspose(node, plan, values);
    case ir::OpKind::kResize:
      return Resize(plan, x);
    case ir::OpKind::kLayerNorm: {
      const at::Tensor bias = node.inputs.size() > 2 ? in(2) : at::Tensor();
      return at::layer_norm(x, plan.dims, in(1), bias,
                            static_cast<double>(std::get<ir::LayerNormAttrs>(node.attrs).epsilon),
                            /*cudnn_enable=*/true);
    }
    case ir::OpKind::kConv:
    case ir::OpKind::kBatchNorm:
    case ir::OpKind::kRelu:
    case ir::OpKind::kRelu6:
    case ir::OpKind::kLeakyRelu:
    case ir::OpKind::kSigmoid:
    case ir::OpKind::kSoftmax:
    case ir::OpKind::kMaxPool:
    case ir::OpKind::kAvgPool:
    case ir::OpKind::kGlobalAvgPool:
    case ir::OpKind::kFullyConnected:
    case ir::OpKind::kAdd:
    case ir::OpKind::kConcat:
    case ir::OpKind::kFlatten:
    case ir::OpKind::kReshape:
    case ir::OpKind::kUpsampleNearest:
    case ir::OpKind::kLrn:
      break;  // torch_eager.cc runs these
  }
  throw std::logic_error("not an op of the modern set");
}

}  // namespace edgebench::backends::libtorch
