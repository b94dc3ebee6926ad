// The LibTorch plugin (libtorch-eager and libtorch-script), loaded through the registry
// as edgebench loads it, checked against the reference engine: every zoo model, and small
// graphs for each op whose PyTorch form differs from the IR's (asymmetric padding,
// ceil-mode overhang, average-pool divisors, LRN, upsampling, softmax axes).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "harness/verification.h"
#include "ir/shape_inference.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::backends {
namespace {

const std::string kPluginDir = EDGEBENCH_PLUGIN_DIR;
constexpr double kTolerance = 1e-4;  // fp32 relative L2, as harness::ToleranceFor("fp32")
const char* const kModes[] = {"libtorch-eager", "libtorch-script"};

// One backend per mode for the whole binary. The handles are never destroyed on purpose:
// unloading libtorch (dlclose) at exit while its OpenMP pool lives is not worth testing.
Backend& TorchBackend(const std::string& id) {
  static auto* registry = [] {
    auto* r = new BackendRegistry(kPluginDir);
    r->DeclarePlugin("libtorch-eager", "LibTorch eager", "libedgebench_libtorch.so");
    r->DeclarePlugin("libtorch-script", "LibTorch TorchScript", "libedgebench_libtorch.so");
    return r;
  }();
  static auto* eager = new BackendHandle();
  static auto* script = new BackendHandle();
  BackendHandle& handle = id == "libtorch-eager" ? *eager : *script;
  if (!handle) {
    std::string error;
    handle = registry->Create(id, error);
    if (!handle) ADD_FAILURE() << "cannot create " << id << ": " << error;
  }
  return *handle;
}

std::vector<HostTensor> SeededInputs(const ir::Graph& graph) {
  std::vector<HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    const ir::Shape& shape = graph.value(id).shape;
    inputs.emplace_back(shape, zoo::SeededInput(shape));
  }
  return inputs;
}

struct Outcome {
  Status status;
  std::vector<HostTensor> outputs;
};

Outcome RunOnce(Backend& backend, const ir::Graph& graph, const std::vector<HostTensor>& inputs,
                int threads = 2) {
  Outcome outcome;
  std::unique_ptr<Session> session;
  outcome.status = backend.Prepare(graph, {.threads = threads, .precision = "fp32"}, session);
  if (outcome.status.ok) outcome.status = session->SetInputs(inputs);
  if (outcome.status.ok) outcome.status = session->Run();
  if (outcome.status.ok) outcome.status = session->GetOutputs(outcome.outputs);
  return outcome;
}

// Runs `graph` on the reference and on both modes; every mode must support every node and
// match within the fp32 bound. Returns the rel L2 error per mode.
std::vector<double> ExpectMatchesReference(const ir::Graph& graph, double tolerance = kTolerance) {
  const std::vector<HostTensor> inputs = SeededInputs(graph);
  std::vector<HostTensor> expected;
  const Status reference = reference::RunReference(graph, inputs, expected);
  EXPECT_TRUE(reference.ok) << reference.message;
  std::vector<double> errors;
  for (const char* mode : kModes) {
    Backend& backend = TorchBackend(mode);
    const Support support = CheckGraphSupport(backend, graph);
    EXPECT_TRUE(support.supported) << mode << ": " << support.reason;
    if (!support.supported) continue;
    const Outcome outcome = RunOnce(backend, graph, inputs);
    EXPECT_TRUE(outcome.status.ok) << mode << ": " << outcome.status.message;
    if (!outcome.status.ok) continue;
    std::string error;
    const harness::Verification verification =
        harness::CompareOutputs(expected, outcome.outputs, tolerance, error);
    EXPECT_TRUE(error.empty()) << mode << ": " << error;
    EXPECT_TRUE(verification.passed)
        << mode << ": rel L2 " << verification.rel_l2_error << ", max abs "
        << verification.max_abs_error << " (" << backend.Version() << ")";
    errors.push_back(verification.rel_l2_error);
  }
  return errors;
}

