// Runs the ONNX project's backend test data (libonnx-testdata) through the importer and
// the reference engine. Every test whose model imports must reproduce the expected
// outputs; a model using something edgebench cannot express (UnsupportedModelError) is
// counted as skipped. Any other import error is a failure: these files are valid ONNX.
//
// So that a regression cannot hide as "skipped", each corpus must reach a minimum number
// of passes, and each listed op must appear in a minimum number of passing tests. A test
// whose expected output the IR deliberately computes differently is listed with the
// reason in kKnownDivergences; it may fail without failing the suite.
//
// Node tests often pass weights as graph inputs; their input_N.pb values are bound as
// constants (OnnxImportOptions::constant_inputs) so Conv/Gemm/BatchNormalization tests
// run. Tolerance: |actual - expected| <= atol + rtol * |expected| with the ONNX backend
// test runner's defaults, rtol = 1e-3 and atol = 1e-7.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "backends/reference/reference_backend.h"
#include "formats/onnx.h"

namespace edgebench::formats {
namespace {

namespace fs = std::filesystem;

constexpr double kRtol = 1e-3;
constexpr double kAtol = 1e-7;
const fs::path kTestData = "/usr/share/libonnx-testdata/data";

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

// input_0.pb, input_1.pb, ... in numeric order.
std::vector<fs::path> NumberedFiles(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (int i = 0;; ++i) {
    fs::path path = dir / (prefix + std::to_string(i) + ".pb");
    if (!fs::exists(path)) break;
    files.push_back(path);
  }
  return files;
}

enum class Outcome { kPassed, kFailed, kSkipped };

struct CaseResult {
  Outcome outcome = Outcome::kPassed;
  std::string detail;
};

// First mismatch between `actual` and `expected`, or "" when they agree.
std::string Compare(const backends::HostTensor& actual, const OnnxTensor& expected) {
  const int64_t count = ir::ElementCount(expected.shape);
  if (actual.shape != expected.shape &&
      !(ir::ElementCount(actual.shape) == count && expected.shape.empty())) {
    return fmt::format("shape {} vs expected {}", ir::ShapeToString(actual.shape),
                       ir::ShapeToString(expected.shape));
  }
  for (size_t i = 0; i < expected.data.size(); ++i) {
    const double a = actual.data[i];
    const double e = expected.data[i];
    if (std::isnan(e) && std::isnan(a)) continue;
    if (a == e) continue;  // infinities
    if (!(std::abs(a - e) <= kAtol + kRtol * std::abs(e))) {
      return fmt::format("element {}: {} vs expected {}", i, a, e);
    }
  }
  return "";
}

CaseResult RunDataSet(const std::string& model_bytes, const std::vector<std::string>& input_names,
                      const fs::path& data_dir) {
  const std::vector<fs::path> input_files = NumberedFiles(data_dir, "input_");
  const std::vector<fs::path> output_files = NumberedFiles(data_dir, "output_");
  OnnxImportOptions options;
  std::map<std::string, std::string> input_bytes;
  for (size_t i = 0; i < input_files.size() && i < input_names.size(); ++i) {
    input_bytes[input_names[i]] = ReadFile(input_files[i]);
  }
  options.constant_inputs = input_bytes;
  ir::Graph graph;
  try {
    graph = ImportOnnx(model_bytes, "conformance", options);
  } catch (const UnsupportedModelError& error) {
    return {Outcome::kSkipped, error.what()};
  } catch (const FormatError& error) {
    return {Outcome::kFailed, fmt::format("import: {}", error.what())};
  }
  std::vector<backends::HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    const ir::Value& value = graph.value(id);
    auto found = input_bytes.find(value.name);
    if (found == input_bytes.end()) return {Outcome::kFailed, "no data for input " + value.name};
    OnnxTensor tensor = ReadOnnxTensor(found->second);
    if (tensor.shape != value.shape) {
      return {Outcome::kFailed,
              fmt::format("input '{}' data {} vs model {}", value.name,
                          ir::ShapeToString(tensor.shape), ir::ShapeToString(value.shape))};
    }
    inputs.emplace_back(tensor.shape, std::move(tensor.data));
  }
  std::vector<backends::HostTensor> outputs;
  const backends::Status status = backends::reference::RunReference(graph, inputs, outputs);
  if (!status.ok) return {Outcome::kFailed, "run: " + status.message};
  if (outputs.size() != output_files.size()) {
    return {Outcome::kFailed,
            fmt::format("{} outputs, expected {}", outputs.size(), output_files.size())};
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    const std::string mismatch = Compare(outputs[i], ReadOnnxTensor(ReadFile(output_files[i])));
    if (!mismatch.empty()) return {Outcome::kFailed, fmt::format("output {}: {}", i, mismatch)};
  }
  return {};
}

struct TestCase {
  std::string name;
  std::string family;  // the model's op types, e.g. "Conv" or "Conv+Relu"
  std::set<std::string> ops;
  CaseResult result;
};

// Tests whose expected outputs follow a reading of the ONNX spec the IR does not share.
const std::map<std::string, std::string>& KnownDivergences() {
  static const std::map<std::string, std::string> kDivergences = {
      {"test_resize_downsample_scales_linear_align_corners",
       "the ONNX 1.12 reference maps align_corners with the unrounded in * scale (2.4) as the "
       "output extent; the spec's formula and ONNX Runtime, like the IR, use the output "
       "size (2)"},
  };
  return kDivergences;
}

// What each corpus must keep passing: the total, and per op type the number of passing
// tests that use it (an op family that starts failing or skipping trips its count).
struct CorpusExpectation {
  int min_passed = 0;
  std::map<std::string, int> min_passed_per_op;
};

const CorpusExpectation& ExpectationFor(const std::string& corpus) {
  // Counts as of this importer; lower them only for a reason written down here.
  static const std::map<std::string, CorpusExpectation> kExpectations = {
      {"node",
       {.min_passed = 337,
        .min_passed_per_op =
            {
                {"Abs", 1},           {"Add", 22},
                {"AveragePool", 12},  {"BatchNormalization", 2},
                {"Cast", 19},         {"Clip", 8},
                {"Concat", 31},       {"ConstantOfShape", 19},
                {"Conv", 6},          {"ConvTranspose", 9},
                {"Div", 30},          {"Dropout", 4},
                {"Erf", 1},           {"Exp", 16},
                {"Flatten", 28},      {"Gather", 4},
                {"Gemm", 11},         {"GlobalAveragePool", 2},
                {"GlobalMaxPool", 2}, {"HardSigmoid", 4},
                {"HardSwish", 1},     {"Identity", 1},
                {"LRN", 2},           {"LayerNormalization", 19},
                {"LeakyRelu", 3},     {"Log", 9},
                {"LogSoftmax", 7},    {"MatMul", 3},
                {"Max", 4},           {"MaxPool", 10},
                {"Mean", 3},          {"Min", 4},
                {"Mul", 23},          {"Neg", 12},
                {"PRelu", 2},         {"Pad", 1},
                {"Pow", 5},           {"Reciprocal", 21},
                {"ReduceL1", 8},      {"ReduceL2", 8},
                {"ReduceLogSum", 5},  {"ReduceMax", 22},
                {"ReduceMean", 28},   {"ReduceMin", 8},
                {"ReduceSum", 24},    {"ReduceSumSquare", 8},
                {"Relu", 1},          {"Reshape", 28},
                {"Resize", 11},       {"Shape", 19},
                {"Sigmoid", 2},       {"Size", 19},
                {"Slice", 26},        {"Softmax", 7},
                {"Softsign", 2},      {"Split", 6},
                {"Sqrt", 22},         {"Squeeze", 2},
                {"Sub", 37},          {"Sum", 3},
                {"Tanh", 2},          {"Transpose", 7},
                {"Unsqueeze", 8},     {"Upsample", 1},
            }}},
      {"pytorch-converted",
       {.min_passed = 65,
        .min_passed_per_op =
            {
                {"Abs", 1},     {"Add", 1},           {"AveragePool", 7}, {"BatchNormalization", 5},
                {"Conv", 18},   {"ConvTranspose", 2}, {"Div", 1},         {"Exp", 1},
                {"Gemm", 1},    {"LeakyRelu", 2},     {"LogSoftmax", 3},  {"MatMul", 1},
                {"MaxPool", 4}, {"Mul", 3},           {"Neg", 1},         {"PRelu", 6},
                {"Pad", 4},     {"Relu", 1},          {"Reshape", 1},     {"Sigmoid", 3},
                {"Softmax", 4}, {"Split", 2},         {"Squeeze", 2},     {"Sub", 1},
                {"Tanh", 1},    {"Transpose", 2},     {"Unsqueeze", 2},
            }}},
      {"pytorch-operator",
       {.min_passed = 24,
        .min_passed_per_op =
            {
                {"Add", 2},           {"Clip", 1},  {"Concat", 1},     {"Conv", 1},
                {"ConvTranspose", 1}, {"Exp", 1},   {"Flatten", 2},    {"Gemm", 2},
                {"Max", 1},           {"Min", 1},   {"Mul", 2},        {"Neg", 3},
                {"Pad", 1},           {"Pow", 1},   {"ReduceMean", 2}, {"ReduceSum", 2},
                {"Sigmoid", 2},       {"Slice", 1}, {"Split", 1},      {"Sqrt", 1},
                {"Squeeze", 1},       {"Sum", 1},   {"Tanh", 2},       {"Transpose", 1},
            }}},
  };
  static const CorpusExpectation kNone;
  auto found = kExpectations.find(corpus);
  return found == kExpectations.end() ? kNone : found->second;
}

TestCase RunTest(const fs::path& dir) {
  TestCase test{.name = dir.filename().string()};
  const std::string model_bytes = ReadFile(dir / "model.onnx");
  onnx::ModelProto model;
  if (!model.ParseFromString(model_bytes)) {
    test.result = {Outcome::kFailed, "test model does not parse"};
    return test;
  }
  // Test data lists values for the inputs that are not initializers, in order.
  std::set<std::string> initializers;
  for (const onnx::TensorProto& tensor : model.graph().initializer()) {
    initializers.insert(tensor.name());
  }
  std::vector<std::string> input_names;
  for (const onnx::ValueInfoProto& input : model.graph().input()) {
    if (!initializers.contains(input.name())) input_names.push_back(input.name());
  }
  for (const onnx::NodeProto& node : model.graph().node()) {
    if (node.op_type() != "Constant") test.ops.insert(node.op_type());
  }
  for (const std::string& op : test.ops) test.family += (test.family.empty() ? "" : "+") + op;
  std::vector<fs::path> data_sets;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory() && entry.path().filename().string().starts_with("test_data_set_")) {
      data_sets.push_back(entry.path());
    }
  }
  std::sort(data_sets.begin(), data_sets.end());
  if (data_sets.empty()) test.result = {Outcome::kSkipped, "no test data"};
  for (const fs::path& data : data_sets) {
    test.result = RunDataSet(model_bytes, input_names, data);
    if (test.result.outcome != Outcome::kPassed) break;
  }
  return test;
}

