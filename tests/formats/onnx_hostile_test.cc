// Files are hostile until validated: every malformed input here must end in a
// FormatError with a useful message -- never a crash, a hang or a huge allocation (the
// sanitizer build runs these too).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "formats/onnx.h"
#include "onnx_test_model.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {
namespace {

using onnx_test::OnnxModelBuilder;
using onnx_test::SetFloat;
using onnx_test::SetInt;
using onnx_test::SetInts;
using onnx_test::TestValues;

// Imports `bytes` expecting a FormatError whose message contains `needle`; returns it.
std::string ExpectFormatError(const std::string& bytes, const std::string& needle,
                              const OnnxImportLimits& limits = {}) {
  try {
    ImportOnnx(bytes, "hostile", limits);
  } catch (const FormatError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(needle), std::string::npos) << message;
    EXPECT_NE(message.find("'hostile'"), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "imported without error; expected '" << needle << "'";
  return "";
}

// A valid single-Conv model to damage.
OnnxModelBuilder ConvModel() {
  OnnxModelBuilder b;
  b.Input("x", {1, 2, 4, 4}).Output("y");
  b.Initializer("w", {3, 2, 3, 3}, TestValues(54));
  b.Node("Conv", {"x", "w"}, {"y"}, "conv");
  return b;
}

TEST(OnnxHostileTest, ValidBaselineImports) { EXPECT_NO_THROW(ImportOnnx(ConvModel().Bytes())); }

TEST(OnnxHostileTest, EmptyAndForeignBytes) {
  ExpectFormatError("", "not an ONNX model");
  ExpectFormatError("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "not an ONNX model");
  ExpectFormatError("hello, this is plainly text and not a protobuf", "not an ONNX model");
  std::mt19937 random(42);
  for (size_t length : {1, 7, 64, 1000, 100000}) {
    for (int trial = 0; trial < 20; ++trial) {
      std::string bytes(length, '\0');
      for (char& c : bytes) c = static_cast<char>(random());
      EXPECT_THROW(ImportOnnx(bytes, "random"), FormatError) << length;
    }
  }
}

TEST(OnnxHostileTest, TruncatedModelsFailCleanly) {
  ir::Graph graph = zoo::BuildModel("cifarnet");
  zoo::MaterializeWeights(graph);
  const std::string bytes = ExportOnnx(graph);
  ASSERT_NO_THROW(ImportOnnx(bytes, "full"));
  std::vector<size_t> cuts{0, 1, 2, 10, 100, bytes.size() - 1, bytes.size() - 2};
  for (size_t i = 1; i < 64; ++i) cuts.push_back(bytes.size() * i / 64);
  for (size_t cut : cuts) {
    EXPECT_THROW(ImportOnnx(bytes.substr(0, cut), "truncated"), FormatError) << cut;
  }
}

TEST(OnnxHostileTest, TensorDataMustMatchDims) {
  {
    OnnxModelBuilder b = ConvModel();
    b.model().mutable_graph()->mutable_initializer(0)->mutable_raw_data()->resize(100);
    ExpectFormatError(b.Bytes(), "raw_data has 100 bytes");
  }
  {
    OnnxModelBuilder b = ConvModel();
    onnx::TensorProto* w = b.model().mutable_graph()->mutable_initializer(0);
    w->clear_raw_data();
    w->add_float_data(1.0f);
    ExpectFormatError(b.Bytes(), "holds 1 values");
  }
  {
    OnnxModelBuilder b = ConvModel();
    onnx::TensorProto* w = b.model().mutable_graph()->mutable_initializer(0);
    w->clear_dims();
    for (int64_t dim : {int64_t{1000000}, int64_t{1000000}, int64_t{1}, int64_t{1}}) {
      w->add_dims(dim);  // 1e12 elements, a few bytes of data
    }
    ExpectFormatError(b.Bytes(), "exceed the limit");
  }
  {
    OnnxModelBuilder b = ConvModel();
    b.model().mutable_graph()->mutable_initializer(0)->set_dims(1, -2);
    ExpectFormatError(b.Bytes(), "negative dim");
  }
  {
    OnnxModelBuilder b = ConvModel();
    onnx::TensorProto* w = b.model().mutable_graph()->mutable_initializer(0);
    w->clear_dims();
    for (int i = 0; i < 4; ++i) w->add_dims(int64_t{1} << 62);  // overflows if multiplied
    ExpectFormatError(b.Bytes(), "exceeds the limit");
  }
  {
    OnnxModelBuilder b = ConvModel();
    b.model().mutable_graph()->mutable_initializer(0)->set_data_type(onnx::TensorProto::STRING);
    ExpectFormatError(b.Bytes(), "element type STRING");
  }
  {
    OnnxModelBuilder b = ConvModel();
    onnx::TensorProto* w = b.model().mutable_graph()->mutable_initializer(0);
    w->set_data_location(onnx::TensorProto::EXTERNAL);
    ExpectFormatError(b.Bytes(), "external data");
  }
}

TEST(OnnxHostileTest, StructuralErrors) {
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 2, 4, 4}).Output("y");
    b.Node("Conv", {"x", "missing_weight"}, {"y"}, "conv");
    ExpectFormatError(b.Bytes(), "input 'missing_weight' is not defined");
  }
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 4}).Output("y");
    b.Node("Add", {"x", "c"}, {"a"}, "first");
    b.Node("Relu", {"a"}, {"c"}, "second");
    b.Node("Relu", {"a"}, {"y"}, "third");
    ExpectFormatError(b.Bytes(), "cycle");
  }
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 4}).Output("y");
    b.Node("Relu", {"y"}, {"y"}, "self");
    ExpectFormatError(b.Bytes(), "cycle through node 'self'");
  }
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 4}).Output("y");
    b.Node("Relu", {"x"}, {"y"});
    b.Node("Sigmoid", {"x"}, {"y"});
    ExpectFormatError(b.Bytes(), "produced by two nodes");
  }
  {
    OnnxModelBuilder b = ConvModel();
    b.Node("Relu", {"x"}, {"w"});
    ExpectFormatError(b.Bytes(), "redefines");
  }
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 4});
    b.Node("Relu", {"x"}, {"y"});
    ExpectFormatError(b.Bytes(), "no outputs");
  }
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 4}).Output("nowhere");
    b.Node("Relu", {"x"}, {"y"});
    ExpectFormatError(b.Bytes(), "'nowhere' is not produced");
  }
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 4}).Input("x", {1, 4}).Output("x");
    ExpectFormatError(b.Bytes(), "declared twice");
  }
  {
    OnnxModelBuilder b;
    b.Input("x", {1, -3}).Output("x");
    b.model()
        .mutable_graph()
        ->mutable_input(0)
        ->mutable_type()
        ->mutable_tensor_type()
        ->mutable_shape()
        ->mutable_dim(1)
        ->set_dim_value(-3);
    ExpectFormatError(b.Bytes(), "dim -3");
  }
  {
    OnnxModelBuilder b = ConvModel();
    b.model().clear_opset_import();
    ExpectFormatError(b.Bytes(), "no opset");
  }
}

