#include "backends/onednn/plan_builder.h"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>
#include <utility>

namespace edgebench::backends::onednn {

using dnnl::memory;

memory::dims DimsOf(const ir::Shape& shape) {
  if (shape.empty()) return {1};
  return memory::dims(shape.begin(), shape.end());
}

memory::dims PlainStrides(const memory::dims& dims) {
  memory::dims strides(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * dims[i];
  return strides;
}

memory::desc PlainDesc(const memory::dims& dims) {
  const memory::dims nonempty = DimsOf(dims);
  return memory::desc(nonempty, memory::data_type::f32, PlainStrides(nonempty));
}

memory::desc AnyDesc(const memory::dims& dims, memory::data_type type) {
  return memory::desc(dims, type, memory::format_tag::any);
}

PlanBuilder::PlanBuilder(const ir::Graph& graph, dnnl::engine engine, dnnl::stream stream,
                         ComputePrecision precision)
    : graph_(graph), precision_(precision), engine_(std::move(engine)), stream_(std::move(stream)) {
  for (const ir::Node& node : graph.nodes()) {
    for (ir::ValueId input : node.inputs) ++readers_[input];
  }
  for (ir::ValueId output : graph.outputs()) ++readers_[output];
}

memory PlanBuilder::Get(ir::ValueId value) {
  auto found = slots_.find(value);
  if (found != slots_.end()) return found->second.memory;
  const ir::Value& v = graph_.value(value);
  if (v.kind != ir::ValueKind::kConstant) {
    throw std::runtime_error(fmt::format("value '{}' is read before it is computed", v.name));
  }
  if (static_cast<int64_t>(v.data.size()) != ir::ElementCount(v.shape)) {
    throw std::runtime_error(fmt::format("weights of '{}' are not materialized", v.name));
  }
  memory constant = ConstantMemory(v.data, DimsOf(v.shape));
  slots_[value] = {constant, false, std::nullopt};
  return constant;
}

memory PlanBuilder::Plain(ir::ValueId value) {
  memory current = Get(value);
  const memory::desc plain = PlainDesc(current.get_desc().dims());
  if (current.get_desc() == plain) return current;
  Slot& slot = slots_.at(value);
  if (!slot.plain) {
    slot.plain = NewMemory(plain);
    AddLayoutReorder(current, *slot.plain);
  }
  return *slot.plain;
}

memory PlanBuilder::InLayout(ir::ValueId value, const memory::desc& desc) {
  memory current = Get(value);
  if (current.get_desc() == desc) return current;
  if (desc == PlainDesc(desc.dims())) return Plain(value);
  memory converted = NewMemory(desc);
  AddLayoutReorder(current, converted);
  return converted;
}

memory PlanBuilder::PlainView(ir::ValueId value, const memory::dims& dims) {
  memory plain = Plain(value);
  MarkShared(value);
  return memory(PlainDesc(dims), engine_, plain.get_data_handle());
}

void PlanBuilder::Set(ir::ValueId value, memory memory, bool exclusive) {
  slots_[value] = {std::move(memory), exclusive, std::nullopt};
}

bool PlanBuilder::IsExclusive(ir::ValueId value) const {
  auto found = slots_.find(value);
  return found != slots_.end() && found->second.exclusive;
}

void PlanBuilder::MarkShared(ir::ValueId value) {
  auto found = slots_.find(value);
  if (found != slots_.end()) found->second.exclusive = false;
}

memory PlanBuilder::NewMemory(const memory::desc& desc) {
  buffers_.emplace_back(desc, engine_);
  return buffers_.back();
}

memory PlanBuilder::ConstantMemory(const std::vector<float>& data, const memory::dims& dims) {
  memory result = NewMemory(PlainDesc(dims));
  std::memcpy(result.get_data_handle(), data.data(), data.size() * sizeof(float));
  return result;
}

memory PlanBuilder::ReorderNow(const memory& source, const memory::desc& desc) {
  if (source.get_desc() == desc) return source;
  memory result = NewMemory(desc);
  dnnl::reorder(source, result).execute(stream_, const_cast<memory&>(source), result);
  stream_.wait();
  return result;
}

namespace {

std::string KindName(dnnl::primitive::kind kind) {
  using Kind = dnnl::primitive::kind;
  switch (kind) {
    case Kind::reorder:
      return "reorder";
    case Kind::concat:
      return "concat";
    case Kind::convolution:
      return "convolution";
    case Kind::deconvolution:
      return "deconvolution";
    case Kind::eltwise:
      return "eltwise";
    case Kind::softmax:
      return "softmax";
    case Kind::pooling:
    case Kind::pooling_v2:
      return "pooling";
    case Kind::lrn:
      return "lrn";
    case Kind::batch_normalization:
      return "batch_normalization";
    case Kind::layer_normalization:
      return "layer_normalization";
    case Kind::inner_product:
      return "inner_product";
    case Kind::binary:
      return "binary";
    case Kind::matmul:
      return "matmul";
    case Kind::resampling:
      return "resampling";
    case Kind::reduction:
      return "reduction";
    default:
      return "primitive";
  }
}

}  // namespace

void PlanBuilder::AddStep(dnnl::primitive primitive, std::unordered_map<int, memory> args) {
  const std::string kind = KindName(primitive.get_kind());
  const std::string anchor = current_nodes_.empty() ? "plan" : current_nodes_.front();
  steps_.push_back({.primitive = std::move(primitive),
                    .args = std::move(args),
                    .ir_nodes = current_nodes_,
                    .name = fmt::format("{} ({})", anchor, kind),
                    .kind = kind});
}

void PlanBuilder::AddLayoutReorder(const memory& source, const memory& destination) {
  steps_.push_back({.primitive = dnnl::reorder(source, destination),
                    .args = {{DNNL_ARG_FROM, source}, {DNNL_ARG_TO, destination}},
                    .ir_nodes = {},
                    .name = current_nodes_.empty()
                                ? "reorder to a plain output"
                                : fmt::format("reorder before {}", current_nodes_.front()),
                    .kind = "reorder"});
}

void PlanBuilder::AddReorder(const memory& source, const memory& destination) {
  AddStep(dnnl::reorder(source, destination),
          {{DNNL_ARG_FROM, source}, {DNNL_ARG_TO, destination}});
}

void PlanBuilder::RecordKernel(std::string kernel, std::string precision) {
  std::string op = "?";
  if (!current_nodes_.empty()) {
    for (const ir::Node& node : graph_.nodes()) {
      if (node.name == current_nodes_.front()) op = std::string(ir::OpName(node.op));
    }
  }
  kernels_.push_back(
      {.op = std::move(op), .kernel = std::move(kernel), .precision = std::move(precision)});
}

int PlanBuilder::Readers(ir::ValueId value) const {
  auto found = readers_.find(value);
  return found == readers_.end() ? 0 : found->second;
}

}  // namespace edgebench::backends::onednn