struct CorpusResult {
  int passed = 0;
  std::map<std::string, int> passed_per_op;
  std::vector<TestCase> failures;  // known divergences excluded
};

// Runs every test of one corpus; prints counts, passes per op family, skip reasons and
// failures.
CorpusResult RunCorpus(const std::string& corpus) {
  std::vector<fs::path> dirs;
  for (const fs::directory_entry& entry : fs::directory_iterator(kTestData / corpus)) {
    if (fs::exists(entry.path() / "model.onnx")) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  std::map<std::string, std::vector<std::string>> passed_by_family;
  std::map<std::string, int> skip_reasons;
  std::vector<TestCase> failures;
  std::vector<TestCase> divergences;
  CorpusResult result;
  int passed = 0;
  int skipped = 0;
  // EDGEBENCH_CONFORMANCE_VERBOSE=1 prints every test's outcome and detail.
  const bool verbose = std::getenv("EDGEBENCH_CONFORMANCE_VERBOSE") != nullptr;
  for (const fs::path& dir : dirs) {
    TestCase test = RunTest(dir);
    if (verbose) {
      static constexpr const char* kNames[] = {"passed", "FAILED", "skipped"};
      std::cout << "  [" << kNames[static_cast<int>(test.result.outcome)] << "] " << test.name
                << " " << test.result.detail << "\n";
    }
    switch (test.result.outcome) {
      case Outcome::kPassed:
        ++passed;
        passed_by_family[test.family].push_back(test.name);
        for (const std::string& op : test.ops) ++result.passed_per_op[op];
        break;
      case Outcome::kSkipped: {
        ++skipped;
        // Group reasons without the node names that make each message unique.
        std::string reason = test.result.detail;
        const size_t model_prefix = reason.find("': ");
        if (model_prefix != std::string::npos) reason = reason.substr(model_prefix + 3);
        const size_t node_prefix = reason.find("): ");
        if (reason.starts_with("node '") && node_prefix != std::string::npos) {
          reason = reason.substr(node_prefix + 3);
        }
        ++skip_reasons[reason.substr(0, reason.find(" (node '"))];
        break;
      }
      case Outcome::kFailed:
        (KnownDivergences().contains(test.name) ? divergences : failures)
            .push_back(std::move(test));
        break;
    }
  }
  std::cout << "=== ONNX conformance, corpus " << corpus << ": " << dirs.size() << " tests, "
            << passed << " passed, " << failures.size() << " failed, " << skipped
            << " skipped (unsupported)\n";
  std::cout << "--- passed, by op family:\n";
  for (const auto& [family, names] : passed_by_family) {
    std::cout << "  " << family << " (" << names.size() << "):";
    for (const std::string& name : names) std::cout << " " << name;
    std::cout << "\n";
  }
  std::cout << "--- passed, by op (tests using it):";
  for (const auto& [op, count] : result.passed_per_op) std::cout << " " << op << "=" << count;
  std::cout << "\n--- skip reasons (count):\n";
  std::vector<std::pair<int, std::string>> reasons;
  for (const auto& [reason, count] : skip_reasons) reasons.emplace_back(count, reason);
  std::sort(reasons.rbegin(), reasons.rend());
  for (const auto& [count, reason] : reasons) std::cout << "  " << count << "  " << reason << "\n";
  std::cout << "--- known divergences (failing as expected):\n";
  for (const TestCase& test : divergences) {
    std::cout << "  " << test.name << ": " << test.result.detail
              << "\n    why: " << KnownDivergences().at(test.name) << "\n";
  }
  std::cout << "--- failures:\n";
  for (const TestCase& failure : failures) {
    std::cout << "  " << failure.name << ": " << failure.result.detail << "\n";
  }
  std::cout.flush();
  ::testing::Test::RecordProperty("passed", passed);
  ::testing::Test::RecordProperty("failed", static_cast<int>(failures.size()));
  ::testing::Test::RecordProperty("skipped", skipped);
  result.passed = passed;
  result.failures = std::move(failures);
  return result;
}

class OnnxConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxConformanceTest, ImportedModelsReproduceExpectedOutputs) {
  if (!fs::exists(kTestData / GetParam())) {
    GTEST_SKIP() << "libonnx-testdata is not installed at " << kTestData;
  }
  const CorpusResult result = RunCorpus(GetParam());
  for (const TestCase& failure : result.failures) {
    ADD_FAILURE() << failure.name << ": " << failure.result.detail;
  }
  const CorpusExpectation& expected = ExpectationFor(GetParam());
  EXPECT_GE(result.passed, expected.min_passed)
      << "fewer tests pass than before: a regression reported as 'skipped'?";
  for (const auto& [op, minimum] : expected.min_passed_per_op) {
    auto found = result.passed_per_op.find(op);
    EXPECT_GE(found == result.passed_per_op.end() ? 0 : found->second, minimum)
        << "passing tests using " << op;
  }
}

INSTANTIATE_TEST_SUITE_P(Corpora, OnnxConformanceTest,
                         ::testing::Values("node", "pytorch-converted", "pytorch-operator"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace edgebench::formats
