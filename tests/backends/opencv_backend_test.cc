// The opencv plugin, loaded the way edgebench loads it (dlopen through the registry), checked
// against the reference engine: every model or construct it claims to support must match
// the reference at fp32 tolerance, and everything else must be refused up front with a
// reason. The per-model table this prints is the record of what OpenCV DNN runs.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "harness/verification.h"
#include "zoo/graph_builder.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::backends {
namespace {

const std::string kPluginDir = EDGEBENCH_PLUGIN_DIR;

// Relative L2 bound for what OpenCV supports. Tighter than the harness's fp32 bound
// (1e-4): OpenCV's fp32 kernels stay well inside it on every supported zoo model, so a
// regression to a merely "close" result (a wrong padding rule on one border row, say)
// still fails here.
constexpr double kTolerance = 1e-5;

BackendHandle CreateOpenCv() {
  BackendRegistry registry(kPluginDir);
  registry.DeclarePlugin("opencv", "OpenCV DNN (CPU)", "libedgebench_opencv.so");
  std::string error;
  BackendHandle backend = registry.Create("opencv", error);
  EXPECT_NE(backend, nullptr) << error;
  return backend;
}

std::vector<HostTensor> SeededInputs(const ir::Graph& graph) {
  std::vector<HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    inputs.emplace_back(graph.value(id).shape,
                        zoo::SeededInput(graph.value(id).shape, zoo::kDefaultWeightSeed));
  }
  return inputs;
}

Status RunOnce(Backend& backend, const ir::Graph& graph, const BackendOptions& options,
               const std::vector<HostTensor>& inputs, std::vector<HostTensor>& outputs) {
  std::unique_ptr<Session> session;
  Status status = backend.Prepare(graph, options, session);
  if (status.ok) status = session->SetInputs(inputs);
  if (status.ok) status = session->Run();
  if (status.ok) status = session->GetOutputs(outputs);
  return status;
}

// One line of the printed table.
struct Row {
  std::string model;
  bool supported = false;
  harness::Verification verification;
  std::string note;  // the reason when unsupported, the error when failed
};

std::vector<Row>& Rows() {
  static std::vector<Row> rows;
  return rows;
}

std::string FormatRow(const Row& row) {
  if (!row.supported) return fmt::format("{:<30} {:<9} {}", row.model, "no", row.note);
  return fmt::format("{:<30} {:<9} {:<12.3e} {:<12.3e} {}", row.model, "yes",
                     row.verification.rel_l2_error, row.verification.max_abs_error, row.note);
}

// Prints the whole table once all tests of this binary ran in one process (ctest runs
// each test alone; then each prints its own row).
class TablePrinter : public testing::Environment {
 public:
  void TearDown() override {
    if (Rows().size() < 2) return;
    std::printf("\nOpenCV DNN vs reference (fp32, seed %llu)\n",
                static_cast<unsigned long long>(zoo::kDefaultWeightSeed));
    std::printf("%-30s %-9s %-12s %-12s %s\n", "model", "supported", "rel L2", "max abs", "note");
    for (const Row& row : Rows()) std::printf("%s\n", FormatRow(row).c_str());
  }
};
const testing::Environment* const kTablePrinter =
    testing::AddGlobalTestEnvironment(new TablePrinter);

// Checks one graph: supported -> runs and matches the reference; unsupported -> a reason.
void CheckAgainstReference(Backend& backend, ir::Graph graph, const std::string& label) {
  Row row{.model = label};
  const Support support = CheckGraphSupport(backend, graph);
  row.supported = support.supported;
  if (!support.supported) {
    row.note = support.reason;
    EXPECT_FALSE(support.reason.empty()) << label;
  } else {
    zoo::MaterializeWeights(graph, zoo::kDefaultWeightSeed);
    const std::vector<HostTensor> inputs = SeededInputs(graph);
    std::vector<HostTensor> expected;
    const Status reference = reference::RunReference(graph, inputs, expected);
    ASSERT_TRUE(reference.ok) << reference.message;
    std::vector<HostTensor> actual;
    const Status status = RunOnce(backend, graph, {}, inputs, actual);
    EXPECT_TRUE(status.ok) << label << ": " << status.message;
    if (status.ok) {
      std::string error;
      row.verification = harness::CompareOutputs(expected, actual, kTolerance, error);
      EXPECT_TRUE(error.empty()) << label << ": " << error;
      EXPECT_LE(row.verification.rel_l2_error, kTolerance) << label;
    } else {
      row.note = "FAILED: " + status.message;
    }
  }
  std::printf("%s\n", FormatRow(row).c_str());
  Rows().push_back(row);
}

