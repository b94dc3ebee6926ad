// Per-layer profiles on every backend: the reference engine times every node; backends
// that fuse show the fused IR nodes as one row; backends without a profiler say why.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "harness/job_json.h"
#include "harness/profile_session.h"
#include "zoo/graph_builder.h"
#include "zoo/seeded_weights.h"

namespace edgebench::harness {
namespace {

using backends::LayerTime;
using Nodes = std::vector<std::string>;

const std::string kPluginDir = EDGEBENCH_PLUGIN_DIR;

// conv1 + bn1 + relu1 (a conv+bn+relu every fusing backend folds), then conv2 + bn2 whose
// result is added to relu1's output before relu2 (oneDNN's sum post-op), then a
// classifier head.
ir::Graph FusableGraph() {
  zoo::GraphBuilder b("fusable", {1, 8, 12, 12});
  const ir::ValueId y =
      b.Relu("relu1", b.BatchNorm("bn1", b.Conv2d("conv1", b.input(), 8, 3, 1, 1, false)));
  const ir::ValueId z = b.BatchNorm("bn2", b.Conv2d("conv2", y, 8, 3, 1, 1, false));
  const ir::ValueId sum = b.Relu("relu2", b.Add("add2", z, y));
  const ir::ValueId pooled = b.Flatten("flatten", b.GlobalAvgPool("gap", sum));
  ir::Graph graph = b.Finish({b.FullyConnected("fc", pooled, 10)});
  zoo::MaterializeWeights(graph, 11);
  return graph;
}

std::vector<backends::HostTensor> Inputs(const ir::Graph& graph) {
  std::vector<backends::HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    inputs.emplace_back(graph.value(id).shape, zoo::SeededInput(graph.value(id).shape, 3));
  }
  return inputs;
}

// A prepared session of `backend_id` (a built-in or a plugin from the build tree) with
// its inputs staged; null (and `skip` set) when the backend is not built here.
std::unique_ptr<backends::Session> Prepare(const std::string& backend_id, const ir::Graph& graph,
                                           backends::BackendHandle& backend, std::string& skip) {
  const backends::BackendRegistry registry = backends::DefaultRegistry(kPluginDir);
  std::string error;
  backend = registry.Create(backend_id, error);
  if (!backend) {
    skip = backend_id + " is not available: " + error;
    return nullptr;
  }
  std::unique_ptr<backends::Session> session;
  const backends::Status prepared = backend->Prepare(graph, {}, session);
  EXPECT_TRUE(prepared.ok) << prepared.message;
  if (!prepared.ok) return nullptr;
  EXPECT_TRUE(session->SetInputs(Inputs(graph)).ok);
  return session;
}

// Profiles `graph` on `backend_id` as the profile worker does (a few runs).
JobResult ProfileOn(const std::string& backend_id, const ir::Graph& graph, std::string& skip) {
  backends::BackendHandle backend;
  std::unique_ptr<backends::Session> session = Prepare(backend_id, graph, backend, skip);
  JobResult result;
  if (!session) return result;
  EXPECT_TRUE(session->Run().ok);
  std::vector<backends::HostTensor> unprofiled;
  EXPECT_TRUE(session->GetOutputs(unprofiled).ok);
  result.status = JobStatus::kOk;
  result.samples = {0.002, 0.001, 0.003};
  ProfileSession(*session, graph, 3, result);
  // Timing the layers must not change what they compute (Darknet's loop is our copy).
  std::vector<backends::HostTensor> profiled;
  EXPECT_TRUE(session->GetOutputs(profiled).ok);
  EXPECT_EQ(profiled.size(), unprofiled.size());
  for (size_t i = 0; i < profiled.size() && i < unprofiled.size(); ++i) {
    EXPECT_EQ(profiled[i].data, unprofiled[i].data) << backend_id << " output " << i;
  }
  return result;
}

// The rows whose IR nodes include `node`.
std::vector<ProfileRow> RowsCovering(const LayerProfile& profile, const std::string& node) {
  std::vector<ProfileRow> rows;
  for (const ProfileRow& row : profile.rows) {
    if (std::find(row.ir_nodes.begin(), row.ir_nodes.end(), node) != row.ir_nodes.end()) {
      rows.push_back(row);
    }
  }
  return rows;
}

TEST(LayerProfileTest, ReferenceTimesEveryNodeOfAHandBuiltGraphOnce) {
  const ir::Graph graph = FusableGraph();
  std::string skip;
  const JobResult result = ProfileOn("reference", graph, skip);
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  ASSERT_TRUE(result.layer_profile.has_value());
  const LayerProfile& profile = *result.layer_profile;
  ASSERT_TRUE(profile.available()) << profile.no_profiler_reason;
  EXPECT_EQ(profile.runs, 3);
  EXPECT_DOUBLE_EQ(profile.unprofiled_p50, 0.002);  // the median of the samples given
  EXPECT_GT(profile.profiled_p50, 0);
  const Nodes expected = {"conv1", "bn1",   "relu1", "conv2",   "bn2",
                          "add2",  "relu2", "gap",   "flatten", "fc"};
  ASSERT_EQ(profile.rows.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(profile.rows[i].ir_nodes, Nodes{expected[i]});
    EXPECT_GE(profile.rows[i].seconds, 0);
  }
  // 12x12 outputs x 8 channels x 8 input channels x 3x3 taps; fc: 8 x 10.
  EXPECT_EQ(profile.rows[0].macs, 12 * 12 * 8 * 8 * 9);
  EXPECT_EQ(profile.rows[9].macs, 8 * 10);
  EXPECT_EQ(profile.rows[0].kind, "conv");
  ASSERT_EQ(profile.nodes.size(), expected.size());
  EXPECT_EQ(profile.nodes[3].name, "conv2");
  // Each run's layers fit in that run's end-to-end time.
  EXPECT_GT(profile.attributed_p50, 0);
  EXPECT_LE(profile.attributed_p50, profile.profiled_p50);
}

TEST(LayerProfileTest, MedianRowsTakeEachLayersMedianAndCountAMissingLayerAsZero) {
  const ir::Graph graph = FusableGraph();
  const std::vector<std::vector<LayerTime>> runs = {
      {{"c", {"conv1", "bn1", "relu1"}, "conv", 1.0}, {"r", {}, "reorder", 0.5}},
      {{"c", {"conv1", "bn1", "relu1"}, "conv", 3.0}},
      {{"c", {"conv1", "bn1", "relu1"}, "conv", 2.0},
       {"r", {}, "reorder", 0.25},
       {"r", {}, "reorder", 0.25},
       {"fc", {"fc"}, "ip", 4.0}},
  };
  const std::vector<ProfileRow> rows = MedianRows(runs, graph);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].layer, "c");
  EXPECT_DOUBLE_EQ(rows[0].seconds, 2.0);        // median of 1, 3, 2
  EXPECT_EQ(rows[0].macs, 12 * 12 * 8 * 8 * 9);  // conv1's; bn and relu have none
  EXPECT_DOUBLE_EQ(rows[1].seconds, 0.5);        // median of 0.5, 0, 0.25 + 0.25
  EXPECT_EQ(rows[1].macs, 0);
  EXPECT_DOUBLE_EQ(rows[2].seconds, 0.0);  // median of 0, 0, 4
  EXPECT_EQ(rows[2].macs, 80);
}