TEST(OnnxHostileTest, UnknownOpNamesOpAndNode) {
  OnnxModelBuilder b;
  b.Input("x", {1, 4}).Output("y");
  b.Node("FancyOp", {"x"}, {"y"}, "mystery");
  try {
    ImportOnnx(b.Bytes(), "hostile");
    FAIL() << "imported an unknown op";
  } catch (const UnsupportedModelError& error) {
    EXPECT_NE(std::string(error.what()).find("unsupported ONNX op 'FancyOp' (node 'mystery')"),
              std::string::npos)
        << error.what();
  }
  OnnxModelBuilder custom;
  custom.Input("x", {1, 4}).Output("y");
  custom.Node("Relu", {"x"}, {"y"}, "custom").set_domain("com.example");
  ExpectFormatError(custom.Bytes(), "'com.example.Relu'");
}

TEST(OnnxHostileTest, WrongAttributeTypesAndValues) {
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 2, 4, 4}).Output("y");
    b.Initializer("w", {3, 2, 3, 3}, TestValues(54));
    SetFloat(b.Node("Conv", {"x", "w"}, {"y"}, "conv"), "strides", 2.0f);
    ExpectFormatError(b.Bytes(), "'strides' must be INTS, not FLOAT");
  }
  {
    OnnxModelBuilder b = ConvModel();
    SetInt(*b.model().mutable_graph()->mutable_node(0), "group", int64_t{1} << 62);
    ExpectFormatError(b.Bytes(), "group");
  }
  {
    OnnxModelBuilder b = ConvModel();
    SetInts(*b.model().mutable_graph()->mutable_node(0), "strides", {INT64_MAX, INT64_MAX});
    ExpectFormatError(b.Bytes(), "strides");
  }
  {
    OnnxModelBuilder b = ConvModel();
    SetInts(*b.model().mutable_graph()->mutable_node(0), "pads", {1, 1});
    ExpectFormatError(b.Bytes(), "'pads' has 2 values");
  }
  {
    OnnxModelBuilder b = ConvModel();
    SetInt(*b.model().mutable_graph()->mutable_node(0), "unheard_of", 1);
    ExpectFormatError(b.Bytes(), "unsupported attribute 'unheard_of'");
  }
  {
    OnnxModelBuilder b = ConvModel();
    SetInt(*b.model().mutable_graph()->mutable_node(0), "group", 1);
    SetInt(*b.model().mutable_graph()->mutable_node(0), "group", 1);
    ExpectFormatError(b.Bytes(), "given twice");
  }
  {
    OnnxModelBuilder b;
    b.Input("x", {1, 4}).Output("y");
    b.IntInitializer("shape", {3}, {int64_t{1} << 40, int64_t{1} << 40, 4});
    b.Node("Reshape", {"x", "shape"}, {"y"});
    ExpectFormatError(b.Bytes(), "Reshape");
  }
  {
    OnnxModelBuilder b(9);
    b.Input("x", {1, 1, 2, 2}).Output("y");
    b.Initializer("scales", {4}, {1, 1, 1e30f, 1e30f});
    b.Node("Upsample", {"x", "scales"}, {"y"});
    ExpectFormatError(b.Bytes(), "scale 1.0000000150474662e+30 of dim 2 is invalid");
  }
  {
    OnnxModelBuilder b(9);
    b.Input("x", {1, 1, 2, 2}).Output("y");
    b.Initializer("scales", {4}, {1, 1, 1 << 30, 1 << 30});
    b.Node("Upsample", {"x", "scales"}, {"y"});
    ExpectFormatError(b.Bytes(), "exceed the limit");
  }
}

