// The ONNX importer's driver: parses and validates the file, declares inputs and
// initializers, orders the nodes, hands each to constant folding or a converter
// (onnx_import_ops.h) and finishes the IR graph.

#include <fmt/format.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "formats/onnx.h"
#include "formats/onnx_constant_folding.h"
#include "formats/onnx_import_context.h"
#include "formats/onnx_import_ops.h"
#include "formats/onnx_input_binding.h"
#include "ir/shape_inference.h"

namespace edgebench::formats {
namespace {

using onnx_detail::ConstTensor;
using onnx_detail::ImportContext;
using onnx_detail::NodeAttributes;

// Newer opsets may change op semantics in ways an attribute check cannot see.
constexpr int64_t kMaxOpset = 21;

// Rethrows `error` with `prefix` in front, keeping whether it means "unsupported" or
// "settle the input shapes".
[[noreturn]] void Rethrow(const FormatError& error, const std::string& prefix) {
  if (dynamic_cast<const InputShapeError*>(&error) != nullptr) {
    throw InputShapeError(prefix + error.what());
  }
  if (dynamic_cast<const UnsupportedModelError*>(&error) != nullptr) {
    throw UnsupportedModelError(prefix + error.what());
  }
  throw FormatError(prefix + error.what());
}

int64_t DefaultOpset(const onnx::ModelProto& model) {
  int64_t version = -1;
  for (const onnx::OperatorSetIdProto& opset : model.opset_import()) {
    if (opset.domain().empty() || opset.domain() == "ai.onnx") version = opset.version();
  }
  // -1 when absent: fine for a model whose nodes are all in other domains.
  if (version > kMaxOpset) {
    throw UnsupportedModelError(
        fmt::format("opset {} is newer than the supported {}", version, kMaxOpset));
  }
  return version;
}

class Importer {
 public:
  Importer(const onnx::ModelProto& model, ir::Graph& graph, const OnnxImportOptions& options)
      : graph_proto_(model.graph()),
        options_(options),
        context_(graph, options.limits, DefaultOpset(model)) {}

  void Run() {
    if (graph_proto_.node_size() > options_.limits.max_nodes) {
      throw FormatError(fmt::format("{} nodes exceed the limit of {}", graph_proto_.node_size(),
                                    options_.limits.max_nodes));
    }
    if (graph_proto_.sparse_initializer_size() > 0) {
      throw UnsupportedModelError("unsupported sparse initializers");
    }
    DefineInitializers();
    CountUses();
    DefineInputs();
    for (int index : TopologicalOrder()) ImportNode(index);
    MarkOutputs();
    context_.Finish();
  }

 private:
  void DefineInitializers() {
    for (const onnx::TensorProto& tensor : graph_proto_.initializer()) {
      const std::string what = fmt::format("initializer '{}'", tensor.name());
      if (tensor.name().empty()) throw FormatError("an initializer has no name");
      if (!initializers_.insert(tensor.name()).second) {
        throw FormatError(fmt::format("{} is defined twice", what));
      }
      context_.Charge(onnx_detail::ValidateTensor(tensor, options_.limits, what));
      context_.ReserveName(tensor.name());
      context_.DefineInitializer(tensor.name(), &tensor);
    }
  }

  void CountUses() {
    for (const onnx::NodeProto& node : graph_proto_.node()) {
      for (int i = 0; i < node.input_size(); ++i) {
        const std::string& input = node.input(i);
        if (input.empty()) continue;
        context_.CountUse(input);
        if (!onnx_detail::IsConstantSlot(node.op_type(), i)) run_time_uses_.insert(input);
      }
      for (const std::string& output : node.output()) {
        if (!output.empty()) context_.ReserveName(output);
      }
    }
    for (const onnx::ValueInfoProto& output : graph_proto_.output()) {
      context_.CountUse(output.name());
      run_time_uses_.insert(output.name());
    }
  }