// ---------------------------------------------------------------------------------------
// Plugin surface

TEST(LibTorchPluginTest, ServesBothIdsAndRefusesOthers) {
  for (const char* mode : kModes) {
    Backend& backend = TorchBackend(mode);
    EXPECT_EQ(backend.Id(), mode);
    EXPECT_NE(backend.Version().find("LibTorch 1."), std::string::npos) << backend.Version();
    std::printf("[ version  ] %s: %s\n", mode, backend.Version().c_str());
  }
  EXPECT_NE(TorchBackend("libtorch-script").Version().find("freeze"), std::string::npos);
  BackendRegistry registry(kPluginDir);
  registry.DeclarePlugin("libtorch-gpu", "not served", "libedgebench_libtorch.so");
  std::string error;
  EXPECT_EQ(registry.Create("libtorch-gpu", error), nullptr);
  EXPECT_NE(error.find("does not serve"), std::string::npos) << error;
}

TEST(LibTorchPluginTest, LimitsOpenBlasToOneThreadPerCaller) {
  TorchBackend("libtorch-eager");  // loading the plugin applies the limit
  const char* setting = std::getenv("OPENBLAS_NUM_THREADS");
  ASSERT_NE(setting, nullptr);
  void* blas = dlopen("libblas.so.3", RTLD_LAZY | RTLD_NOLOAD);
  if (blas == nullptr) GTEST_SKIP() << "torch loaded no libblas.so.3";
  using GetThreadsFn = int (*)();
  auto get_threads = reinterpret_cast<GetThreadsFn>(dlsym(blas, "openblas_get_num_threads"));
  if (get_threads != nullptr && std::string(setting) == "1") {
    // The running library, not only the environment, was told (it read the variable
    // before the plugin could set it).
    EXPECT_EQ(get_threads(), 1);
  }
  dlclose(blas);
}

TEST(LibTorchPluginTest, RejectsOtherPrecisionsAndTypes) {
  ir::Graph graph("relu");
  const ir::ValueId x = graph.AddInput("x", {1, 2, 3, 3});
  graph.MarkOutput(graph.AddNode("relu", ir::OpKind::kRelu, {}, {x}));
  ir::InferShapes(graph);
  for (const char* mode : kModes) {
    std::unique_ptr<Session> session;
    const Status status =
        TorchBackend(mode).Prepare(graph, {.threads = 1, .precision = "fp16"}, session);
    EXPECT_FALSE(status.ok);
    EXPECT_NE(status.message.find("precision fp16 not supported"), std::string::npos)
        << status.message;
  }
  ir::Graph half("relu-f16");
  const ir::ValueId h = half.AddInput("x", {1, 2, 3, 3}, ir::DType::kF16);
  half.MarkOutput(half.AddNode("relu", ir::OpKind::kRelu, {}, {h}));
  ir::InferShapes(half);
  for (const char* mode : kModes) {
    const Support support = CheckGraphSupport(TorchBackend(mode), half);
    EXPECT_FALSE(support.supported);
    EXPECT_NE(support.reason.find("f32"), std::string::npos) << support.reason;
  }
}

TEST(LibTorchPluginTest, PrepareNamesWeightsWithoutData) {
  const ir::Graph graph = zoo::BuildModel("cifarnet");  // weights described, not materialized
  for (const char* mode : kModes) {
    std::unique_ptr<Session> session;
    const Status status = TorchBackend(mode).Prepare(graph, {.threads = 1}, session);
    EXPECT_FALSE(status.ok) << mode;
    EXPECT_NE(status.message.find("not materialized"), std::string::npos) << status.message;
  }
}

