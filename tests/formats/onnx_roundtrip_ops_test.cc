// Every op of the modern set survives IR -> ONNX -> IR: the imported graph has the same
// ops under the same names, the same output shapes, and the reference engine computes
// bit-identical outputs from it (composite ops included: the exporter writes Silu,
// HardSwish, Gelu and LayerNorm as node patterns the importer folds back).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "backends/reference/reference_backend.h"
#include "formats/onnx.h"
#include "ir/shape_inference.h"
#include "onnx_test_model.h"

namespace edgebench::formats {
namespace {

using onnx_test::TestValues;

// A graph with one input `x` of `shape`, built by `body` (which returns the output).
struct Case {
  std::string name;
  ir::Shape shape;
  std::function<ir::ValueId(ir::Graph&, ir::ValueId)> body;
  bool positive_input = false;  // for Log, Sqrt, Pow
};

// gtest prints the case by its name.
void PrintTo(const Case& test, std::ostream* out) { *out << test.name; }

ir::ValueId Constant(ir::Graph& graph, const std::string& name, ir::Shape shape,
                     std::vector<float> data) {
  const ir::ValueId id = graph.AddConstant(name, std::move(shape), ir::WeightRole::kWeight, {});
  graph.mutable_value(id).data = std::move(data);
  return id;
}

ir::ValueId Unary(ir::Graph& graph, ir::ValueId x, ir::OpKind op, ir::Attrs attrs = {}) {
  return graph.AddNode("op", op, std::move(attrs), {x});
}

std::vector<Case> Cases() {
  using K = ir::OpKind;
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<Case> cases;
  auto add = [&](std::string name, ir::Shape shape,
                 std::function<ir::ValueId(ir::Graph&, ir::ValueId)> body, bool positive = false) {
    cases.push_back({std::move(name), std::move(shape), std::move(body), positive});
  };
  // Binary ops: constant on either side, broadcasting, two activations.
  for (auto [name, op] : std::vector<std::pair<std::string, K>>{{"sub", K::kSub},
                                                                {"mul", K::kMul},
                                                                {"div", K::kDiv},
                                                                {"pow", K::kPow},
                                                                {"maximum", K::kMaximum},
                                                                {"minimum", K::kMinimum}}) {
    add(
        name + "_const_right", {2, 3, 4},
        [op](ir::Graph& g, ir::ValueId x) {
          return g.AddNode("op", op, {}, {x, Constant(g, "c", {3, 1}, {0.5f, 1.5f, 2.0f})});
        },
        op == K::kPow);
    add(
        name + "_const_left", {2, 3, 4},
        [op](ir::Graph& g, ir::ValueId x) {
          return g.AddNode("op", op, {}, {Constant(g, "c", {}, {1.25f}), x});
        },
        op == K::kPow);
    add(
        name + "_activations", {2, 3, 4},
        [op](ir::Graph& g, ir::ValueId x) {
          const ir::ValueId r = g.AddNode("relu", K::kRelu, {}, {x});
          return g.AddNode("op", op, {}, {x, r});
        },
        op == K::kPow);
  }
  add("add_broadcast", {2, 1, 4}, [](ir::Graph& g, ir::ValueId x) {
    return g.AddNode("op", K::kAdd, {}, {x, Constant(g, "c", {3, 1}, {1, 2, 3})});
  });
  // Unary ops.
  for (auto [name, op] : std::vector<std::pair<std::string, K>>{{"hard_swish", K::kHardSwish},
                                                                {"silu", K::kSilu},
                                                                {"tanh", K::kTanh},
                                                                {"exp", K::kExp},
                                                                {"abs", K::kAbs},
                                                                {"neg", K::kNeg},
                                                                {"erf", K::kErf}}) {
    add(name, {1, 3, 4, 4}, [op](ir::Graph& g, ir::ValueId x) { return Unary(g, x, op); });
  }
  add(
      "log", {2, 5}, [](ir::Graph& g, ir::ValueId x) { return Unary(g, x, K::kLog); }, true);
  add(
      "sqrt", {2, 5}, [](ir::Graph& g, ir::ValueId x) { return Unary(g, x, K::kSqrt); }, true);
  add("hard_sigmoid", {2, 5}, [](ir::Graph& g, ir::ValueId x) {
    return Unary(g, x, K::kHardSigmoid, ir::HardSigmoidAttrs{.alpha = 0.3f, .beta = 0.4f});
  });
  add("gelu", {2, 8},
      [](ir::Graph& g, ir::ValueId x) { return Unary(g, x, K::kGelu, ir::GeluAttrs{}); });
  add("gelu_tanh", {2, 8}, [](ir::Graph& g, ir::ValueId x) {
    return Unary(g, x, K::kGelu, ir::GeluAttrs{.tanh_approximation = true});
  });
  add("clip", {2, 5}, [](ir::Graph& g, ir::ValueId x) {
    return Unary(g, x, K::kClip, ir::ClipAttrs{.min = -0.25f, .max = 0.5f});
  });
  add("clip_open_below", {2, 5}, [inf](ir::Graph& g, ir::ValueId x) {
    return Unary(g, x, K::kClip, ir::ClipAttrs{.min = -inf, .max = 0.5f});
  });
  // Reductions.
  for (auto [name, op] : std::vector<std::pair<std::string, K>>{{"reduce_mean", K::kReduceMean},
                                                                {"reduce_sum", K::kReduceSum},
                                                                {"reduce_max", K::kReduceMax}}) {
    add(name, {2, 3, 4}, [op](ir::Graph& g, ir::ValueId x) {
      return Unary(g, x, op, ir::ReduceAttrs{.axes = {-1, 0}, .keepdims = false});
    });
    add(name + "_all_kept", {2, 3, 4},
        [op](ir::Graph& g, ir::ValueId x) { return Unary(g, x, op, ir::ReduceAttrs{}); });
  }
  // Data movement.
  add("transpose", {2, 3, 4}, [](ir::Graph& g, ir::ValueId x) {
    return Unary(g, x, K::kTranspose, ir::TransposeAttrs{.perm = {2, 0, 1}});
  });
  add("transpose_reverse", {2, 3, 4},
      [](ir::Graph& g, ir::ValueId x) { return Unary(g, x, K::kTranspose, ir::TransposeAttrs{}); });
  add("slice", {4, 6}, [](ir::Graph& g, ir::ValueId x) {
    return Unary(g, x, K::kSlice, ir::SliceAttrs{.starts = {1}, .ends = {-1}});
  });
  add("slice_steps", {4, 6}, [](ir::Graph& g, ir::ValueId x) {
    return Unary(
        g, x, K::kSlice,
        ir::SliceAttrs{.starts = {5, 0}, .ends = {-100, 4}, .axes = {-1, 0}, .steps = {-2, 3}});
  });
  add("squeeze", {1, 3, 1, 2}, [](ir::Graph& g, ir::ValueId x) {
    return Unary(g, x, K::kSqueeze, ir::AxesAttrs{.axes = {2}});
  });
  add("squeeze_all", {1, 3, 1, 2},
      [](ir::Graph& g, ir::ValueId x) { return Unary(g, x, K::kSqueeze, ir::AxesAttrs{}); });
  add("unsqueeze", {3, 2}, [](ir::Graph& g, ir::ValueId x) {
    return Unary(g, x, K::kUnsqueeze, ir::AxesAttrs{.axes = {0, -1}});
  });
  for (auto [name, mode] :
       std::vector<std::pair<std::string, ir::PadMode>>{{"pad_constant", ir::PadMode::kConstant},
                                                        {"pad_reflect", ir::PadMode::kReflect},
                                                        {"pad_edge", ir::PadMode::kEdge}}) {
    add(name, {1, 2, 3, 4}, [mode](ir::Graph& g, ir::ValueId x) {
      return Unary(
          g, x, K::kPad,
          ir::PadAttrs{
              .pads_begin = {0, 0, 1, 2}, .pads_end = {0, 1, 2, 0}, .mode = mode, .value = 0.75f});
    });
  }
  add("gather", {3, 4}, [](ir::Graph& g, ir::ValueId x) {
    return Unary(g, x, K::kGather,
                 ir::GatherAttrs{.axis = -1, .indices = {3, -1, 0, 1}, .indices_shape = {2, 2}});
  });
  add("gather_scalar", {3, 4}, [](ir::Graph& g, ir::ValueId x) {
    return Unary(g, x, K::kGather, ir::GatherAttrs{.axis = 0, .indices = {2}, .indices_shape = {}});
  });
  // Linear layers.
  add("matmul_batched_constant", {2, 3, 4}, [](ir::Graph& g, ir::ValueId x) {
    return g.AddNode("op", K::kMatMul, {}, {x, Constant(g, "w", {4, 5}, TestValues(20))});
  });
  add("matmul_activations", {2, 3, 3}, [](ir::Graph& g, ir::ValueId x) {
    const ir::ValueId t = Unary(g, x, K::kTranspose, ir::TransposeAttrs{.perm = {0, 2, 1}});
    return g.AddNode("matmul", K::kMatMul, {}, {x, t});
  });
  add("conv_transpose", {1, 4, 3, 3}, [](ir::Graph& g, ir::ValueId x) {
    return g.AddNode("op", K::kConvTranspose,
                     ir::ConvTransposeAttrs{.strides = {2, 3},
                                            .pads_begin = {1, 0},
                                            .pads_end = {0, 2},
                                            .dilations = {1, 2},
                                            .output_padding = {1, 0},
                                            .groups = 2},
                     {x, Constant(g, "w", {4, 3, 3, 2}, TestValues(72)),
                      Constant(g, "b", {6}, {1, 2, 3, 4, 5, 6})});
  });
  // Resize: every mode and coordinate mapping, by scales and by sizes.
  for (auto coordinates :
       {ir::ResizeCoordinates::kHalfPixel, ir::ResizeCoordinates::kPytorchHalfPixel,
        ir::ResizeCoordinates::kAlignCorners, ir::ResizeCoordinates::kAsymmetric}) {
    for (auto mode : {ir::ResizeMode::kNearest, ir::ResizeMode::kLinear}) {
      const std::string name =
          fmt::format("resize_{}_{}", static_cast<int>(mode), static_cast<int>(coordinates));
      add(name + "_fractional", {1, 2, 4, 5}, [=](ir::Graph& g, ir::ValueId x) {
        return Unary(g, x, K::kResize,
                     ir::ResizeAttrs{.mode = mode,
                                     .coordinates = coordinates,
                                     .nearest = ir::ResizeNearest::kCeil,
                                     .scales = {1, 1, 1.7f, 0.6f},
                                     .sizes = {1, 2, 6, 3}});
      });
      add(name + "_integer", {1, 2, 3, 3}, [=](ir::Graph& g, ir::ValueId x) {
        return Unary(g, x, K::kResize,
                     ir::ResizeAttrs{.mode = mode,
                                     .coordinates = coordinates,
                                     .scales = {1, 1, 2, 3},
                                     .sizes = {1, 2, 6, 9}});
      });
    }
  }
  add("layer_norm", {2, 3, 4}, [](ir::Graph& g, ir::ValueId x) {
    return g.AddNode("op", K::kLayerNorm, ir::LayerNormAttrs{.axis = -1, .epsilon = 1e-3f},
                     {x, Constant(g, "scale", {4}, {1, 2, 3, 4})});
  });
  add("layer_norm_bias", {2, 3, 4}, [](ir::Graph& g, ir::ValueId x) {
    return g.AddNode("op", K::kLayerNorm, ir::LayerNormAttrs{.axis = 1},
                     {x, Constant(g, "scale", {3, 4}, TestValues(12, 2)),
                      Constant(g, "bias", {3, 4}, TestValues(12, 3))});
  });
  return cases;
}

class OnnxRoundTripOpTest : public ::testing::TestWithParam<Case> {};

TEST_P(OnnxRoundTripOpTest, ImportOfExportComputesTheSame) {
  const Case& test = GetParam();
  ir::Graph graph(test.name);
  const ir::ValueId x = graph.AddInput("x", test.shape);
  graph.MarkOutput(test.body(graph, x));
  ir::InferShapes(graph);
  const std::string bytes = ExportOnnx(graph);
  const ir::Graph imported = ImportOnnx(bytes, test.name);

  const std::vector<ir::NodeId> order = graph.ExecutionOrder();
  const std::vector<ir::NodeId> imported_order = imported.ExecutionOrder();
  ASSERT_EQ(imported_order.size(), order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const ir::Node& a = graph.node(order[i]);
    const ir::Node& b = imported.node(imported_order[i]);
    EXPECT_EQ(ir::OpName(b.op), ir::OpName(a.op));
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.inputs.size(), a.inputs.size()) << a.name;
    EXPECT_EQ(imported.value(b.outputs[0]).name, graph.value(a.outputs[0]).name);
    EXPECT_EQ(imported.value(b.outputs[0]).shape, graph.value(a.outputs[0]).shape);
  }