TEST(OnnxHostileTest, HostileShapeArithmetic) {
  auto folded_reshape = [](const std::function<void(OnnxModelBuilder&)>& make_target) {
    OnnxModelBuilder b;
    b.Input("x", {1, 2, 3, 3}).Output("y");
    make_target(b);
    b.Node("Reshape", {"x", "target"}, {"y"});
    return b.Bytes();
  };
  ExpectFormatError(folded_reshape([](OnnxModelBuilder& b) {
                      b.IntInitializer("i", {1}, {7});
                      b.Node("Shape", {"x"}, {"s"});
                      b.Node("Gather", {"s", "i"}, {"target"});
                    }),
                    "Gather index 7 out of range");
  ExpectFormatError(folded_reshape([](OnnxModelBuilder& b) {
                      b.IntInitializer("big", {1}, {INT64_MAX});
                      b.Node("Shape", {"x"}, {"s"});
                      b.Node("Mul", {"s", "big"}, {"target"});
                    }),
                    "overflows");
  // Slice with extreme bounds and steps clamps instead of overflowing.
  OnnxModelBuilder b;
  b.Input("x", {1, 2, 3, 3}).Output("y");
  b.IntInitializer("starts", {1}, {INT64_MAX});
  b.IntInitializer("ends", {1}, {INT64_MIN});
  b.IntInitializer("axes", {1}, {0});
  b.IntInitializer("steps", {1}, {INT64_MIN});
  b.IntInitializer("tail", {1}, {-1});
  b.Node("Shape", {"x"}, {"s"});
  b.Node("Slice", {"s", "starts", "ends", "axes", "steps"}, {"reversed"});
  SetInt(b.Node("Concat", {"reversed", "tail"}, {"target"}), "axis", 0);
  b.Node("Reshape", {"x", "target"}, {"y"});
  const ir::Graph graph = ImportOnnx(b.Bytes());
  EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{3, 6}));
  // ConstantOfShape asked for 2^40 elements.
  OnnxModelBuilder huge;
  huge.Input("x", {1, 4}).Output("y");
  huge.IntInitializer("dims", {2}, {int64_t{1} << 20, int64_t{1} << 20});
  huge.Node("ConstantOfShape", {"dims"}, {"c"});
  huge.Node("Add", {"x", "c"}, {"y"});
  ExpectFormatError(huge.Bytes(), "exceed the limit");
}

