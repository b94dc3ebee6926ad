// One consistency test for every backend, in the spirit of ggml's test-backend-ops:
// each backend edgebench can load (built-in or plugin, found the way `edgebench run`
// finds them) runs every op construct and every zoo model it says it supports, and must
// match the reference engine at the fp32 tolerance; what it does not support must be
// refused up front with a reason. A new backend joins by being registered in
// DefaultRegistry; nothing here changes.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "harness/reference_cache.h"
#include "harness/verification.h"
#include "op_constructs.h"
#include "zoo/graph_builder.h"
#include "zoo/model_zoo.h"
#include "zoo/seeded_weights.h"

namespace edgebench::backends {
namespace {

using harness::ToleranceFor;

const BackendRegistry& Registry() {
  static const BackendRegistry registry = DefaultRegistry(EDGEBENCH_PLUGIN_DIR);
  return registry;
}

// Backends under test: every available one but the oracle itself.
std::vector<std::string> BackendIds() {
  std::vector<std::string> ids;
  for (const BackendInfo& info : Registry().List()) {
    if (info.available && info.id != "reference") ids.push_back(info.id);
  }
  return ids;
}

// Backends stay loaded for the whole process: unloading a framework (dlclose) while its
// thread pools live is not what is being tested.
Backend& LoadedBackend(const std::string& id) {
  static auto* loaded = new std::map<std::string, BackendHandle>();
  BackendHandle& handle = (*loaded)[id];
  if (!handle) {
    std::string error;
    handle = Registry().Create(id, error);
    if (!handle) ADD_FAILURE() << "cannot create " << id << ": " << error;
  }
  return *handle;
}

// Every op construct (op_constructs.h); a backend must refuse one up front or get it
// right.
std::vector<constructs::Construct> OpConstructs() {
  std::vector<constructs::Construct> all = constructs::ClassicOps();
  for (auto part : {constructs::ElementwiseOps(), constructs::StructuralOps()}) {
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

// Zoo models at their default inputs, except the few whose reference run alone takes
// many seconds in a release build; sanitizer builds (no plugins) keep small inputs.
std::vector<std::string> ZooRequests() {
  std::vector<std::string> requests;
  for (const zoo::ModelEntry& entry : zoo::ModelCatalog()) {
    std::string request(entry.id);
#if defined(__SANITIZE_ADDRESS__)
    request += entry.default_input.size() == 5 ? "@4x32x32" : "@64";
    if (entry.id == "cifarnet" || entry.id == "vgg-s-32" || entry.id == "cifarnet-valid") {
      request = entry.id;
    }
#else
    if (entry.id == "vgg16" || entry.id == "vgg19") request += "@112";
    if (entry.id == "yolov3" || entry.id == "resnet-101") request += "@160";
    if (entry.id == "c3d") request += "@12x56x56";
#endif
    requests.push_back(request);
  }
  return requests;
}

struct Case {
  std::string backend;
  std::string name;                  // construct name or model request
  std::function<ir::Graph()> build;  // weights not yet materialized
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.backend << " x " << c.name; }

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const std::string& backend : BackendIds()) {
    for (const constructs::Construct& construct : OpConstructs()) {
      cases.push_back({backend, "op_" + construct.name, [construct] {
                         zoo::GraphBuilder builder(construct.name, construct.input);
                         return builder.Finish({construct.build(builder, builder.input())});
                       }});
    }
    for (const std::string& request : ZooRequests()) {
      cases.push_back({backend, request, [request] { return zoo::BuildModel(request); }});
    }
  }
  return cases;
}

// Reference outputs are the slow part; the harness's disk cache shares them between the
// backends (each test runs in its own process under ctest).
std::vector<HostTensor> ReferenceOutputs(const std::string& name, const ir::Graph& graph,
                                         const std::vector<HostTensor>& inputs) {
  const std::string path =
      harness::ReferenceCachePath(EDGEBENCH_TEST_CACHE_DIR, name, zoo::kDefaultWeightSeed,
                                  zoo::WeightsDigest(graph), reference::ReferenceEngineRevision());
  std::vector<HostTensor> outputs;
  if (harness::LoadReferenceOutputs(path, outputs)) return outputs;
  const Status status = reference::RunReference(graph, inputs, outputs);
  EXPECT_TRUE(status.ok) << status.message;
  harness::SaveReferenceOutputs(path, outputs);
  return outputs;
}

class BackendConsistencyTest : public testing::TestWithParam<Case> {};

TEST_P(BackendConsistencyTest, SupportedMeansEqualToReference) {
  const Case& c = GetParam();
  Backend& backend = LoadedBackend(c.backend);
  ir::Graph graph = c.build();
  const Support support = CheckGraphSupport(backend, graph);
  if (!support.supported) {
    EXPECT_FALSE(support.reason.empty());
    std::printf("[ result   ] %-16s %-28s unsupported: %s\n", c.backend.c_str(), c.name.c_str(),
                support.reason.c_str());
    return;
  }
  zoo::MaterializeWeights(graph, zoo::kDefaultWeightSeed);
  std::vector<HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    inputs.emplace_back(graph.value(id).shape,
                        zoo::SeededInput(graph.value(id).shape, zoo::kDefaultWeightSeed));
  }
  const std::vector<HostTensor> expected = ReferenceOutputs(c.name, graph, inputs);
  std::unique_ptr<Session> session;
  // Darknet is single-threaded and refuses to pretend otherwise.
  const int threads = c.backend == "darknet" ? 1 : 2;
  Status status = backend.Prepare(graph, {.threads = threads, .precision = "fp32"}, session);
  if (status.ok) status = session->SetInputs(inputs);
  if (status.ok) status = session->Run();
  std::vector<HostTensor> actual;
  if (status.ok) status = session->GetOutputs(actual);
  ASSERT_TRUE(status.ok) << "supported, but failed: " << status.message;
  std::string error;
  const harness::Verification v =
      harness::CompareOutputs(expected, actual, ToleranceFor("fp32"), error);
  EXPECT_TRUE(v.passed) << error;
  std::printf("[ result   ] %-16s %-28s rel L2 %.2e  max abs %.2e  top-5 %.2f\n", c.backend.c_str(),
              c.name.c_str(), v.rel_l2_error, v.max_abs_error, v.top5_agreement);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, BackendConsistencyTest, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<Case>& info) {
                           std::string name = info.param.backend + "_" + info.param.name;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });
// With no plugin built (e.g. the sanitizer preset) there is nothing to compare.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BackendConsistencyTest);

}  // namespace
}  // namespace edgebench::backends
