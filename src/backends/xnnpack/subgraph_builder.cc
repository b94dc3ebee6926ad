#include "backends/xnnpack/subgraph_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "backends/xnnpack/layout.h"
#include "backends/xnnpack/node_support.h"

namespace edgebench::backends::xnnpack {

const char* StatusName(xnn_status status) {
  switch (status) {
    case xnn_status_success:
      return "success";
    case xnn_status_uninitialized:
      return "XNNPACK not initialized";
    case xnn_status_invalid_parameter:
      return "invalid parameter";
    case xnn_status_invalid_state:
      return "invalid state";
    case xnn_status_unsupported_parameter:
      return "unsupported parameter";
    case xnn_status_unsupported_hardware:
      return "unsupported hardware";
    case xnn_status_out_of_memory:
      return "out of memory";
  }
  return "unknown status";
}

namespace {

// Floats of readable slack XNNPACK may touch past a buffer's end.
constexpr size_t kSlackFloats = (XNN_EXTRA_BYTES + sizeof(float) - 1) / sizeof(float);

}  // namespace

SubgraphBuilder::SubgraphBuilder(const ir::Graph& graph, bool int8)
    : graph_(graph),
      int8_(int8),
      quantized_(graph.values().size(), XNN_INVALID_VALUE_ID),
      consumers_(IndexConsumers(graph)),
      tensors_(graph.values().size(), XNN_INVALID_VALUE_ID),
      external_id_(graph.values().size(), XNN_INVALID_VALUE_ID),
      absorbed_(graph.nodes().size(), false) {}

void SubgraphBuilder::Check(xnn_status status, const char* call) const {
  if (status == xnn_status_success) return;
  const std::string where =
      current_ != nullptr ? fmt::format("node '{}' ({})", current_->name, ir::OpName(current_->op))
                          : std::string("graph set-up");
  throw BuildError(fmt::format("{}: {} failed: {}", where, call, StatusName(status)));
}

BuiltSubgraph SubgraphBuilder::Build() {
  // External ids: graph inputs first, then graph outputs.
  uint32_t next_external = 0;
  for (ir::ValueId id : graph_.inputs()) external_id_[static_cast<size_t>(id)] = next_external++;
  for (ir::ValueId id : graph_.outputs()) {
    const ir::Value& value = graph_.value(id);
    if (value.kind != ir::ValueKind::kActivation) {
      throw BuildError(fmt::format("graph output '{}' is not computed by a node", value.name));
    }
    if (external_id_[static_cast<size_t>(id)] != XNN_INVALID_VALUE_ID) {
      throw BuildError(fmt::format("value '{}' is listed twice as a graph output", value.name));
    }
    external_id_[static_cast<size_t>(id)] = next_external++;
  }
  xnn_subgraph_t subgraph = nullptr;
  Check(xnn_create_subgraph(next_external, 0, &subgraph), "xnn_create_subgraph");
  result_.subgraph.reset(subgraph);

  for (ir::ValueId id : graph_.inputs()) {
    const ir::Value& value = graph_.value(id);
    if (value.dtype != ir::DType::kF32 || value.shape.empty()) {
      throw BuildError(fmt::format("graph input '{}' must be a non-scalar f32 tensor", value.name));
    }
    const std::vector<size_t> dims = StorageDims(value.shape);
    uint32_t tensor = XNN_INVALID_VALUE_ID;
    Check(xnn_define_tensor_value(subgraph, xnn_datatype_fp32, dims.size(), dims.data(), nullptr,
                                  external_id_[static_cast<size_t>(id)],
                                  XNN_VALUE_FLAG_EXTERNAL_INPUT, &tensor),
          "xnn_define_tensor_value");
    tensors_[static_cast<size_t>(id)] = tensor;
    result_.inputs.push_back({tensor, value.name, value.shape, value.shape.size() == 4});
  }

  for (ir::NodeId id : graph_.ExecutionOrder()) {
    const ir::Node& node = graph_.node(id);
    current_ = &node;
    if (absorbed_[static_cast<size_t>(id)]) continue;
    const Support support = NodeSupport(graph_, consumers_, node);
    if (!support.supported) {
      throw BuildError(
          fmt::format("node '{}' ({}): {}", node.name, ir::OpName(node.op), support.reason));
    }
    Emit(id);
  }
  current_ = nullptr;

  for (ir::ValueId id : graph_.outputs()) {
    const ir::Value& value = graph_.value(id);
    result_.outputs.push_back({Read(id), value.name, value.shape, value.shape.size() == 4});
  }
  return std::move(result_);
}

uint32_t SubgraphBuilder::DefineOutput(ir::ValueId value) {
  const ir::Value& ir_value = graph_.value(value);
  const std::vector<size_t> dims = StorageDims(ir_value.shape);
  const uint32_t external = external_id_[static_cast<size_t>(value)];
  uint32_t tensor = XNN_INVALID_VALUE_ID;
  Check(xnn_define_tensor_value(
            result_.subgraph.get(), xnn_datatype_fp32, dims.size(), dims.data(), nullptr, external,
            external == XNN_INVALID_VALUE_ID ? 0 : XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &tensor),
        "xnn_define_tensor_value");
  tensors_[static_cast<size_t>(value)] = tensor;
  return tensor;
}

uint32_t SubgraphBuilder::Read(ir::ValueId value) const {
  const uint32_t tensor = tensors_[static_cast<size_t>(value)];
  if (tensor == XNN_INVALID_VALUE_ID) {
    throw BuildError(
        fmt::format("value '{}' is read before it is computed", graph_.value(value).name));
  }
  return tensor;
}

uint32_t SubgraphBuilder::DefineInternal(const std::vector<size_t>& dims) {
  uint32_t tensor = XNN_INVALID_VALUE_ID;
  Check(xnn_define_tensor_value(result_.subgraph.get(), xnn_datatype_fp32, dims.size(), dims.data(),
                                nullptr, XNN_INVALID_VALUE_ID, 0, &tensor),
        "xnn_define_tensor_value");
  return tensor;
}

uint32_t SubgraphBuilder::DefineStatic(const std::vector<size_t>& dims, std::vector<float> data) {
  data.resize(data.size() + kSlackFloats, 0.0f);
  result_.static_data.push_back(std::move(data));
  uint32_t tensor = XNN_INVALID_VALUE_ID;
  Check(
      xnn_define_tensor_value(result_.subgraph.get(), xnn_datatype_fp32, dims.size(), dims.data(),
                              result_.static_data.back().data(), XNN_INVALID_VALUE_ID, 0, &tensor),
      "xnn_define_tensor_value");
  return tensor;
}

uint32_t SubgraphBuilder::DefineScalarLike(ir::ValueId like, float value) {
  return DefineStatic(std::vector<size_t>(graph_.value(like).shape.size(), 1), {value});
}

const std::vector<float>& SubgraphBuilder::ConstantData(ir::ValueId value) const {
  const ir::Value& constant = graph_.value(value);
  if (constant.kind != ir::ValueKind::kConstant ||
      static_cast<int64_t>(constant.data.size()) != ir::ElementCount(constant.shape)) {
    throw BuildError(fmt::format("weights of '{}' are not materialized", constant.name));
  }
  return constant.data;
}

}  // namespace edgebench::backends::xnnpack
