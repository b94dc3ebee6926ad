#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "backends/onednn/builders.h"
#include "ir/op_semantics.h"

namespace edgebench::backends::onednn {

using dnnl::memory;

namespace {

const ir::Shape& ShapeOf(const PlanBuilder& plan, ir::ValueId id) {
  return plan.graph().value(id).shape;
}

// A strided view of `base`'s buffer: dims with explicit strides, starting `offset`
// elements in.
memory StridedView(PlanBuilder& plan, const memory& base, const memory::dims& dims,
                   const memory::dims& strides, int64_t offset) {
  memory::desc desc(dims, memory::data_type::f32, strides);
  desc.data.offset0 = offset;
  return memory(desc, plan.engine(), base.get_data_handle());
}

}  // namespace

void BuildReshapeLike(PlanBuilder& plan, const ir::Node& node) {
  const ir::ValueId y = node.outputs.front();
  plan.Set(y, plan.PlainView(node.inputs[0], DimsOf(ShapeOf(plan, y))), false);
}

void BuildConcat(PlanBuilder& plan, const ir::Node& node) {
  const ir::ValueId y = node.outputs.front();
  const auto axis = static_cast<int>(
      ir::NormalizeAxis(std::get<ir::ConcatAttrs>(node.attrs).axis, ShapeOf(plan, y).size()));
  std::vector<memory::desc> descs;
  std::unordered_map<int, memory> args;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const memory source = plan.Get(node.inputs[i]);
    descs.push_back(source.get_desc());
    args[DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i)] = source;
  }
  dnnl::concat::primitive_desc pd(axis, descs, plan.engine());
  memory dst = plan.NewMemory(pd.dst_desc());
  args[DNNL_ARG_DST] = dst;
  plan.AddStep(dnnl::concat(pd), std::move(args));
  plan.Set(y, dst, true);
}