TEST(LibTorchPluginTest, SessionChecksInputsAndReusesBuffers) {
  ir::Graph graph = zoo::BuildModel("cifarnet");
  zoo::MaterializeWeights(graph);
  const std::vector<HostTensor> inputs = SeededInputs(graph);
  for (const char* mode : kModes) {
    std::unique_ptr<Session> session;
    ASSERT_TRUE(TorchBackend(mode).Prepare(graph, {.threads = 1}, session).ok);
    std::vector<HostTensor> outputs;
    EXPECT_FALSE(session->GetOutputs(outputs).ok);  // nothing has run yet
    EXPECT_FALSE(session->SetInputs({HostTensor({1, 3, 16, 16})}).ok);
    ASSERT_TRUE(session->SetInputs(inputs).ok);
    ASSERT_TRUE(session->Run().ok);
    ASSERT_TRUE(session->GetOutputs(outputs).ok);
    // A second run on new inputs must see them (inputs are copied, not captured).
    std::vector<HostTensor> other = inputs;
    for (float& v : other[0].data) v = -v;
    std::vector<HostTensor> again;
    ASSERT_TRUE(session->SetInputs(other).ok);
    ASSERT_TRUE(session->Run().ok);
    ASSERT_TRUE(session->GetOutputs(again).ok);
    EXPECT_NE(outputs[0].data, again[0].data) << mode;
    // And the original inputs reproduce the original outputs exactly.
    ASSERT_TRUE(session->SetInputs(inputs).ok);
    ASSERT_TRUE(session->Run().ok);
    ASSERT_TRUE(session->GetOutputs(again).ok);
    EXPECT_EQ(outputs[0].data, again[0].data) << mode;
  }
}

TEST(LibTorchPluginTest, SessionOutlivesItsGraph) {
  const std::vector<HostTensor> inputs = SeededInputs(zoo::BuildModel("cifarnet"));
  for (const char* mode : kModes) {
    std::unique_ptr<Session> session;
    {
      ir::Graph graph = zoo::BuildModel("cifarnet");
      zoo::MaterializeWeights(graph);
      ASSERT_TRUE(TorchBackend(mode).Prepare(graph, {.threads = 1}, session).ok);
    }
    std::vector<HostTensor> outputs;
    ASSERT_TRUE(session->SetInputs(inputs).ok);
    ASSERT_TRUE(session->Run().ok) << mode;
    ASSERT_TRUE(session->GetOutputs(outputs).ok);
    EXPECT_EQ(outputs[0].shape, (ir::Shape{1, 10}));
  }
}

// ---------------------------------------------------------------------------------------
// Per-op semantics on small graphs

// Builds graphs whose constants get seeded weights once shapes are inferred.
class OpGraph {
 public:
  explicit OpGraph(const ir::Shape& input) : graph_("op") { x_ = graph_.AddInput("x", input); }

  ir::ValueId x() const { return x_; }
  ir::ValueId Weight(const std::string& name, ir::Shape shape, float center = 0.0f,
                     float half_width = 0.5f) {
    return graph_.AddConstant(name, std::move(shape), ir::WeightRole::kWeight,
                              {center, half_width});
  }
  ir::ValueId Node(const std::string& name, ir::OpKind op, ir::Attrs attrs,
                   std::vector<ir::ValueId> inputs) {
    return graph_.AddNode(name, op, std::move(attrs), std::move(inputs));
  }
  ir::Graph& Finish(std::vector<ir::ValueId> outputs) {
    for (ir::ValueId id : outputs) graph_.MarkOutput(id);
    ir::InferShapes(graph_);
    zoo::MaterializeWeights(graph_);
    return graph_;
  }

 private:
  ir::Graph graph_;
  ir::ValueId x_;
};

ir::Graph& SingleOp(OpGraph& g, ir::OpKind op, ir::Attrs attrs) {
  return g.Finish({g.Node("op", op, std::move(attrs), {g.x()})});
}