  void DefineInputs() {
    std::unordered_set<std::string> seen;
    for (const onnx::ValueInfoProto& input : graph_proto_.input()) {
      const std::string& name = input.name();
      if (name.empty()) throw FormatError("a graph input has no name");
      if (!seen.insert(name).second) {
        throw FormatError(fmt::format("graph input '{}' is declared twice", name));
      }
      context_.ReserveName(name);
    }
    // Each given shape by its graph input (a nameless one: the model's only input).
    given_shapes_ = onnx_detail::ResolveGivenShapes(RunTimeInputs(), options_.input_shapes);
    for (const onnx::ValueInfoProto& input : graph_proto_.input()) {
      const std::string& name = input.name();
      // Old exporters list initializers as inputs too: they are weights.
      if (initializers_.contains(name)) continue;
      if (IsBoundToConstant(name)) {
        DefineBoundInput(name, options_.constant_inputs.at(name));
      } else {
        DefineRunTimeInput(input);
      }
    }
  }

  bool IsBoundToConstant(const std::string& name) const {
    return options_.constant_inputs.contains(name) && !run_time_uses_.contains(name);
  }

  // The graph inputs fed at run time, i.e. those a user may give shapes for.
  std::vector<const onnx::ValueInfoProto*> RunTimeInputs() const {
    std::vector<const onnx::ValueInfoProto*> inputs;
    for (const onnx::ValueInfoProto& input : graph_proto_.input()) {
      if (!initializers_.contains(input.name()) && !IsBoundToConstant(input.name())) {
        inputs.push_back(&input);
      }
    }
    return inputs;
  }

  void DefineBoundInput(const std::string& name, const std::string& bytes) {
    const std::string what = fmt::format("value bound to input '{}'", name);
    onnx::TensorProto tensor;
    if (bytes.size() > INT_MAX ||
        !tensor.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      throw FormatError(fmt::format("{} is not a TensorProto", what));
    }
    context_.Charge(onnx_detail::ValidateTensor(tensor, options_.limits, what));
    context_.DefineConstant(name, onnx_detail::DecodeTensor(tensor, what));
  }

  void DefineRunTimeInput(const onnx::ValueInfoProto& input) {
    const std::string& name = input.name();
    auto given = given_shapes_.find(name);
    const ir::Shape* given_shape = given == given_shapes_.end() ? nullptr : &given->second;
    if (!input.type().has_tensor_type() ||
        input.type().tensor_type().elem_type() != onnx::TensorProto::FLOAT) {
      const std::string reason =
          !input.type().has_tensor_type()
              ? fmt::format("graph input '{}' is not a tensor", name)
              : fmt::format("graph input '{}' has element type {}; only FLOAT", name,
                            onnx_detail::DataTypeName(input.type().tensor_type().elem_type()));
      if (given_shape != nullptr) {
        throw InputShapeError(
            fmt::format("an input shape is given for '{}', but {}", name, reason));
      }
      return context_.DefineUnusable(name, reason);
    }
    ir::Shape shape = onnx_detail::BindInputShape(input, given_shape);
    onnx_detail::CheckedElementCount(shape, options_.limits, fmt::format("graph input '{}'", name));
    try {
      context_.DefineActivation(name, context_.graph().AddInput(name, shape));
    } catch (const ir::GraphError& error) {
      throw FormatError(error.what());
    }
  }