TEST(OpenCvBackendTest, LoadsThroughTheRegistryAndNamesItsVersion) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->Id(), "opencv");
  EXPECT_EQ(backend->Version().rfind("OpenCV 4.", 0), 0u) << backend->Version();
  EXPECT_NE(backend->Version().find("(DNN, CPU, "), std::string::npos) << backend->Version();

  // The plugin serves one id and says so for any other.
  BackendRegistry registry(kPluginDir);
  registry.DeclarePlugin("opencv-gpu", "test", "libedgebench_opencv.so");
  std::string error;
  EXPECT_EQ(registry.Create("opencv-gpu", error), nullptr);
  EXPECT_NE(error.find("opencv-gpu"), std::string::npos) << error;
}

TEST(OpenCvBackendTest, RecordsTheThreadCountAndRefusesOtherPrecisions) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  ir::Graph graph = zoo::BuildModel("cifarnet");
  zoo::MaterializeWeights(graph);
  std::unique_ptr<Session> session;
  Status status = backend->Prepare(graph, {.threads = 2}, session);
  ASSERT_TRUE(status.ok) << status.message;
  EXPECT_NE(backend->Version().find("2 threads"), std::string::npos) << backend->Version();
  status = backend->Prepare(graph, {.threads = 1}, session);
  ASSERT_TRUE(status.ok) << status.message;
  EXPECT_NE(backend->Version().find("1 thread)"), std::string::npos) << backend->Version();

  for (const char* precision : {"fp16", "int8", "bf16"}) {
    std::unique_ptr<Session> refused;
    status = backend->Prepare(graph, {.threads = 1, .precision = precision}, refused);
    EXPECT_FALSE(status.ok) << precision;
    EXPECT_NE(status.message.find(precision), std::string::npos) << status.message;
    EXPECT_EQ(refused, nullptr);
  }
  status = backend->Prepare(graph, {.threads = 0}, session);
  EXPECT_FALSE(status.ok);
}

// Staged once, run twice: both runs must agree bit for bit, so the staged input survives
// a run -- also when the first layer is one OpenCV could run in place on it (a ReLU).
void ExpectRepeatableRuns(Backend& backend, ir::Graph graph) {
  zoo::MaterializeWeights(graph);
  std::unique_ptr<Session> session;
  const Status status = backend.Prepare(graph, {}, session);
  ASSERT_TRUE(status.ok) << status.message;
  ASSERT_TRUE(session->SetInputs(SeededInputs(graph)).ok);
  std::vector<HostTensor> first;
  std::vector<HostTensor> second;
  ASSERT_TRUE(session->Run().ok);
  ASSERT_TRUE(session->GetOutputs(first).ok);
  ASSERT_TRUE(session->Run().ok);
  ASSERT_TRUE(session->GetOutputs(second).ok);
  ASSERT_EQ(first.size(), graph.outputs().size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].shape, graph.value(graph.outputs()[i]).shape);
    EXPECT_EQ(first[i].data, second[i].data) << graph.name() << " output " << i;
  }
}

TEST(OpenCvBackendTest, RepeatedRunsAreIdentical) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  ExpectRepeatableRuns(*backend, zoo::BuildModel("tiny-yolo@64"));  // two outputs
  zoo::GraphBuilder b("relu_first", {1, 3, 8, 8});
  ExpectRepeatableRuns(*backend,
                       b.Finish({b.Conv2d("conv", b.Relu("relu", b.input()), 4, 3, 1, 1)}));
}

TEST(OpenCvBackendTest, InputsAreChecked) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  ir::Graph graph = zoo::BuildModel("cifarnet");
  zoo::MaterializeWeights(graph);
  std::unique_ptr<Session> session;
  const Status status = backend->Prepare(graph, {}, session);
  ASSERT_TRUE(status.ok) << status.message;
  const Status wrong = session->SetInputs({HostTensor(ir::Shape{1, 3, 64, 64})});
  EXPECT_FALSE(wrong.ok);
  EXPECT_NE(wrong.message.find("1x3x64x64"), std::string::npos) << wrong.message;
  EXPECT_FALSE(session->SetInputs({}).ok);
}