TEST(LibTorchOpTest, ConvAsymmetricPaddingStridesDilationGroups) {
  {
    OpGraph g({1, 4, 9, 10});
    const ir::ValueId w = g.Weight("w", {6, 4, 3, 3});
    const ir::ValueId b = g.Weight("b", {6});
    ir::ConvAttrs attrs{
        .strides = {2, 2}, .pads_begin = {0, 1}, .pads_end = {1, 2}, .dilations = {1, 1}};
    ExpectMatchesReference(g.Finish({g.Node("conv", ir::OpKind::kConv, attrs, {g.x(), w, b})}));
  }
  {
    OpGraph g({1, 4, 11, 8});
    const ir::ValueId w = g.Weight("w", {8, 2, 3, 2});
    ir::ConvAttrs attrs{.strides = {1, 2},
                        .pads_begin = {2, 0},
                        .pads_end = {3, 1},
                        .dilations = {2, 1},
                        .groups = 2};
    ExpectMatchesReference(g.Finish({g.Node("conv", ir::OpKind::kConv, attrs, {g.x(), w})}));
  }
  {  // depthwise with "same" padding as TF exports it for stride 2
    OpGraph g({1, 6, 8, 8});
    const ir::ValueId w = g.Weight("w", {6, 1, 3, 3});
    ir::ConvAttrs attrs{.strides = {2, 2},
                        .pads_begin = {0, 0},
                        .pads_end = {1, 1},
                        .dilations = {1, 1},
                        .groups = 6};
    ExpectMatchesReference(g.Finish({g.Node("conv", ir::OpKind::kConv, attrs, {g.x(), w})}));
  }
  {  // 3-D
    OpGraph g({1, 2, 5, 6, 7});
    const ir::ValueId w = g.Weight("w", {3, 2, 3, 3, 3});
    const ir::ValueId b = g.Weight("b", {3});
    ir::ConvAttrs attrs{.strides = {1, 2, 1},
                        .pads_begin = {1, 0, 2},
                        .pads_end = {1, 1, 0},
                        .dilations = {1, 1, 1}};
    ExpectMatchesReference(g.Finish({g.Node("conv", ir::OpKind::kConv, attrs, {g.x(), w, b})}));
  }
}

ir::PoolAttrs Pool(std::vector<int64_t> kernel, std::vector<int64_t> strides,
                   std::vector<int64_t> begin, std::vector<int64_t> end, bool ceil_mode,
                   bool count_include_pad = false) {
  return {.kernel = std::move(kernel),
          .strides = std::move(strides),
          .pads_begin = std::move(begin),
          .pads_end = std::move(end),
          .ceil_mode = ceil_mode,
          .count_include_pad = count_include_pad};
}

// Pooling cases covering each lowering path: native symmetric padding, ceil-mode windows
// overhanging the input and the end padding (with native and with explicit padding; the
// overhang never counts in the divisor), asymmetric padding (explicit pad), padding above
// kernel / 2, and a ceil-mode window the IR drops because it would start inside the end
// padding (in 4, kernel 3, stride 2, end pad 2: PyTorch on the padded input keeps it).
std::vector<std::pair<ir::Shape, ir::PoolAttrs>> PoolCases(bool count_include_pad) {
  return {
      {{1, 3, 8, 8}, Pool({3, 3}, {2, 2}, {0, 0}, {0, 0}, true, count_include_pad)},
      {{1, 3, 7, 9}, Pool({3, 3}, {2, 2}, {1, 1}, {1, 1}, true, count_include_pad)},
      {{1, 3, 8, 8}, Pool({3, 3}, {2, 2}, {1, 1}, {1, 1}, true, count_include_pad)},
      {{1, 2, 7, 7}, Pool({3, 3}, {2, 2}, {1, 0}, {0, 1}, true, count_include_pad)},
      {{1, 3, 9, 9}, Pool({2, 2}, {2, 2}, {0, 0}, {0, 0}, true, count_include_pad)},
      {{1, 3, 10, 7}, Pool({3, 3}, {2, 2}, {0, 1}, {1, 1}, false, count_include_pad)},
      {{1, 3, 10, 7}, Pool({3, 3}, {2, 2}, {0, 1}, {1, 1}, true, count_include_pad)},
      {{1, 2, 4, 4}, Pool({3, 3}, {2, 2}, {0, 0}, {2, 2}, true, count_include_pad)},
      {{1, 2, 8, 8}, Pool({3, 3}, {1, 1}, {2, 2}, {2, 2}, false, count_include_pad)},
      {{1, 2, 11, 6}, Pool({5, 2}, {3, 1}, {2, 1}, {4, 0}, true, count_include_pad)},
      {{1, 2, 5, 7, 6}, Pool({2, 3, 3}, {2, 2, 2}, {0, 1, 0}, {1, 1, 2}, true, count_include_pad)},
      {{1, 2, 4, 7, 7}, Pool({2, 2, 2}, {2, 2, 2}, {0, 0, 0}, {0, 0, 0}, true, count_include_pad)},
  };
}

