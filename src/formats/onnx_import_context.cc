#include "formats/onnx_import_context.h"

#include <fmt/format.h>

#include "ir/shape_inference.h"

namespace edgebench::formats::onnx_detail {

ImportContext::ImportContext(ir::Graph& graph, const OnnxImportLimits& limits, int64_t opset)
    : graph_(graph), limits_(limits), opset_(opset) {}

std::string ImportContext::UniqueValueName(const std::string& base) const {
  std::string name = base;
  for (int suffix = 2; graph_.FindValue(name) != ir::kNoId || reserved_.contains(name); ++suffix) {
    name = fmt::format("{}_{}", base, suffix);
  }
  return name;
}

std::string ImportContext::UniqueNodeName(const std::string& base) {
  std::string name = base;
  for (int suffix = 2; node_names_.contains(name); ++suffix) {
    name = fmt::format("{}_{}", base, suffix);
  }
  node_names_.insert(name);
  return name;
}

ImportContext::Symbol& ImportContext::Find(const std::string& name) {
  auto found = symbols_.find(name);
  if (found == symbols_.end()) {
    throw FormatError(fmt::format("tensor '{}' is not defined", name));
  }
  if (!found->second->unusable.empty()) throw UnsupportedModelError(found->second->unusable);
  return *found->second;
}

void ImportContext::DefineActivation(const std::string& name, ir::ValueId value) {
  auto symbol = std::make_shared<Symbol>();
  symbol->activation = value;
  symbols_[name] = std::move(symbol);
  value_uses_[value] += UseCount(name);
}

void ImportContext::DefineInitializer(const std::string& name, const onnx::TensorProto* tensor) {
  auto symbol = std::make_shared<Symbol>();
  symbol->initializer = tensor;
  symbol->dims.assign(tensor->dims().begin(), tensor->dims().end());
  symbols_[name] = std::move(symbol);
}

void ImportContext::DefineConstant(const std::string& name, ConstTensor tensor) {
  auto symbol = std::make_shared<Symbol>();
  symbol->dims = tensor.dims;
  symbol->constant = std::make_shared<const ConstTensor>(std::move(tensor));
  symbols_[name] = std::move(symbol);
}

void ImportContext::DefineUnusable(const std::string& name, std::string reason) {
  auto symbol = std::make_shared<Symbol>();
  symbol->unusable = std::move(reason);
  symbols_[name] = std::move(symbol);
}

void ImportContext::Alias(const std::string& name, const std::string& target) {
  const Symbol& symbol = Find(target);
  if (symbol.activation != ir::kNoId) {
    // Readers of `name` now read the activation; the aliasing node no longer does.
    value_uses_[symbol.activation] += UseCount(name) - 1;
  }
  symbols_[name] = symbols_.at(target);
}

void ImportContext::AliasActivation(const std::string& name, ir::ValueId value) {
  DefineActivation(name, value);
  --value_uses_[value];
}

int ImportContext::ValueUseCount(ir::ValueId value) const {
  auto found = value_uses_.find(value);
  return found == value_uses_.end() ? 0 : found->second;
}

bool ImportContext::IsConstant(const std::string& name) const {
  auto found = symbols_.find(name);
  return found != symbols_.end() && found->second->activation == ir::kNoId &&
         found->second->unusable.empty();
}

bool ImportContext::IsActivation(const std::string& name) const {
  auto found = symbols_.find(name);
  return found != symbols_.end() && found->second->activation != ir::kNoId;
}

const ConstTensor* ImportContext::Constant(const std::string& name) {
  if (!IsConstant(name)) return nullptr;
  Symbol& symbol = *symbols_.at(name);
  if (symbol.constant == nullptr) {
    symbol.constant = std::make_shared<const ConstTensor>(
        DecodeTensor(*symbol.initializer, fmt::format("initializer '{}'", name)));
  }
  return symbol.constant.get();
}

const ir::Shape* ImportContext::ActivationShape(const std::string& name) {
  auto found = symbols_.find(name);
  if (found == symbols_.end() || found->second->activation == ir::kNoId) return nullptr;
  return &graph_.value(found->second->activation).shape;
}

void ImportContext::Charge(int64_t elements) {
  // Decoded constants take 4 bytes an element (shape integers 8, but they are tiny).
  const int64_t bytes = elements * 4;
  if (bytes > limits_.max_total_weight_bytes - charged_bytes_) {
    throw FormatError(
        fmt::format("weights exceed the limit of {} bytes", limits_.max_total_weight_bytes));
  }
  charged_bytes_ += bytes;
}

const ConstTensor& ImportContext::RequireConstant(const std::string& name, const char* role) {
  const ConstTensor* tensor = name.empty() ? nullptr : Constant(name);
  if (tensor == nullptr) {
    if (name.empty()) throw FormatError(fmt::format("{} is missing", role));
    Find(name);
    throw UnsupportedModelError(
        fmt::format("{} '{}' is computed at run time; edgebench needs it constant", role, name));
  }
  return *tensor;
}

ir::ValueId ImportContext::RequireActivation(const std::string& name) {
  if (name.empty()) throw FormatError("a required input is missing");
  Symbol& symbol = Find(name);
  if (symbol.activation == ir::kNoId) {
    throw UnsupportedModelError(fmt::format(
        "constant '{}' used where edgebench expects a run-time tensor (activation)", name));
  }
  return symbol.activation;
}

const ir::Shape& ImportContext::ShapeOf(const std::string& name) {
  Symbol& symbol = Find(name);
  if (symbol.activation != ir::kNoId) return graph_.value(symbol.activation).shape;
  return symbol.dims;
}

ir::ValueId ImportContext::Weight(const std::string& name, ir::WeightRole role, const char* what) {
  if (name.empty()) throw FormatError(fmt::format("{} is missing", what));
  Symbol& symbol = Find(name);
  if (symbol.activation != ir::kNoId) RequireConstant(name, what);  // throws
  if (symbol.weight != ir::kNoId) return symbol.weight;
  for (int64_t dim : symbol.dims) {
    if (dim <= 0) {
      throw FormatError(fmt::format("{} '{}' has dims {}: an empty weight", what, name,
                                    fmt::join(symbol.dims, "x")));
    }
  }
  std::vector<float> data;
  if (symbol.constant != nullptr) {
    if (symbol.constant->is_int) {
      throw FormatError(fmt::format("{} '{}' has an integer type", what, name));
    }
    data = symbol.constant->floats;
  } else {
    if (!IsFloatingType(symbol.initializer->data_type())) {
      throw FormatError(fmt::format("{} '{}' has element type {}", what, name,
                                    DataTypeName(symbol.initializer->data_type())));
    }
    // Decoded straight into the IR: large weights are never held twice.
    data = DecodeTensor(*symbol.initializer, fmt::format("initializer '{}'", name)).floats;
  }
  const std::string ir_name = graph_.FindValue(name) == ir::kNoId ? name : UniqueValueName(name);
  symbol.weight = graph_.AddConstant(ir_name, symbol.dims, role, {});
  graph_.mutable_value(symbol.weight).data = std::move(data);
  return symbol.weight;
}

ir::ValueId ImportContext::NewWeight(const std::string& base, ir::Shape shape, ir::WeightRole role,
                                     std::vector<float> data) {
  Charge(static_cast<int64_t>(data.size()));
  const ir::ValueId id = graph_.AddConstant(UniqueValueName(base), std::move(shape), role, {});
  graph_.mutable_value(id).data = std::move(data);
  return id;
}

ir::ValueId ImportContext::Operand(const std::string& name, ir::WeightRole role, const char* what) {
  if (IsActivation(name)) return RequireActivation(name);
  const ConstTensor& constant = RequireConstant(name, what);
  if (!constant.is_int) return Weight(name, role, what);
  // Integer operands (a Pow exponent, an index offset) are exact in float up to 2^24.
  std::vector<float> data(constant.ints.begin(), constant.ints.end());
  for (int64_t dim : constant.dims) {
    if (dim <= 0) throw FormatError(fmt::format("{} '{}' is empty", what, name));
  }
  return NewWeight(name, constant.dims, role, std::move(data));
}

ir::Shape ImportContext::InferOutputShape(const PendingNode& pending) {
  const ir::Node node{.name = pending.name,
                      .op = pending.op,
                      .attrs = pending.attrs,
                      .inputs = pending.inputs,
                      .outputs = {pending.output}};
  ir::Shape shape;
  try {
    shape = ir::InferNodeOutputShape(graph_, node);
  } catch (const ir::GraphError& error) {
    throw FormatError(error.what());
  }
  // Checked here, before anything multiplies the dims out.
  const int64_t count =
      CheckedElementCount(shape, limits_, fmt::format("output of node '{}'", pending.name));
  if (count == 0) {
    throw UnsupportedModelError(
        fmt::format("node '{}' would produce an empty tensor {}; edgebench needs non-empty "
                    "activations",
                    pending.name, ir::ShapeToString(shape)));
  }
  return shape;
}

ir::ValueId ImportContext::Emit(const std::string& node_name, const std::string& output,
                                ir::OpKind op, ir::Attrs attrs, std::vector<ir::ValueId> inputs) {
  if (output.empty()) throw FormatError("node output without a name");
  PendingNode node{.name = UniqueNodeName(node_name),
                   .op = op,
                   .attrs = std::move(attrs),
                   .inputs = std::move(inputs)};
  ir::Shape shape;
  try {
    // The output exists before shape inference so the temporary node refers to it.
    node.output = graph_.DeclareActivation(
        graph_.FindValue(output) == ir::kNoId ? output : UniqueValueName(output));
  } catch (const ir::GraphError& error) {
    throw FormatError(error.what());
  }
  graph_.mutable_value(node.output).shape = InferOutputShape(node);
  pending_by_output_[node.output] = pending_.size();
  const ir::ValueId value = node.output;
  pending_.push_back(std::move(node));
  DefineActivation(output, value);
  return value;
}

PendingNode* ImportContext::ProducerOf(ir::ValueId value) {
  auto found = pending_by_output_.find(value);
  if (found == pending_by_output_.end()) return nullptr;
  PendingNode& node = pending_[found->second];
  return node.retracted ? nullptr : &node;
}

void ImportContext::Retract(PendingNode& node) {
  node.retracted = true;
  any_retracted_ = true;
}

void ImportContext::Reinfer(const PendingNode& node) {
  graph_.mutable_value(node.output).shape = InferOutputShape(node);
}

int ImportContext::UseCount(const std::string& name) const {
  auto found = uses_.find(name);
  return found == uses_.end() ? 0 : found->second;
}

void ImportContext::Finish() {
  try {
    Compact();
    for (PendingNode& node : pending_) {
      graph_.AddNodeWithOutput(node.name, node.op, std::move(node.attrs), std::move(node.inputs),
                               node.output);
    }
  } catch (const ir::GraphError& error) {
    throw FormatError(error.what());
  }
  pending_.clear();
  pending_by_output_.clear();
}

void ImportContext::Compact() {
  const std::vector<ir::Value>& values = graph_.values();
  std::vector<bool> keep(values.size(), false);
  for (const PendingNode& node : pending_) {
    if (node.retracted) continue;
    keep[static_cast<size_t>(node.output)] = true;
    for (ir::ValueId input : node.inputs) keep[static_cast<size_t>(input)] = true;
  }
  for (ir::ValueId output : graph_.outputs()) keep[static_cast<size_t>(output)] = true;
  bool unchanged = !any_retracted_;
  for (size_t v = 0; v < values.size() && unchanged; ++v) {
    unchanged = keep[v] || values[v].kind == ir::ValueKind::kInput;
  }
  if (unchanged) return;
  // Values keep their order, names and every field; only ids change.
  ir::Graph compact(graph_.name());
  std::vector<ir::ValueId> new_id(values.size(), ir::kNoId);
  for (size_t v = 0; v < values.size(); ++v) {
    const ir::Value& value = values[v];
    if (value.kind == ir::ValueKind::kInput) {
      new_id[v] = compact.AddInput(value.name, value.shape, value.dtype);
    } else if (!keep[v]) {
      continue;
    } else if (value.kind == ir::ValueKind::kConstant) {
      new_id[v] = compact.AddConstant(value.name, value.shape, value.role, value.init);
    } else {
      new_id[v] = compact.DeclareActivation(value.name);
    }
    compact.mutable_value(new_id[v]) = std::move(graph_.mutable_value(static_cast<ir::ValueId>(v)));
  }
  std::vector<PendingNode> live;
  for (PendingNode& node : pending_) {
    if (node.retracted) continue;
    for (ir::ValueId& input : node.inputs) input = new_id[static_cast<size_t>(input)];
    node.output = new_id[static_cast<size_t>(node.output)];
    live.push_back(std::move(node));
  }
  for (ir::ValueId output : graph_.outputs())
    compact.MarkOutput(new_id[static_cast<size_t>(output)]);
  pending_ = std::move(live);
  graph_ = std::move(compact);
}

}  // namespace edgebench::formats::onnx_detail