TEST(OpenCvBackendTest, GraphsNeedMaterializedWeights) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  std::unique_ptr<Session> session;
  const Status status = backend->Prepare(zoo::BuildModel("cifarnet"), {}, session);
  EXPECT_FALSE(status.ok);
  EXPECT_FALSE(status.message.empty());
}

// Single constructs, each on a small input, covering every IR op and the attribute
// variants where OpenCV's importer or kernels have their own rules (padding, ceil mode,
// 3-D, count_include_pad). Supports() must either refuse one or get it right.
struct Construct {
  const char* name;
  ir::Shape input;
  std::function<ir::ValueId(zoo::GraphBuilder&, ir::ValueId)> build;
};

const std::vector<Construct>& Constructs() {
  using ir::ValueId;
  using zoo::GraphBuilder;
  using zoo::Padding;
  const ir::Shape k2d{1, 8, 14, 14};
  const ir::Shape k3d{1, 4, 6, 10, 10};
  static const std::vector<Construct> constructs = {
      {"conv_3x3_pad1", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Conv2d("conv", x, 16, 3, 1, 1); }},
      {"conv_same_asymmetric", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Conv("conv", x,
                       {.out_channels = 16,
                        .kernel = {3, 3},
                        .strides = {2, 2},
                        .padding = Padding{{0, 0}, {1, 1}}});
       }},
      {"conv_dilated_nobias", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Conv("conv", x,
                       {.out_channels = 8,
                        .kernel = {3, 3},
                        .padding = Padding{{2, 2}, {2, 2}},
                        .dilations = {2, 2},
                        .bias = false});
       }},
      {"conv_depthwise", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Conv2d("conv", x, 8, 3, 2, 1, true, 8); }},
      {"conv_grouped", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Conv2d("conv", x, 16, 3, 1, 1, true, 2); }},
      {"conv3d", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.Conv("conv", x,
                       {.out_channels = 8, .kernel = {3, 3, 3}, .padding = zoo::Symmetric(1, 3)});
       }},
      {"batch_norm_relu", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Relu("relu", b.BatchNorm("bn", x)); }},
      {"relu6", k2d, [](GraphBuilder& b, ValueId x) { return b.Relu6("relu6", x); }},
      {"leaky_relu", k2d, [](GraphBuilder& b, ValueId x) { return b.LeakyRelu("lrelu", x, 0.1f); }},
      {"sigmoid", k2d, [](GraphBuilder& b, ValueId x) { return b.Sigmoid("sigmoid", x); }},
      {"softmax_4d_axis1", k2d, [](GraphBuilder& b, ValueId x) { return b.Softmax("sm", x); }},
      {"max_pool_2x2", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2}, {2, 2});
       }},
      {"max_pool_ceil_overhang", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {3, 3}, {2, 2}, {}, /*ceil_mode=*/true);
       }},
      {"max_pool_same_asymmetric", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {3, 3}, {2, 2}, Padding{{0, 0}, {1, 1}});
       }},
      {"avg_pool_pad_exclude", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3}, {1, 1}, zoo::Symmetric(1));
       }},
      {"avg_pool_pad_include", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3}, {1, 1}, zoo::Symmetric(1), false, true);
       }},
      {"avg_pool_asymmetric_exclude", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3}, {2, 2}, Padding{{0, 0}, {1, 1}});
       }},
      {"avg_pool_ceil_overhang", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3}, {2, 2}, {}, /*ceil_mode=*/true);
       }},
      {"global_avg_pool", k2d,
       [](GraphBuilder& b, ValueId x) { return b.GlobalAvgPool("gap", x); }},
      {"max_pool3d", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2, 2}, {2, 2, 2});
       }},
      {"max_pool3d_ceil", ir::Shape{1, 4, 5, 9, 9},
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2, 2}, {2, 2, 2}, {}, /*ceil_mode=*/true);
       }},
      {"max_pool3d_padded_ceil", ir::Shape{1, 4, 2, 7, 7},
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2, 2}, {2, 2, 2}, Padding{{0, 1, 1}, {0, 1, 1}}, true);
       }},
      {"avg_pool3d", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {2, 2, 2}, {2, 2, 2});
       }},
      {"global_avg_pool3d", k3d,
       [](GraphBuilder& b, ValueId x) { return b.GlobalAvgPool("gap", x); }},
      {"lrn_5", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Lrn("lrn", x, 5, 0.0005f, 0.75f, 2.0f); }},
      {"lrn_9", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Lrn("lrn", x, 9, 0.001f, 0.75f, 1.0f); }},
      {"upsample_nearest_2x", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Upsample("up", x, {2, 2});
       }},
      {"upsample_nearest_2x3", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Upsample("up", x, {2, 3});
       }},
      {"concat_channels", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Concat("cat", {b.Relu("a", x), b.Sigmoid("b", x)});
       }},
      {"add", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Add("add", b.Relu("a", x), b.Sigmoid("b", x)); }},
      {"flatten_fc_softmax", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Softmax("sm", b.FullyConnected("fc", b.Flatten("flat", x), 10));
       }},
      {"fc_nobias", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.FullyConnected("fc", b.Flatten("flat", x), 10, /*bias=*/false);
       }},
      {"reshape", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Reshape("reshape", x, {0, 2, -1, 14});
       }},
      {"flatten_3d", k3d, [](GraphBuilder& b, ValueId x) { return b.Flatten("flat", x); }},
      {"conv3d_strided_asymmetric", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.Conv("conv", x,
                       {.out_channels = 8,
                        .kernel = {3, 3, 3},
                        .strides = {1, 2, 2},
                        .padding = Padding{{1, 0, 0}, {1, 1, 1}}});
       }},
      {"max_pool_ceil_drops_window", ir::Shape{1, 4, 5, 5},
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2}, {2, 2}, zoo::Symmetric(1), /*ceil_mode=*/true);
       }},
      {"avg_pool_ceil_drops_window", ir::Shape{1, 4, 5, 5},
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {2, 2}, {2, 2}, zoo::Symmetric(1), /*ceil_mode=*/true);
       }},
      {"avg_pool_padded_ceil_exclude", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3}, {2, 2}, zoo::Symmetric(1), /*ceil_mode=*/true);
       }},
      {"max_pool_kernel_over_input", ir::Shape{1, 4, 1, 1},
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2}, {2, 2}, {}, /*ceil_mode=*/true);
       }},
      {"avg_pool3d_padded_exclude", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3, 3}, {1, 2, 2}, zoo::Symmetric(1, 3));
       }},
      {"upsample3d", ir::Shape{1, 2, 3, 4, 4},
       [](GraphBuilder& b, ValueId x) {
         return b.Upsample("up", x, {1, 2, 2});
       }},
      {"softmax_4d_last_axis", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Softmax("sm", x, -1); }},
      {"flatten_axis2", k2d, [](GraphBuilder& b, ValueId x) { return b.Flatten("flat", x, 2); }},
      {"concat_axis2", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Concat("cat", {b.Relu("a", x), b.Sigmoid("b", x)}, 2);
       }},
      {"batch2_conv_fc", ir::Shape{2, 3, 9, 9},
       [](GraphBuilder& b, ValueId x) {
         return b.FullyConnected("fc", b.Flatten("flat", b.Conv2d("conv", x, 4, 3, 2, 1)), 5);
       }},
      {"batch_norm3d_relu", k3d,
       [](GraphBuilder& b, ValueId x) { return b.Relu("relu", b.BatchNorm("bn", x)); }},
      {"lrn3d", k3d,
       [](GraphBuilder& b, ValueId x) { return b.Lrn("lrn", x, 3, 0.0005f, 0.75f, 2.0f); }},
      {"add3d_sigmoid_leaky", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.Add("add", b.Sigmoid("a", x), b.LeakyRelu("b", x, 0.2f));
       }},
      {"softmax3d_axis1", k3d, [](GraphBuilder& b, ValueId x) { return b.Softmax("sm", x); }},
      {"concat3d", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.Concat("cat", {b.Relu("a", x), x});
       }},
      {"concat_last_axis", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Concat("cat", {b.Relu("a", x), x}, -1);
       }},
      {"reshape_to_3d_softmax", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Softmax("sm", b.Reshape("reshape", x, {1, 8, -1}), 2);
       }},
      {"relu_on_input", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Conv2d("conv", b.Relu("relu", x), 4, 1); }},
  };
  return constructs;
}