TEST(LibTorchOpTest, MaxPoolPaddingAndCeilModeOverhang) {
  for (const auto& [shape, attrs] : PoolCases(false)) {
    SCOPED_TRACE(ir::ShapeToString(shape));
    OpGraph g(shape);
    ExpectMatchesReference(SingleOp(g, ir::OpKind::kMaxPool, attrs));
  }
}

TEST(LibTorchOpTest, AvgPoolExcludingPadding) {
  for (const auto& [shape, attrs] : PoolCases(false)) {
    SCOPED_TRACE(ir::ShapeToString(shape));
    OpGraph g(shape);
    ExpectMatchesReference(SingleOp(g, ir::OpKind::kAvgPool, attrs));
  }
}

TEST(LibTorchOpTest, AvgPoolCountingPadding) {
  for (const auto& [shape, attrs] : PoolCases(true)) {
    SCOPED_TRACE(ir::ShapeToString(shape));
    OpGraph g(shape);
    ExpectMatchesReference(SingleOp(g, ir::OpKind::kAvgPool, attrs));
  }
}

TEST(LibTorchOpTest, PoolAfterConvIsStillExact) {
  // The script mode's optimize_for_inference moves conv chains to oneDNN's layout;
  // pooling inside such a chain must keep the IR's ceil-mode divisor.
  for (bool count_include_pad : {false, true}) {
    OpGraph g({1, 3, 13, 13});
    const ir::ValueId w = g.Weight("w", {8, 3, 3, 3});
    ir::ConvAttrs conv{
        .strides = {1, 1}, .pads_begin = {1, 1}, .pads_end = {1, 1}, .dilations = {1, 1}};
    const ir::ValueId c = g.Node("conv", ir::OpKind::kConv, conv, {g.x(), w});
    const ir::ValueId r = g.Node("relu", ir::OpKind::kRelu, {}, {c});
    const ir::ValueId p =
        g.Node("pool", ir::OpKind::kAvgPool,
               Pool({3, 3}, {2, 2}, {1, 1}, {1, 1}, true, count_include_pad), {r});
    const ir::ValueId m =
        g.Node("max", ir::OpKind::kMaxPool, Pool({2, 2}, {2, 2}, {0, 0}, {0, 0}, true), {p});
    const ir::ValueId w2 = g.Weight("w2", {4, 8, 1, 1});
    ExpectMatchesReference(g.Finish({g.Node(
        "conv2", ir::OpKind::kConv,
        ir::ConvAttrs{
            .strides = {1, 1}, .pads_begin = {0, 0}, .pads_end = {0, 0}, .dilations = {1, 1}},
        {m, w2})}));
  }
}

TEST(LibTorchOpTest, LocalResponseNormalization) {
  for (const ir::Shape& shape : {ir::Shape{1, 7, 5, 6}, ir::Shape{2, 4, 3, 4, 5}}) {
    for (int64_t size : {1, 3, 5}) {
      SCOPED_TRACE(ir::ShapeToString(shape) + " size " + std::to_string(size));
      OpGraph g(shape);
      // A large alpha makes the window's extent and the alpha / size convention visible.
      ExpectMatchesReference(
          SingleOp(g, ir::OpKind::kLrn,
                   ir::LrnAttrs{.size = size, .alpha = 2.0f, .beta = 0.75f, .bias = 1.5f}));
    }
  }
  OpGraph g({1, 96, 8, 8});  // AlexNet's parameters
  ExpectMatchesReference(SingleOp(g, ir::OpKind::kLrn, ir::LrnAttrs{}));
}