void BuildTranspose(PlanBuilder& plan, const ir::Node& node) {
  const ir::Shape& x = ShapeOf(plan, node.inputs[0]);
  std::vector<int64_t> perm = std::get<ir::TransposeAttrs>(node.attrs).perm;
  if (perm.empty()) {
    for (size_t i = x.size(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  }
  const memory src = plan.Plain(node.inputs[0]);
  const memory::dims in_strides = PlainStrides(DimsOf(x));
  memory::dims dims;
  memory::dims strides;
  for (int64_t p : perm) {
    dims.push_back(x[static_cast<size_t>(p)]);
    strides.push_back(in_strides[static_cast<size_t>(p)]);
  }
  // The input read through permuted strides is the output in logical order; a reorder
  // writes it densely.
  const ir::ValueId y = node.outputs.front();
  memory dst = plan.NewMemory(PlainDesc(DimsOf(ShapeOf(plan, y))));
  plan.AddReorder(StridedView(plan, src, dims, strides, 0), dst);
  plan.Set(y, dst, true);
}

void BuildSlice(PlanBuilder& plan, const ir::Node& node) {
  const ir::Shape& x = ShapeOf(plan, node.inputs[0]);
  const std::vector<ir::SliceDim> slice = ir::ResolveSlice(std::get<ir::SliceAttrs>(node.attrs), x);
  const memory src = plan.Plain(node.inputs[0]);
  const memory::dims in_strides = PlainStrides(DimsOf(x));
  memory::dims dims;
  for (const ir::SliceDim& dim : slice) dims.push_back(dim.count);
  if (dims.empty()) dims = {1};
  memory dst = plan.NewMemory(PlainDesc(dims));
  const memory::dims out_strides = PlainStrides(dims);
  // oneDNN strides cannot be negative: a dim walked backwards is copied one index at a
  // time (Supports() bounds how many copies that takes); the others are strided views.
  memory::dims view_dims;
  memory::dims view_strides;
  int64_t base = 0;
  std::vector<size_t> backwards;
  int64_t copies = 1;
  for (size_t d = 0; d < slice.size(); ++d) {
    const bool reversed = slice[d].step < 0;
    view_dims.push_back(reversed ? 1 : slice[d].count);
    view_strides.push_back(in_strides[d] * (reversed ? 1 : slice[d].step));
    if (reversed) backwards.push_back(d), copies *= slice[d].count;
    if (!reversed) base += slice[d].start * in_strides[d];
  }
  if (view_dims.empty()) view_dims = {1}, view_strides = {1};
  for (int64_t copy = 0; copy < copies; ++copy) {
    int64_t src_offset = base;
    int64_t dst_offset = 0;
    int64_t rest = copy;
    for (size_t d : backwards) {
      const int64_t i = rest % slice[d].count;
      rest /= slice[d].count;
      src_offset += (slice[d].start + i * slice[d].step) * in_strides[d];
      dst_offset += i * out_strides[d];
    }
    plan.AddReorder(StridedView(plan, src, view_dims, view_strides, src_offset),
                    StridedView(plan, dst, view_dims, out_strides, dst_offset));
  }
  const ir::ValueId y = node.outputs.front();
  plan.Set(y, memory(PlainDesc(ShapeOf(plan, y)), plan.engine(), dst.get_data_handle()), false);
}

memory PaddedCopy(PlanBuilder& plan, ir::ValueId x, const memory::dims& pads_begin,
                  const memory::dims& pads_end, float value) {
  const memory::dims x_dims = DimsOf(ShapeOf(plan, x));
  memory::dims dims = x_dims;
  for (size_t d = 0; d < dims.size(); ++d) dims[d] += pads_begin[d] + pads_end[d];
  // The border is written once here; each run only the interior is rewritten, so the
  // result must never be accumulated into in place.
  memory padded = plan.ConstantMemory(
      std::vector<float>(static_cast<size_t>(ir::ElementCount(dims)), value), dims);
  const memory::dims strides = PlainStrides(dims);
  int64_t offset = 0;
  for (size_t d = 0; d < dims.size(); ++d) offset += pads_begin[d] * strides[d];
  plan.AddReorder(plan.Plain(x), StridedView(plan, padded, x_dims, strides, offset));
  return padded;
}

namespace {

// The input index an edge or reflect pad copies for input coordinate `c` (outside
// [0, extent) in the border). Reflect pads are shorter than the dim (shape inference
// checks), so one reflection reaches inside.
int64_t BorderSource(ir::PadMode mode, int64_t c, int64_t extent) {
  if (mode == ir::PadMode::kEdge) return std::clamp<int64_t>(c, 0, extent - 1);
  if (extent == 1) return 0;
  return c < 0 ? -c : 2 * (extent - 1) - c;
}

// Edge and reflect padding: the interior is copied in, then the border one slab at a time,
// dim after dim, each slab copied from a row of the same buffer that is already final.
// Later dims copy whole rows of the earlier dims' padded extent, so corners come out as
// the per-dim index mapping defines them.
memory BorderPad(PlanBuilder& plan, ir::ValueId x, const ir::PadAttrs& attrs) {
  const memory padded = PaddedCopy(plan, x, attrs.pads_begin, attrs.pads_end, 0.0f);
  const memory::dims in = DimsOf(ShapeOf(plan, x));
  const memory::dims out = padded.get_desc().dims();
  const memory::dims strides = PlainStrides(out);
  for (size_t d = 0; d < in.size(); ++d) {
    memory::dims slab;
    int64_t base = 0;
    for (size_t e = 0; e < in.size(); ++e) {
      slab.push_back(e < d ? out[e] : e == d ? 1 : in[e]);
      if (e > d) base += attrs.pads_begin[e] * strides[e];
    }
    for (int64_t p = 0; p < out[d]; ++p) {
      const int64_t c = p - attrs.pads_begin[d];
      if (c >= 0 && c < in[d]) continue;
      const int64_t source = BorderSource(attrs.mode, c, in[d]) + attrs.pads_begin[d];
      plan.AddReorder(StridedView(plan, padded, slab, strides, base + source * strides[d]),
                      StridedView(plan, padded, slab, strides, base + p * strides[d]));
    }
  }
  return padded;
}

}  // namespace

void BuildPad(PlanBuilder& plan, const ir::Node& node) {
  const auto& attrs = std::get<ir::PadAttrs>(node.attrs);
  const memory padded =
      attrs.mode == ir::PadMode::kConstant
          ? PaddedCopy(plan, node.inputs[0], attrs.pads_begin, attrs.pads_end, attrs.value)
          : BorderPad(plan, node.inputs[0], attrs);
  plan.Set(node.outputs.front(), padded, false);
}

void BuildGather(PlanBuilder& plan, const ir::Node& node) {
  const auto& attrs = std::get<ir::GatherAttrs>(node.attrs);
  const ir::Shape& x = ShapeOf(plan, node.inputs[0]);
  const auto axis = static_cast<size_t>(ir::NormalizeAxis(attrs.axis, x.size()));
  int64_t outer = 1;
  int64_t inner = 1;
  for (size_t i = 0; i < x.size(); ++i) {
    if (i < axis) outer *= x[i];
    if (i > axis) inner *= x[i];
  }
  const int64_t extent = x[axis];
  const auto count = static_cast<int64_t>(attrs.indices.size());
  const memory src = plan.Plain(node.inputs[0]);
  memory dst = plan.NewMemory(PlainDesc(memory::dims{outer, count, inner}));
  // One copy per index: [outer, 1, inner] slabs from the input into their output position.
  for (int64_t j = 0; j < count; ++j) {
    int64_t index = attrs.indices[static_cast<size_t>(j)];
    if (index < 0) index += extent;
    if (index < 0 || index >= extent) throw std::runtime_error("gather index out of range");
    plan.AddReorder(
        StridedView(plan, src, {outer, 1, inner}, {extent * inner, inner, 1}, index * inner),
        StridedView(plan, dst, {outer, 1, inner}, {count * inner, inner, 1}, j * inner));
  }
  const ir::ValueId y = node.outputs.front();
  plan.Set(y, memory(PlainDesc(ShapeOf(plan, y)), plan.engine(), dst.get_data_handle()), false);
}

}  // namespace edgebench::backends::onednn
