// zoo graph -> ONNX bytes -> imported graph must compute exactly what the zoo graph
// does: same ops, same attributes, same weights, so the reference engine's outputs are
// bit-identical. Any drift in the export/import mapping shows up here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "backends/reference/reference_backend.h"
#include "formats/onnx.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {
namespace {

std::vector<backends::HostTensor> RunSeeded(const ir::Graph& graph) {
  std::vector<backends::HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    inputs.emplace_back(graph.value(id).shape, zoo::SeededInput(graph.value(id).shape));
  }
  std::vector<backends::HostTensor> outputs;
  const backends::Status status = backends::reference::RunReference(graph, inputs, outputs);
  EXPECT_TRUE(status.ok) << status.message;
  return outputs;
}

class OnnxRoundTripTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxRoundTripTest, ReferenceOutputsAreBitIdentical) {
  ir::Graph graph = zoo::BuildModel(GetParam());
  zoo::MaterializeWeights(graph);
  const ir::Graph imported = ImportOnnx(ExportOnnx(graph), GetParam());
  ASSERT_EQ(imported.nodes().size(), graph.nodes().size());
  const std::vector<ir::NodeId> order = graph.ExecutionOrder();
  const std::vector<ir::NodeId> imported_order = imported.ExecutionOrder();
  for (size_t i = 0; i < order.size(); ++i) {
    const ir::Node& a = graph.node(order[i]);
    const ir::Node& b = imported.node(imported_order[i]);
    EXPECT_EQ(a.op, b.op) << a.name;
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.inputs.size(), b.inputs.size()) << a.name;
    EXPECT_EQ(graph.value(a.outputs[0]).shape, imported.value(b.outputs[0]).shape) << a.name;
  }
  const std::vector<backends::HostTensor> expected = RunSeeded(graph);
  const std::vector<backends::HostTensor> actual = RunSeeded(imported);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(actual[i].shape, expected[i].shape);
    EXPECT_EQ(std::memcmp(actual[i].data.data(), expected[i].data.data(),
                          expected[i].data.size() * sizeof(float)),
              0)
        << "output " << i << " differs";
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
  return name;
}

// Sanitizer builds run the reference far slower: small models and inputs only.
#if defined(__SANITIZE_ADDRESS__)
INSTANTIATE_TEST_SUITE_P(SmallModels, OnnxRoundTripTest,
                         ::testing::Values("cifarnet", "vgg-s-32", "tiny-yolo@64",
                                           "mobilenet-v2@64", "resnet-18@64", "c3d@4x32x32",
                                           "ssd-mobilenet-v1@64"),
                         TestName);
#else
std::vector<std::string> AllModels() {
  std::vector<std::string> ids;
  for (const zoo::ModelEntry& entry : zoo::ModelCatalog()) ids.emplace_back(entry.id);
  return ids;
}
INSTANTIATE_TEST_SUITE_P(Zoo, OnnxRoundTripTest, ::testing::ValuesIn(AllModels()), TestName);
#endif

}  // namespace
}  // namespace edgebench::formats