TEST(LayerProfileTest, OneDnnShowsConvBnReluAndTheSumPostOpAsGroups) {
  const ir::Graph graph = FusableGraph();
  std::string skip;
  const JobResult result = ProfileOn("onednn", graph, skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  const LayerProfile& profile = *result.layer_profile;
  ASSERT_TRUE(profile.available()) << profile.no_profiler_reason;
  const std::vector<ProfileRow> first = RowsCovering(profile, "relu1");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].ir_nodes, (Nodes{"conv1", "bn1", "relu1"}));  // eltwise post-op
  EXPECT_EQ(first[0].kind, "convolution");
  const std::vector<ProfileRow> second = RowsCovering(profile, "add2");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].ir_nodes, (Nodes{"conv2", "bn2", "add2", "relu2"}));  // sum post-op
  // Reorders into and out of oneDNN's blocked layouts are rows of their own.
  for (const ProfileRow& row : profile.rows) {
    if (row.kind == "reorder" && row.ir_nodes.empty()) {
      EXPECT_NE(row.layer.find("reorder"), std::string::npos);
    }
  }
  EXPECT_TRUE(RowsCovering(profile, "bn2").size() == 1);
}

TEST(LayerProfileTest, OpenCvGroupsTheLayersItFusedIntoTheConvolution) {
  const ir::Graph graph = FusableGraph();
  std::string skip;
  const JobResult result = ProfileOn("opencv", graph, skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  const LayerProfile& profile = *result.layer_profile;
  ASSERT_TRUE(profile.available()) << profile.no_profiler_reason;
  const std::vector<ProfileRow> rows = RowsCovering(profile, "bn1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].ir_nodes, (Nodes{"conv1", "bn1", "relu1"}));
  EXPECT_EQ(rows[0].kind, "Convolution");
  EXPECT_GT(rows[0].seconds, 0);
  // Every other node has its own layers (an IR node the exporter wrote as several ONNX
  // nodes may have several), each covering that node alone.
  const std::vector<ProfileRow> second = RowsCovering(profile, "bn2");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].ir_nodes.front(), "conv2");  // conv + bn at least
  for (const char* node : {"gap", "fc"}) {
    const std::vector<ProfileRow> own = RowsCovering(profile, node);
    EXPECT_GE(own.size(), 1u) << node;
    for (const ProfileRow& row : own) EXPECT_EQ(row.ir_nodes, Nodes{node}) << row.layer;
  }
}