TEST(LibTorchOpTest, UpsampleNearest) {
  {
    OpGraph g({1, 3, 5, 4});
    ExpectMatchesReference(SingleOp(g, ir::OpKind::kUpsampleNearest, ir::UpsampleAttrs{{2, 2}}));
  }
  {
    OpGraph g({1, 2, 7, 5});
    ExpectMatchesReference(SingleOp(g, ir::OpKind::kUpsampleNearest, ir::UpsampleAttrs{{3, 1}}));
  }
  {
    OpGraph g({1, 2, 13, 13});
    ExpectMatchesReference(SingleOp(g, ir::OpKind::kUpsampleNearest, ir::UpsampleAttrs{{5, 7}}));
  }
  {
    OpGraph g({1, 2, 3, 4, 5});
    ExpectMatchesReference(SingleOp(g, ir::OpKind::kUpsampleNearest, ir::UpsampleAttrs{{1, 2, 3}}));
  }
}

TEST(LibTorchOpTest, SoftmaxOnAnyAxis) {
  for (int64_t axis : {1, 2, 3, -1}) {
    SCOPED_TRACE(axis);
    OpGraph g({2, 5, 3, 4});
    ExpectMatchesReference(SingleOp(g, ir::OpKind::kSoftmax, ir::SoftmaxAttrs{axis}));
  }
}

TEST(LibTorchOpTest, ElementwiseShapeAndDenseOps) {
  OpGraph g({2, 4, 6, 6});
  const ir::ValueId scale = g.Weight("scale", {4}, 1.0f, 0.5f);
  const ir::ValueId bias = g.Weight("bias", {4});
  const ir::ValueId mean = g.Weight("mean", {4});
  const ir::ValueId variance = g.Weight("variance", {4}, 1.0f, 0.5f);
  const ir::ValueId bn = g.Node("bn", ir::OpKind::kBatchNorm, ir::BatchNormAttrs{1e-3f},
                                {g.x(), scale, bias, mean, variance});
  const ir::ValueId six = g.Node("relu6", ir::OpKind::kRelu6, {}, {bn});
  const ir::ValueId leaky = g.Node("leaky", ir::OpKind::kLeakyRelu, ir::LeakyReluAttrs{0.2f}, {bn});
  const ir::ValueId sigmoid = g.Node("sigmoid", ir::OpKind::kSigmoid, {}, {leaky});
  const ir::ValueId sum = g.Node("add", ir::OpKind::kAdd, {}, {six, sigmoid});
  const ir::ValueId cat = g.Node("cat", ir::OpKind::kConcat, ir::ConcatAttrs{2}, {sum, g.x()});
  const ir::ValueId cat1 = g.Node("cat1", ir::OpKind::kConcat, ir::ConcatAttrs{1}, {cat, cat});
  // Flatten at axis 2 is [N*C, H*W] in the IR, not torch.flatten's [N, C, H*W].
  const ir::ValueId flat = g.Node("flat", ir::OpKind::kFlatten, ir::FlattenAttrs{2}, {cat1});
  const ir::ValueId reshaped =
      g.Node("reshape", ir::OpKind::kReshape, ir::ReshapeAttrs{{0, -1, 12}}, {flat});
  const ir::ValueId gap = g.Node("gap", ir::OpKind::kGlobalAvgPool, {}, {cat1});
  const ir::ValueId gap_flat = g.Node("gap_flat", ir::OpKind::kFlatten, ir::FlattenAttrs{1}, {gap});
  const ir::ValueId w = g.Weight("fc_w", {5, 8});
  const ir::ValueId b = g.Weight("fc_b", {5});
  const ir::ValueId fc = g.Node("fc", ir::OpKind::kFullyConnected, {}, {gap_flat, w, b});
  const ir::ValueId fc_nobias = g.Node("fc2", ir::OpKind::kFullyConnected, {}, {gap_flat, w});
  // Several outputs: the script module returns a tuple.
  ExpectMatchesReference(g.Finish({fc, reshaped, fc_nobias}));
}

