#include "ir/graph.h"

#include <fmt/format.h>

#include <queue>

namespace edgebench::ir {

ValueId Graph::NewValue(Value value) {
  if (value.name.empty()) throw GraphError("a value needs a name");
  if (FindValue(value.name) != kNoId) {
    throw GraphError(fmt::format("duplicate value name '{}'", value.name));
  }
  auto id = static_cast<ValueId>(values_.size());
  value_index_.emplace(value.name, id);
  values_.push_back(std::move(value));
  return id;
}

ValueId Graph::AddInput(const std::string& name, Shape shape, DType dtype) {
  for (int64_t dim : shape) {
    if (dim <= 0) {
      throw GraphError(fmt::format("input '{}' has non-positive dim in {}", name,
                                   ShapeToString(shape)));
    }
  }
  Value value{.name = name, .kind = ValueKind::kInput, .dtype = dtype, .shape = std::move(shape)};
  ValueId id = NewValue(std::move(value));
  inputs_.push_back(id);
  return id;
}

ValueId Graph::AddConstant(const std::string& name, Shape shape, WeightRole role,
                           WeightInit init) {
  for (int64_t dim : shape) {
    if (dim <= 0) {
      throw GraphError(fmt::format("constant '{}' has non-positive dim in {}", name,
                                   ShapeToString(shape)));
    }
  }
  Value value{.name = name,
              .kind = ValueKind::kConstant,
              .shape = std::move(shape),
              .role = role,
              .init = init};
  return NewValue(std::move(value));
}

void Graph::CheckNewNode(const std::string& name, const std::vector<ValueId>& inputs) const {
  if (name.empty()) throw GraphError("a node needs a name");
  if (node_index_.contains(name)) throw GraphError(fmt::format("duplicate node name '{}'", name));
  for (ValueId input : inputs) {
    if (input < 0 || static_cast<size_t>(input) >= values_.size()) {
      throw GraphError(fmt::format("node '{}': input refers to unknown value {}", name, input));
    }
  }
}

ValueId Graph::AddNode(const std::string& name, OpKind op, Attrs attrs,
                       std::vector<ValueId> inputs) {
  CheckNewNode(name, inputs);
  ValueId output = NewValue(Value{.name = name});
  AddNodeWithOutput(name, op, std::move(attrs), std::move(inputs), output);
  return output;
}

ValueId Graph::DeclareActivation(const std::string& name) { return NewValue(Value{.name = name}); }

void Graph::AddNodeWithOutput(const std::string& name, OpKind op, Attrs attrs,
                              std::vector<ValueId> inputs, ValueId output) {
  CheckNewNode(name, inputs);
  if (output < 0 || static_cast<size_t>(output) >= values_.size()) {
    throw GraphError(fmt::format("node '{}': output refers to unknown value {}", name, output));
  }
  Value& out = values_[static_cast<size_t>(output)];
  if (out.kind != ValueKind::kActivation || out.producer != kNoId) {
    throw GraphError(
        fmt::format("node '{}': value '{}' already has a producer or is not an activation", name,
                    out.name));
  }
  auto node_id = static_cast<NodeId>(nodes_.size());
  out.producer = node_id;
  node_index_.emplace(name, node_id);
  nodes_.push_back(Node{.name = name,
                        .op = op,
                        .attrs = std::move(attrs),
                        .inputs = std::move(inputs),
                        .outputs = {output}});
}

void Graph::MarkOutput(ValueId value) {
  if (value < 0 || static_cast<size_t>(value) >= values_.size()) {
    throw GraphError(fmt::format("graph output refers to unknown value {}", value));
  }
  outputs_.push_back(value);
}

ValueId Graph::FindValue(const std::string& name) const {
  auto found = value_index_.find(name);
  return found == value_index_.end() ? kNoId : found->second;
}

std::vector<NodeId> Graph::ExecutionOrder() const {
  // Kahn's algorithm over value dependencies; ties keep insertion order so the order
  // (and thus peak-memory figures) is deterministic.
  std::vector<int> missing_inputs(nodes_.size(), 0);
  std::vector<std::vector<NodeId>> consumers(values_.size());
  for (size_t n = 0; n < nodes_.size(); ++n) {
    for (ValueId input : nodes_[n].inputs) {
      const Value& value = values_[static_cast<size_t>(input)];
      if (value.kind == ValueKind::kActivation) {
        if (value.producer == kNoId) {
          throw GraphError(fmt::format("node '{}': input '{}' is produced by no node",
                                       nodes_[n].name, value.name));
        }
        ++missing_inputs[n];
        consumers[static_cast<size_t>(input)].push_back(static_cast<NodeId>(n));
      }
    }
  }
  std::priority_queue<NodeId, std::vector<NodeId>, std::greater<>> ready;
  for (size_t n = 0; n < nodes_.size(); ++n) {
    if (missing_inputs[n] == 0) ready.push(static_cast<NodeId>(n));
  }
  std::vector<NodeId> order;
  order.reserve(nodes_.size());
  while (!ready.empty()) {
    NodeId n = ready.top();
    ready.pop();
    order.push_back(n);
    for (ValueId output : nodes_[static_cast<size_t>(n)].outputs) {
      for (NodeId consumer : consumers[static_cast<size_t>(output)]) {
        if (--missing_inputs[static_cast<size_t>(consumer)] == 0) ready.push(consumer);
      }
    }
  }
  if (order.size() != nodes_.size()) {
    for (size_t n = 0; n < nodes_.size(); ++n) {
      if (missing_inputs[n] > 0) {
        throw GraphError(fmt::format("cycle in graph '{}' through node '{}'", name_,
                                     nodes_[n].name));
      }
    }
  }
  for (ValueId output : outputs_) {
    const Value& value = values_[static_cast<size_t>(output)];
    if (value.kind == ValueKind::kActivation && value.producer == kNoId) {
      throw GraphError(fmt::format("graph output '{}' is produced by no node", value.name));
    }
  }
  return order;
}

}  // namespace edgebench::ir