  // Kahn's algorithm; ties go to the node listed first, so the result is deterministic.
  std::vector<int> TopologicalOrder() {
    const int count = graph_proto_.node_size();
    std::unordered_map<std::string, int> producer;
    for (int n = 0; n < count; ++n) {
      for (const std::string& output : graph_proto_.node(n).output()) {
        if (output.empty()) continue;
        if (context_.IsDefined(output)) {
          throw FormatError(
              fmt::format("node output '{}' redefines a graph input or initializer", output));
        }
        if (!producer.emplace(output, n).second) {
          throw FormatError(fmt::format("tensor '{}' is produced by two nodes", output));
        }
      }
    }
    std::vector<int> missing(static_cast<size_t>(count), 0);
    std::vector<std::vector<int>> consumers(static_cast<size_t>(count));
    for (int n = 0; n < count; ++n) {
      const onnx::NodeProto& node = graph_proto_.node(n);
      for (const std::string& input : node.input()) {
        if (input.empty()) continue;
        auto found = producer.find(input);
        if (found != producer.end()) {
          ++missing[static_cast<size_t>(n)];
          consumers[static_cast<size_t>(found->second)].push_back(n);
        } else if (!context_.IsDefined(input)) {
          throw FormatError(
              fmt::format("node '{}' ({}): input '{}' is not defined (a missing "
                          "initializer?)",
                          NodeName(n), node.op_type(), input));
        }
      }
    }
    std::priority_queue<int, std::vector<int>, std::greater<>> ready;
    for (int n = 0; n < count; ++n) {
      if (missing[static_cast<size_t>(n)] == 0) ready.push(n);
    }
    std::vector<int> order;
    while (!ready.empty()) {
      const int n = ready.top();
      ready.pop();
      order.push_back(n);
      for (int consumer : consumers[static_cast<size_t>(n)]) {
        if (--missing[static_cast<size_t>(consumer)] == 0) ready.push(consumer);
      }
    }
    for (int n = 0; n < count; ++n) {
      if (missing[static_cast<size_t>(n)] > 0) {
        throw FormatError(fmt::format("the graph has a cycle through node '{}' ({})", NodeName(n),
                                      graph_proto_.node(n).op_type()));
      }
    }
    return order;
  }

  std::string NodeName(int index) const {
    const onnx::NodeProto& node = graph_proto_.node(index);
    return node.name().empty() ? fmt::format("{}_{}", node.op_type(), index) : node.name();
  }

  void ImportNode(int index) {
    const onnx::NodeProto& node = graph_proto_.node(index);
    const std::string name = NodeName(index);
    const std::string& op = node.op_type();
    const bool default_domain = node.domain().empty() || node.domain() == "ai.onnx";
    if (!default_domain || (!onnx_detail::IsFoldableOp(op) && !onnx_detail::HasConverter(op))) {
      throw UnsupportedModelError(fmt::format("unsupported ONNX op '{}{}' (node '{}')",
                                              default_domain ? "" : node.domain() + ".", op, name));
    }
    if (context_.opset() < 1) {
      throw FormatError(
          fmt::format("node '{}' ({}): no opset version for the default ONNX "
                      "domain",
                      name, op));
    }
    try {
      NodeAttributes attrs(node);
      std::optional<std::vector<ConstTensor>> folded =
          onnx_detail::FoldNode(node, attrs, context_.opset(), options_.limits, context_);
      if (folded.has_value()) {
        for (size_t i = 0; i < folded->size() && i < static_cast<size_t>(node.output_size()); ++i) {
          const std::string& output = node.output(static_cast<int>(i));
          if (!output.empty()) context_.DefineConstant(output, std::move((*folded)[i]));
        }
      } else if (onnx_detail::HasConverter(op)) {
        onnx_detail::ConvertNode(context_, node, name, attrs);
      } else {
        throw UnsupportedModelError(fmt::format(
            "unsupported ONNX op '{}' on run-time tensors; edgebench folds it on constants "
            "only",
            op));
      }
      attrs.RejectUnread();
      for (int i = 0; i < node.output_size(); ++i) {
        const std::string& output = node.output(i);
        if (!output.empty() && !context_.IsDefined(output) && context_.UseCount(output) > 0) {
          throw UnsupportedModelError(fmt::format("unsupported use of output #{} '{}'", i, output));
        }
      }
    } catch (const FormatError& error) {
      Rethrow(error, fmt::format("node '{}' ({}): ", name, op));
    }
  }

