// Runs the ONNX project's backend test data (libonnx-testdata) through the importer and
// the reference engine. Every test whose model imports must reproduce the expected
// outputs; a model using something edgebench cannot express (UnsupportedModelError) is
// counted as skipped. Any other import error is a failure: these files are valid ONNX.
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
  CaseResult result;
};

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
  std::set<std::string> ops;
  for (const onnx::NodeProto& node : model.graph().node()) {
    if (node.op_type() != "Constant") ops.insert(node.op_type());
  }
  for (const std::string& op : ops) test.family += (test.family.empty() ? "" : "+") + op;
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

// Runs every test of one corpus; prints counts, passes per op family, skip reasons and
// failures; returns the failures.
std::vector<TestCase> RunCorpus(const std::string& corpus) {
  std::vector<fs::path> dirs;
  for (const fs::directory_entry& entry : fs::directory_iterator(kTestData / corpus)) {
    if (fs::exists(entry.path() / "model.onnx")) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  std::map<std::string, std::vector<std::string>> passed_by_family;
  std::map<std::string, int> skip_reasons;
  std::vector<TestCase> failures;
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
        failures.push_back(std::move(test));
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
  std::cout << "--- skip reasons (count):\n";
  std::vector<std::pair<int, std::string>> reasons;
  for (const auto& [reason, count] : skip_reasons) reasons.emplace_back(count, reason);
  std::sort(reasons.rbegin(), reasons.rend());
  for (const auto& [count, reason] : reasons) std::cout << "  " << count << "  " << reason << "\n";
  std::cout << "--- failures:\n";
  for (const TestCase& failure : failures) {
    std::cout << "  " << failure.name << ": " << failure.result.detail << "\n";
  }
  std::cout.flush();
  ::testing::Test::RecordProperty("passed", passed);
  ::testing::Test::RecordProperty("failed", static_cast<int>(failures.size()));
  ::testing::Test::RecordProperty("skipped", skipped);
  return failures;
}

class OnnxConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxConformanceTest, ImportedModelsReproduceExpectedOutputs) {
  if (!fs::exists(kTestData / GetParam())) {
    GTEST_SKIP() << "libonnx-testdata is not installed at " << kTestData;
  }
  const std::vector<TestCase> failures = RunCorpus(GetParam());
  for (const TestCase& failure : failures) {
    ADD_FAILURE() << failure.name << ": " << failure.result.detail;
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