TEST(LayerProfileTest, DarknetShowsEachLayerWithTheNodesItsExportFolded) {
  const ir::Graph graph = FusableGraph();
  std::string skip;
  const JobResult result = ProfileOn("darknet", graph, skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  const LayerProfile& profile = *result.layer_profile;
  ASSERT_TRUE(profile.available()) << profile.no_profiler_reason;
  const std::vector<ProfileRow> rows = RowsCovering(profile, "conv1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].ir_nodes, (Nodes{"conv1", "bn1", "relu1"}));
  EXPECT_EQ(rows[0].kind, "convolutional");
  EXPECT_EQ(RowsCovering(profile, "fc").size(), 1u);
}

TEST(LayerProfileTest, LibTorchEagerTimesEveryNode) {
  const ir::Graph graph = FusableGraph();
  std::string skip;
  const JobResult result = ProfileOn("libtorch-eager", graph, skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  ASSERT_TRUE(result.layer_profile->available());
  EXPECT_EQ(result.layer_profile->rows.size(), graph.nodes().size());
}

// LibTorch's profiler on the frozen, optimized TorchScript graph: freezing folds each batch
// norm into the convolution before it, so bn1 has no operator of its own and shares
// conv1's row; optimize_for_inference's layout conversions are rows without IR nodes.
TEST(LayerProfileTest, LibTorchScriptGroupsTheBatchNormFrozenIntoTheConvolution) {
  const ir::Graph graph = FusableGraph();
  std::string skip;
  const JobResult result = ProfileOn("libtorch-script", graph, skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  const LayerProfile& profile = *result.layer_profile;
  ASSERT_TRUE(profile.available()) << profile.no_profiler_reason;
  std::string listing;
  for (const ProfileRow& row : profile.rows) {
    listing += row.layer + " [" + row.kind + "]:";
    for (const std::string& node : row.ir_nodes) listing += " " + node;
    listing += "\n";
  }
  const std::vector<ProfileRow> first = RowsCovering(profile, "bn1");
  ASSERT_EQ(first.size(), 1u) << listing;
  EXPECT_EQ(first[0].ir_nodes.front(), "conv1") << listing;
  EXPECT_NE(first[0].kind.find("conv"), std::string::npos) << listing;
  EXPECT_GT(first[0].seconds, 0) << listing;
  // Every IR node is in exactly one row.
  for (const ir::Node& node : graph.nodes()) {
    EXPECT_EQ(RowsCovering(profile, node.name).size(), 1u) << node.name << "\n" << listing;
  }
  for (const char* node : {"gap", "fc"}) {
    const std::vector<ProfileRow> own = RowsCovering(profile, node);
    ASSERT_EQ(own.size(), 1u) << listing;
    EXPECT_EQ(own[0].ir_nodes, Nodes{node}) << listing;
  }
}

TEST(LayerProfileTest, BackendsWithoutAProfilerSayWhyInsteadOfReportingZeros) {
  const ir::Graph graph = FusableGraph();
  for (const std::string id : {"xnnpack"}) {
    std::string skip;
    const JobResult result = ProfileOn(id, graph, skip);
    if (!skip.empty()) continue;
    ASSERT_EQ(result.status, JobStatus::kOk) << id << ": " << result.error;
    ASSERT_TRUE(result.layer_profile.has_value()) << id;
    EXPECT_FALSE(result.layer_profile->available()) << id;
    EXPECT_TRUE(result.layer_profile->rows.empty()) << id;
    EXPECT_EQ(NoProfilerText(*result.layer_profile).rfind("no per-layer profiler: ", 0), 0u);
    EXPECT_GT(result.layer_profile->no_profiler_reason.size(), 10u) << id;
  }
}

TEST(LayerProfileTest, TheProfileRequestAndResultCrossTheWorkerPipe) {
  WorkerRequest request{.mode = WorkerRequest::Mode::kProfile, .config = {.model = "cifarnet"}};
  request.profile_runs = 7;
  const WorkerRequest request_back =
      WorkerRequestFromJson(nlohmann::json::parse(ToJson(request).dump()));
  EXPECT_EQ(request_back.mode, WorkerRequest::Mode::kProfile);
  EXPECT_EQ(request_back.profile_runs, 7);

  JobResult result{.config = {.model = "cifarnet", .backend = "onednn"}, .status = JobStatus::kOk};
  result.layer_profile = LayerProfile{
      .runs = 7,
      .unprofiled_p50 = 0.25,
      .profiled_p50 = NAN,
      .rows = {{.layer = "reorder before fc", .kind = "reorder", .seconds = 0.5},
               {.layer = "c", .ir_nodes = {"conv1", "relu1"}, .seconds = 1.5, .macs = 9}},
      .nodes = {{"conv1", "conv", 9}, {"relu1", "relu", 0}}};
  const JobResult back = JobResultFromJson(nlohmann::json::parse(ToJson(result).dump()));
  ASSERT_TRUE(back.layer_profile.has_value());
  EXPECT_EQ(back.layer_profile->runs, 7);
  EXPECT_TRUE(std::isnan(back.layer_profile->profiled_p50));
  ASSERT_EQ(back.layer_profile->rows.size(), 2u);
  EXPECT_TRUE(back.layer_profile->rows[0].ir_nodes.empty());
  EXPECT_EQ(back.layer_profile->rows[1].ir_nodes, (Nodes{"conv1", "relu1"}));
  EXPECT_EQ(back.layer_profile->rows[1].macs, 9);
  EXPECT_EQ(back.layer_profile->nodes[1].op, "relu");
  EXPECT_FALSE(JobResultFromJson(nlohmann::json::parse(ToJson(JobResult{}).dump()))
                   .layer_profile.has_value());
}

}  // namespace
}  // namespace edgebench::harness