  std::vector<float> data = TestValues(static_cast<size_t>(ir::ElementCount(test.shape)), 5);
  if (test.positive_input) {
    for (float& v : data) v = std::abs(v) + 0.125f;
  }
  const std::vector<backends::HostTensor> inputs{backends::HostTensor(test.shape, data)};
  std::vector<backends::HostTensor> expected;
  std::vector<backends::HostTensor> actual;
  const backends::Status a = backends::reference::RunReference(graph, inputs, expected);
  ASSERT_TRUE(a.ok) << a.message;
  const backends::Status b = backends::reference::RunReference(imported, inputs, actual);
  ASSERT_TRUE(b.ok) << b.message;
  ASSERT_EQ(actual.size(), 1u);
  ASSERT_EQ(actual[0].shape, expected[0].shape);
  EXPECT_EQ(std::memcmp(actual[0].data.data(), expected[0].data.data(),
                        expected[0].data.size() * sizeof(float)),
            0);
}

INSTANTIATE_TEST_SUITE_P(Ops, OnnxRoundTripOpTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

// Composite ops leave no trace of their patterns in the imported graph.
TEST(OnnxRoundTripOpTest, CompositesImportAsOneNodeWithoutLeftoverConstants) {
  ir::Graph graph("composites");
  const ir::ValueId x = graph.AddInput("x", {1, 4, 8});
  ir::ValueId y = graph.AddNode("gelu", ir::OpKind::kGelu, ir::GeluAttrs{}, {x});
  y = graph.AddNode("silu", ir::OpKind::kSilu, {}, {y});
  y = graph.AddNode("hswish", ir::OpKind::kHardSwish, {}, {y});
  y = graph.AddNode("norm", ir::OpKind::kLayerNorm, ir::LayerNormAttrs{},
                    {y, Constant(graph, "gamma", {8}, TestValues(8))});
  graph.MarkOutput(y);
  ir::InferShapes(graph);
  const std::string bytes = ExportOnnx(graph);
  onnx::ModelProto model;
  ASSERT_TRUE(model.ParseFromString(bytes));
  EXPECT_GT(model.graph().node_size(), 4);  // written as patterns
  const ir::Graph imported = ImportOnnx(bytes, "composites");
  EXPECT_EQ(imported.nodes().size(), 4u);
  int constants = 0;
  for (const ir::Value& value : imported.values()) {
    constants += value.kind == ir::ValueKind::kConstant ? 1 : 0;
  }
  EXPECT_EQ(constants, 1);  // gamma only: no scalars or ones-scales of the patterns
}

}  // namespace
}  // namespace edgebench::formats