  void MarkOutputs() {
    if (graph_proto_.output_size() == 0) throw FormatError("the graph has no outputs");
    for (const onnx::ValueInfoProto& output : graph_proto_.output()) {
      const std::string& name = output.name();
      if (!context_.IsDefined(name)) {
        throw FormatError(fmt::format("graph output '{}' is not produced by any node", name));
      }
      if (context_.IsConstant(name)) {
        throw UnsupportedModelError(fmt::format(
            "graph output '{}' is a constant; edgebench needs outputs computed from inputs", name));
      }
      context_.graph().MarkOutput(context_.RequireActivation(name));
    }
  }

  const onnx::GraphProto& graph_proto_;
  const OnnxImportOptions& options_;
  ImportContext context_;
  std::unordered_set<std::string> initializers_;
  std::unordered_set<std::string> run_time_uses_;
  std::unordered_map<std::string, ir::Shape> given_shapes_;  // by graph input name
};

ir::Graph ImportModel(const std::string& bytes, const std::string& graph_name,
                      const OnnxImportOptions& options) {
  if (static_cast<int64_t>(bytes.size()) > options.limits.max_file_bytes) {
    throw FormatError(fmt::format("{} bytes exceed the limit of {}", bytes.size(),
                                  options.limits.max_file_bytes));
  }
  if (bytes.size() > INT_MAX) {
    throw UnsupportedModelError("files over 2 GiB (the protobuf limit) are unsupported");
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw FormatError("not an ONNX model (protobuf parsing failed: truncated or corrupt bytes)");
  }
  if (!model.has_graph() || !model.has_ir_version()) {
    throw FormatError("not an ONNX model (no graph or no IR version)");
  }
  ir::Graph graph(graph_name);
  Importer(model, graph, options).Run();
  try {
    ir::InferShapes(graph);
  } catch (const ir::GraphError& error) {
    throw FormatError(fmt::format("shape inference failed: {}", error.what()));
  }
  return graph;
}

ir::Graph ImportLabelled(const std::string& bytes, const std::string& graph_name,
                         const std::string& label, const OnnxImportOptions& options) {
  try {
    return ImportModel(bytes, graph_name, options);
  } catch (const FormatError& error) {
    Rethrow(error, fmt::format("ONNX model '{}': ", label));
  } catch (const ir::GraphError& error) {
    throw FormatError(fmt::format("ONNX model '{}': {}", label, error.what()));
  }
}

}  // namespace

ir::Graph ImportOnnx(const std::string& bytes, const std::string& name,
                     const OnnxImportLimits& limits) {
  return ImportLabelled(bytes, name, name, OnnxImportOptions{.limits = limits});
}

ir::Graph ImportOnnx(const std::string& bytes, const std::string& name,
                     const OnnxImportOptions& options) {
  return ImportLabelled(bytes, name, name, options);
}

ir::Graph ImportOnnxFile(const std::string& path, const OnnxImportLimits& limits) {
  return ImportOnnxFile(path, OnnxImportOptions{.limits = limits});
}

ir::Graph ImportOnnxFile(const std::string& path, const OnnxImportOptions& options) {
  const OnnxImportLimits& limits = options.limits;
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw FormatError(fmt::format("cannot read '{}': {}", path, error.message()));
  if (size > static_cast<uintmax_t>(limits.max_file_bytes)) {
    throw FormatError(
        fmt::format("'{}' has {} bytes, over the limit of {}", path, size, limits.max_file_bytes));
  }
  std::ifstream file(path, std::ios::binary);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!file || !file.read(bytes.data(), static_cast<std::streamsize>(size))) {
    throw FormatError(fmt::format("cannot read '{}'", path));
  }
  return ImportLabelled(bytes, std::filesystem::path(path).stem().string(), path, options);
}

}  // namespace edgebench::formats