// Length prefixes inside the protobuf that promise more bytes than there are.
TEST(OnnxHostileTest, HugeDeclaredSizesInsideTheProtobuf) {
  // Field 7 (graph), length-delimited, claiming 2^31-1 bytes.
  ExpectFormatError(std::string("\x08\x07\x3a\xff\xff\xff\xff\x07"
                                "abc",
                                11),
                    "not an ONNX model");
  // Field 7 with a 10-byte varint length beyond 2^63.
  ExpectFormatError(std::string("\x3a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11),
                    "not an ONNX model");
  // A valid model whose initializer's raw_data length prefix is enlarged in place.
  OnnxModelBuilder b = ConvModel();
  std::string bytes = b.Bytes();
  const std::string raw = b.model().graph().initializer(0).raw_data();
  const size_t at = bytes.find(raw);
  ASSERT_NE(at, std::string::npos);
  // The byte before the data ends the varint length (216 = 0xd8 0x01): make it huge.
  bytes[at - 1] = '\x7f';
  bytes[at - 2] = '\xff';
  EXPECT_THROW(ImportOnnx(bytes, "hostile"), FormatError);
  // Graphs nested in attributes deeper than protobuf's recursion limit.
  onnx::ModelProto deep = ConvModel().model();
  onnx::GraphProto* graph = deep.mutable_graph();
  for (int depth = 0; depth < 300; ++depth) {
    onnx::NodeProto* node = graph->add_node();
    node->set_op_type("If");
    onnx::AttributeProto* attr = node->add_attribute();
    attr->set_name("then_branch");
    attr->set_type(onnx::AttributeProto::GRAPH);
    graph = attr->mutable_g();
  }
  EXPECT_THROW(ImportOnnx(deep.SerializeAsString(), "hostile"), FormatError);
}

// A small random mutation of a valid file: importing either works or throws
// FormatError, whatever the damage (the sanitizer build checks the "no crash" half).
TEST(OnnxHostileTest, RandomCorruptionNeverCrashes) {
  ir::Graph cifarnet = zoo::BuildModel("cifarnet");
  zoo::MaterializeWeights(cifarnet);
  OnnxModelBuilder folded(11);
  folded.Input("x", {1, 2, 4, 4}).Output("y");
  folded.Initializer("w", {8, 3}, TestValues(24));
  folded.IntInitializer("zero", {}, {0});
  folded.IntInitializer("minus_one", {1}, {-1});
  folded.Initializer("scales", {4}, {1, 1, 2, 2});
  folded.Node("Resize", {"x", "scales"}, {"up"});
  folded.Node("Shape", {"up"}, {"s"});
  folded.Node("Gather", {"s", "zero"}, {"n"});
  SetInts(folded.Node("Unsqueeze", {"n"}, {"n1"}), "axes", {0});
  SetInt(folded.Node("Concat", {"n1", "minus_one"}, {"target"}), "axis", 0);
  folded.Node("Reshape", {"up", "target"}, {"flat"});
  folded.Node("Gemm", {"flat", "w"}, {"y"});
  std::mt19937 random(7);
  OnnxImportLimits limits;
  limits.max_total_weight_bytes = int64_t{64} << 20;  // keep damaged sizes cheap
  for (const std::string& bytes : {ExportOnnx(cifarnet), folded.Bytes()}) {
    for (int trial = 0; trial < 300; ++trial) {
      std::string damaged = bytes;
      const int flips = 1 + static_cast<int>(random() % 8);
      for (int f = 0; f < flips; ++f) {
        damaged[random() % damaged.size()] = static_cast<char>(random());
      }
      try {
        ImportOnnx(damaged, "damaged", limits);
      } catch (const FormatError&) {
      }
    }
  }
}

TEST(OnnxHostileTest, LimitsAreEnforced) {
  OnnxImportLimits limits;
  limits.max_total_weight_bytes = 100;
  ExpectFormatError(ConvModel().Bytes(), "weights exceed the limit of 100 bytes", limits);
  limits = {};
  limits.max_nodes = 0;
  ExpectFormatError(ConvModel().Bytes(), "nodes exceed the limit", limits);
  limits = {};
  limits.max_file_bytes = 10;
  ExpectFormatError(ConvModel().Bytes(), "exceed the limit of 10", limits);
  limits = {};
  limits.max_tensor_elements = 20;
  ExpectFormatError(ConvModel().Bytes(), "exceed the limit of 20 elements", limits);
}

TEST(OnnxHostileTest, FilesAndTensors) {
  EXPECT_THROW(ImportOnnxFile("/nonexistent/model.onnx"), FormatError);
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "edgebench_hostile_test.onnx";
  {
    std::ofstream file(path, std::ios::binary);
    file << "garbage";
  }
  try {
    ImportOnnxFile(path.string());
    ADD_FAILURE() << "imported garbage";
  } catch (const FormatError& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
  std::filesystem::remove(path);
  EXPECT_THROW(ReadOnnxTensor("\x0a\xff\xff\xff\xff\x0f"), FormatError);
  onnx::TensorProto tensor;
  tensor.set_data_type(onnx::TensorProto::FLOAT);
  tensor.add_dims(3);
  tensor.add_float_data(1.0f);
  EXPECT_THROW(ReadOnnxTensor(tensor.SerializeAsString()), FormatError);
}

}  // namespace
}  // namespace edgebench::formats