// Names the construct in gtest's messages instead of dumping its bytes.
void PrintTo(const Construct& construct, std::ostream* out) { *out << construct.name; }

class OpenCvConstructTest : public testing::TestWithParam<Construct> {};

TEST_P(OpenCvConstructTest, SupportedMeansEqualToReference) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  const Construct& construct = GetParam();
  zoo::GraphBuilder builder(construct.name, construct.input);
  const ir::ValueId output = construct.build(builder, builder.input());
  CheckAgainstReference(*backend, builder.Finish({output}), construct.name);
}

INSTANTIATE_TEST_SUITE_P(Constructs, OpenCvConstructTest, testing::ValuesIn(Constructs()),
                         [](const testing::TestParamInfo<Construct>& info) {
                           return std::string(info.param.name);
                         });

// Graph outputs that OpenCV would otherwise fuse away (batch norm and ReLU folded into the
// convolution) must still come back, in graph output order.
TEST(OpenCvBackendTest, IntermediateOutputsSurviveLayerFusion) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  zoo::GraphBuilder b("fused_outputs", {1, 3, 12, 12});
  const ir::ValueId conv = b.Conv2d("conv", b.input(), 8, 3, 1, 1);
  const ir::ValueId bn = b.BatchNorm("bn", conv);
  const ir::ValueId relu = b.Relu("relu", bn);
  const ir::ValueId pool = b.MaxPool("pool", relu, {2, 2}, {2, 2});
  CheckAgainstReference(*backend, b.Finish({pool, bn, conv}), "fused_outputs");
}

