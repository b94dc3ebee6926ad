// Every zoo model exports to an ONNX file that onnx::checker accepts (ExportOnnx runs
// the checker itself), with the structure the IR had.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <filesystem>

#include "formats/onnx.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {
namespace {

class OnnxExportTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxExportTest, PassesTheCheckerWithWeightsAsInitializers) {
  ir::Graph graph = zoo::BuildModel(GetParam());
  zoo::MaterializeWeights(graph);
  const std::string bytes = ExportOnnx(graph);
  onnx::ModelProto model;
  ASSERT_TRUE(model.ParseFromString(bytes));
  EXPECT_EQ(model.ir_version(), 8);
  ASSERT_EQ(model.opset_import_size(), 1);
  EXPECT_EQ(model.opset_import(0).version(), 13);
  EXPECT_EQ(model.producer_name(), "edgebench");
  EXPECT_EQ(model.graph().node_size(), static_cast<int>(graph.nodes().size()));
  ASSERT_EQ(model.graph().input_size(), 1);
  const auto& dims = model.graph().input(0).type().tensor_type().shape().dim();
  ASSERT_EQ(dims.size(), static_cast<int>(graph.value(graph.inputs()[0]).shape.size()));
  for (int d = 0; d < dims.size(); ++d) {
    EXPECT_EQ(dims[d].dim_value(), graph.value(graph.inputs()[0]).shape[static_cast<size_t>(d)]);
  }
  int64_t weights = 0;
  for (const ir::Value& value : graph.values()) {
    weights += value.kind == ir::ValueKind::kConstant ? 1 : 0;
  }
  // Every IR constant, plus shape/scale/clip initializers that replace attributes.
  EXPECT_GE(model.graph().initializer_size(), weights);
  for (const onnx::TensorProto& tensor : model.graph().initializer()) {
    if (tensor.data_type() == onnx::TensorProto::FLOAT) {
      int64_t count = 1;
      for (int64_t dim : tensor.dims()) count *= dim;
      EXPECT_EQ(static_cast<int64_t>(tensor.raw_data().size()), count * 4) << tensor.name();
    }
  }
}

std::vector<std::string> AllModels() {
  std::vector<std::string> ids;
  for (const zoo::ModelEntry& entry : zoo::ModelCatalog()) ids.emplace_back(entry.id);
  return ids;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Zoo, OnnxExportTest, ::testing::ValuesIn(AllModels()), TestName);

TEST(OnnxExportFileTest, WritesAFileTheImporterReads) {
  ir::Graph graph = zoo::BuildModel("cifarnet");
  zoo::MaterializeWeights(graph);
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "edgebench_export_test.onnx";
  ExportOnnxFile(graph, path.string());
  const ir::Graph imported = ImportOnnxFile(path.string());
  EXPECT_EQ(imported.name(), "edgebench_export_test");
  EXPECT_EQ(imported.nodes().size(), graph.nodes().size());
  std::filesystem::remove(path);
  EXPECT_THROW(ExportOnnxFile(graph, "/nonexistent-dir/model.onnx"), FormatError);
}

TEST(OnnxExportFileTest, RefusesGraphsWithoutWeights) {
  const ir::Graph graph = zoo::BuildModel("cifarnet");
  try {
    ExportOnnx(graph);
    FAIL() << "exported a graph without weights";
  } catch (const FormatError& error) {
    EXPECT_NE(std::string(error.what()).find("materialize"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace edgebench::formats
