// Cuts an ONNX model into its leading sub-models (the first k nodes, the initializers
// they use, the last node's outputs as graph outputs) and writes each one that fits in a
// byte budget. Zoo exports are megabytes of weights, far over what a fuzzer mutates
// well; their prefixes keep the real structure (ops, attributes, exporter conventions)
// at a few kilobytes. Usage: onnx_prefixes MODEL.onnx OUT_DIR MAX_BYTES

#include <onnx/onnx_pb.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unordered_set>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s MODEL.onnx OUT_DIR MAX_BYTES\n", argv[0]);
    return 2;
  }
  const std::filesystem::path model_path = argv[1];
  const std::filesystem::path out_dir = argv[2];
  const size_t max_bytes = std::stoul(argv[3]);
  std::ifstream in(model_path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes)) {
    std::fprintf(stderr, "%s: not an ONNX model\n", argv[1]);
    return 1;
  }
  const onnx::GraphProto& graph = model.graph();
  int written = 0;
  for (int k = 1; k <= graph.node_size(); ++k) {
    onnx::ModelProto prefix = model;
    onnx::GraphProto* cut = prefix.mutable_graph();
    cut->mutable_node()->DeleteSubrange(k, graph.node_size() - k);
    std::unordered_set<std::string> used;
    for (const onnx::NodeProto& node : cut->node())
      used.insert(node.input().begin(), node.input().end());
    cut->clear_initializer();
    for (const onnx::TensorProto& tensor : graph.initializer()) {
      if (used.contains(tensor.name())) *cut->add_initializer() = tensor;
    }
    cut->clear_output();
    cut->clear_value_info();
    for (const std::string& output : graph.node(k - 1).output()) {
      if (!output.empty()) cut->add_output()->set_name(output);
    }
    const std::string serialized = prefix.SerializeAsString();
    // Weights only grow with k, so every longer prefix is over the budget too.
    if (serialized.size() > max_bytes) break;
    const auto path = out_dir / (model_path.stem().string() + "-" + std::to_string(k) + ".onnx");
    std::ofstream(path, std::ios::binary) << serialized;
    ++written;
  }
  std::fprintf(stderr, "%s: %d prefixes of at most %zu bytes\n", argv[1], written, max_bytes);
  return 0;
}