// Every study model, at its default input where the reference is quick, else smaller;
// EDGEBENCH_OPENCV_FULL_SIZE=1 runs all of them at their default inputs (~1 min more).
std::string StudyRequest(std::string_view id) {
  const char* full_size = std::getenv("EDGEBENCH_OPENCV_FULL_SIZE");
  if (full_size != nullptr && std::string_view(full_size) == "1") return std::string(id);
  if (id == "vgg16" || id == "vgg19") return fmt::format("{}@112", id);
  if (id == "yolov3") return "yolov3@160";
  if (id == "c3d") return "c3d@12x56x56";
  return std::string(id);
}

std::vector<std::string> StudyRequests() {
  std::vector<std::string> requests;
  for (const zoo::ModelEntry& entry : zoo::ModelCatalog()) {
    if (entry.study_model) requests.push_back(StudyRequest(entry.id));
  }
  return requests;
}

class OpenCvZooTest : public testing::TestWithParam<std::string> {};

TEST_P(OpenCvZooTest, SupportedMeansEqualToReference) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  CheckAgainstReference(*backend, zoo::BuildModel(GetParam()), GetParam());
}

INSTANTIATE_TEST_SUITE_P(StudyModels, OpenCvZooTest, testing::ValuesIn(StudyRequests()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// Informational: ResNet-18 latency at 1 and 2 threads (median of a few runs), printed for
// the notes; only success is asserted since shared machines make times noisy.
TEST(OpenCvBackendTest, ReportsResNet18Latency) {
  BackendHandle backend = CreateOpenCv();
  ASSERT_NE(backend, nullptr);
  ir::Graph graph = zoo::BuildModel("resnet-18");
  zoo::MaterializeWeights(graph);
  const std::vector<HostTensor> inputs = SeededInputs(graph);
  for (int threads : {1, 2}) {
    std::unique_ptr<Session> session;
    Status status = backend->Prepare(graph, {.threads = threads}, session);
    ASSERT_TRUE(status.ok) << status.message;
    ASSERT_TRUE(session->SetInputs(inputs).ok);
    ASSERT_TRUE(session->Run().ok);  // first run: OpenCV allocates and fuses here
    std::vector<double> ms;
    for (int i = 0; i < 5; ++i) {
      const auto start = std::chrono::steady_clock::now();
      ASSERT_TRUE(session->Run().ok);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("resnet-18 on %s: median %.1f ms\n", backend->Version().c_str(), ms[ms.size() / 2]);
    RecordProperty(fmt::format("resnet18_ms_{}_threads", threads), fmt::format("{:.1f}", ms[2]));
  }
}

}  // namespace
}  // namespace edgebench::backends