TEST(LibTorchOpTest, GlobalAveragePool3d) {
  OpGraph g({1, 3, 4, 5, 6});
  ExpectMatchesReference(SingleOp(g, ir::OpKind::kGlobalAvgPool, {}));
}

// ---------------------------------------------------------------------------------------
// Every zoo model against the reference

// Every catalog model runs at its default input except the few whose reference run alone
// takes several seconds (c3d ~10 s, vgg16/vgg19 ~7 s, yolov3, resnet-101 ~4 s in a
// release build); resnet-18, mobilenet-v2, cifarnet, tiny-yolo and vgg-s-32 always run
// at their default sizes. Sanitizer builds run the reference ~20x slower: small models only.
std::vector<std::string> ZooRequests() {
#if defined(__SANITIZE_ADDRESS__)
  return {"cifarnet", "vgg-s-32", "tiny-yolo@64", "mobilenet-v2@64", "c3d@4x32x32"};
#else
  static const std::vector<std::pair<std::string, std::string>> kSmaller = {
      {"vgg16", "vgg16@112"},   {"vgg19", "vgg19@112"},           {"c3d", "c3d@8x56x56"},
      {"yolov3", "yolov3@160"}, {"resnet-101", "resnet-101@160"},
  };
  std::vector<std::string> requests;
  for (const zoo::ModelEntry& entry : zoo::ModelCatalog()) {
    std::string request(entry.id);
    for (const auto& [id, smaller] : kSmaller) {
      if (entry.id == id) request = smaller;
    }
    requests.push_back(request);
  }
  return requests;
#endif
}

class LibTorchZooTest : public testing::TestWithParam<std::string> {};

TEST_P(LibTorchZooTest, MatchesReference) {
  ir::Graph graph = zoo::BuildModel(GetParam());
  zoo::MaterializeWeights(graph);
  const std::vector<double> errors = ExpectMatchesReference(graph);
  if (errors.size() == 2) {
    std::printf("[ rel L2   ] %-24s eager %.2e  script %.2e\n", GetParam().c_str(), errors[0],
                errors[1]);
    RecordProperty("eager_rel_l2", std::to_string(errors[0]));
    RecordProperty("script_rel_l2", std::to_string(errors[1]));
  }
}

INSTANTIATE_TEST_SUITE_P(Zoo, LibTorchZooTest, testing::ValuesIn(ZooRequests()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// ---------------------------------------------------------------------------------------
// Informational: ResNet-18 latency per mode and thread count (no assertion; the harness
// does real measurements).

TEST(LibTorchTimingTest, ResNet18EagerVersusScript) {
  ir::Graph graph = zoo::BuildModel("resnet-18");
  zoo::MaterializeWeights(graph);
  const std::vector<HostTensor> inputs = SeededInputs(graph);
  for (int threads : {1, 2}) {
    for (const char* mode : kModes) {
      std::unique_ptr<Session> session;
      ASSERT_TRUE(TorchBackend(mode).Prepare(graph, {.threads = threads}, session).ok);
      ASSERT_TRUE(session->SetInputs(inputs).ok);
      for (int warmup = 0; warmup < 3; ++warmup) ASSERT_TRUE(session->Run().ok);
      std::vector<double> ms;
      for (int i = 0; i < 7; ++i) {
        const auto start = std::chrono::steady_clock::now();
        ASSERT_TRUE(session->Run().ok);
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
      }
      std::sort(ms.begin(), ms.end());
      std::printf("[ timing   ] resnet-18 %-16s %d thread%s: median %.1f ms (min %.1f)\n", mode,
                  threads, threads == 1 ? " " : "s", ms[ms.size() / 2], ms.front());
    }
  }
}

}  // namespace
}  // namespace edgebench::backends
