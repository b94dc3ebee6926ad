// What a job feeds its model and how it is recorded: one seeded stream per graph input,
// users' .npy files checked against the inputs they name, safe file names for `infer`,
// and the input shapes in config keys and the worker protocol.
#include "harness/model_inputs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "formats/npy.h"
#include "harness/job_json.h"
#include "harness/output_files.h"
#include "zoo/seeded_weights.h"

namespace edgebench::harness {
namespace {

namespace fs = std::filesystem;
using backends::HostTensor;

ir::Graph TwoInputGraph() {
  ir::Graph graph("two");
  graph.AddInput("image", {1, 2, 2});
  graph.AddInput("mask", {1, 2, 2});
  return graph;
}

class InputFilesTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / "edgebench-input-files-test";
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Npy(const std::string& name, const ir::Shape& shape, std::vector<float> values) {
    const std::string path = (dir_ / name).string();
    formats::WriteNpyFile(path, shape, values);
    return path;
  }

  std::string GatherError(const ir::Graph& graph, const std::vector<InputFile>& files) {
    try {
      GatherInputs(graph, files, 1);
    } catch (const InputError& error) {
      return error.what();
    }
    ADD_FAILURE() << "accepted";
    return "";
  }

  fs::path dir_;
};

TEST(SeededInputsTest, FirstInputKeepsTheSingleInputStreamOthersGetTheirOwn) {
  const ir::Graph graph = TwoInputGraph();
  const std::vector<HostTensor> inputs = SeededInputs(graph, 7);
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_EQ(inputs[0].shape, (ir::Shape{1, 2, 2}));
  // What every single-input model has always been fed (reference caches depend on it).
  EXPECT_EQ(inputs[0].data, zoo::SeededInput({1, 2, 2}, 7));
  EXPECT_EQ(inputs[1].data, zoo::SeededValues({1, 2, 2}, 7, "input/mask"));
  EXPECT_NE(inputs[0].data, inputs[1].data) << "two inputs of one shape must differ";
  EXPECT_EQ(SeededInputs(graph, 7)[1].data, inputs[1].data);
  EXPECT_NE(SeededInputs(graph, 8)[1].data, inputs[1].data);
  EXPECT_NE(AlternativeInputSeed(7), 7u);
}

TEST_F(InputFilesTest, NamedFilesReplaceTheirInputsTheRestStaySeeded) {
  const ir::Graph graph = TwoInputGraph();
  const std::string mask = Npy("mask.npy", {1, 2, 2}, {1, 2, 3, 4});
  const ModelInputs inputs = GatherInputs(graph, {{.name = "mask", .path = mask}}, 3);
  EXPECT_EQ(inputs.tensors[1].data, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(inputs.sources[1], mask);
  EXPECT_EQ(inputs.tensors[0].data, zoo::SeededInput({1, 2, 2}, 3));
  EXPECT_EQ(inputs.sources[0], "seeded");
  // A one-input model takes a file without a name.
  ir::Graph one("one");
  one.AddInput("x", {1, 2, 2});
  EXPECT_EQ(GatherInputs(one, {{.name = "", .path = mask}}, 3).tensors[0].data,
            (std::vector<float>{1, 2, 3, 4}));
}

TEST_F(InputFilesTest, FilesThatDoNotFitAreRefusedWithTheReason) {
  const ir::Graph graph = TwoInputGraph();
  const std::string good = Npy("good.npy", {1, 2, 2}, {1, 2, 3, 4});
  const std::string wrong = Npy("wrong.npy", {1, 4}, {1, 2, 3, 4});
  std::string error = GatherError(graph, {{.name = "", .path = good}});
  EXPECT_NE(error.find("needs a model with one input; this one has 2: image (1x2x2), mask "
                       "(1x2x2)"),
            std::string::npos)
      << error;
  error = GatherError(graph, {{.name = "depth", .path = good}});
  EXPECT_NE(error.find("'depth', which is not an input"), std::string::npos) << error;
  error = GatherError(graph, {{.name = "image", .path = wrong}});
  EXPECT_NE(error.find("holds a 1x4 array; the model takes 1x2x2"), std::string::npos) << error;
  error = GatherError(graph, {{.name = "mask", .path = good}, {.name = "mask", .path = good}});
  EXPECT_NE(error.find("two files are given for input 'mask'"), std::string::npos) << error;
  const std::string corrupt = (dir_ / "corrupt.npy").string();
  std::ofstream(corrupt) << "\x93NUMPY\x01";
  error = GatherError(graph, {{.name = "image", .path = corrupt}});
  EXPECT_NE(error.find("input 'image'"), std::string::npos) << error;
  EXPECT_NE(error.find(corrupt), std::string::npos) << error;
}

TEST(InputsDigestTest, ChangesWithValuesAndShapes) {
  const HostTensor a({1, 2}, {1, 2});
  EXPECT_EQ(InputsDigest({a}), InputsDigest({HostTensor({1, 2}, {1, 2})}));
  EXPECT_NE(InputsDigest({a}), InputsDigest({HostTensor({1, 2}, {1, 3})}));
  EXPECT_NE(InputsDigest({a}), InputsDigest({HostTensor({2, 1}, {1, 2})}));
  EXPECT_NE(InputsDigest({a}), InputsDigest({a, a}));
}

TEST(OutputFilesTest, NamesBecomeSafeDistinctFileNames) {
  EXPECT_EQ(SafeFileStem("prob"), "prob");
  EXPECT_EQ(SafeFileStem("head/logits:0"), "head_logits_0");
  EXPECT_EQ(SafeFileStem("../etc/passwd"), "_._etc_passwd");
  EXPECT_EQ(SafeFileStem(".hidden"), "_hidden");
  EXPECT_EQ(SafeFileStem(""), "unnamed");
  EXPECT_EQ(SafeFileStem("a b\xc3\xa9"), "a_b__");
  EXPECT_EQ(SafeFileStem(std::string(300, 'x')).size(), 100u);
  UniqueFileNames names;
  EXPECT_EQ(names.Claim("a/b", "npy"), "a_b.npy");
  EXPECT_EQ(names.Claim("a:b", "npy"), "a_b_2.npy");
  EXPECT_EQ(names.Claim("a_b", "npy"), "a_b_3.npy");
  EXPECT_EQ(names.Claim("a_b", "json"), "a_b.json");
}

TEST(InputShapeRecordTest, ConfigKeyAndLabelCarryTheShapeOnlyWhenSet) {
  JobConfig config{.model = "/m/net.onnx", .backend = "reference", .weight_seed = 1};
  const std::string plain =
      "model=/m/net.onnx;backend=reference;threads=1;affinity=;"
      "precision=fp32;seed=1";
  EXPECT_EQ(ConfigKey(config), plain);  // keys of results stored before shapes existed
  EXPECT_EQ(ModelLabel(config), "/m/net.onnx");
  config.input_shape = "x:1x3x8x8";
  EXPECT_EQ(ConfigKey(config), plain + ";input_shape=x:1x3x8x8");
  EXPECT_EQ(ModelLabel(config), "/m/net.onnx [x:1x3x8x8]");
  JobConfig other = config;
  other.input_shape = "x:2x3x8x8";
  EXPECT_NE(ConfigKey(other), ConfigKey(config));
}

TEST(InputShapeRecordTest, WorkerProtocolCarriesShapesInputFilesAndOutputDir) {
  WorkerRequest request{
      .mode = WorkerRequest::Mode::kInfer,
      .config = {.model = "a.onnx", .backend = "opencv", .input_shape = "1x3"},
      .input_files = {{.name = "", .path = "/in/x.npy"}, {.name = "y:0", .path = "/in/y.npy"}},
      .output_dir = "/out",
      .reference_alt = false};
  const nlohmann::json json = ToJson(request);
  EXPECT_EQ(json.at("mode"), "infer");
  const WorkerRequest back = WorkerRequestFromJson(nlohmann::json::parse(json.dump()));
  EXPECT_EQ(back.mode, WorkerRequest::Mode::kInfer);
  EXPECT_EQ(back.config.input_shape, "1x3");
  ASSERT_EQ(back.input_files.size(), 2u);
  EXPECT_EQ(back.input_files[1].name, "y:0");
  EXPECT_EQ(back.input_files[1].path, "/in/y.npy");
  EXPECT_EQ(back.output_dir, "/out");
  EXPECT_FALSE(back.reference_alt);
  // A request of an older build (no shapes, files or directory) still reads.
  nlohmann::json old = json;
  old.erase("input_files");
  old.erase("output_dir");
  old.erase("reference_alt");
  old["config"].erase("input_shape");
  const WorkerRequest read = WorkerRequestFromJson(old);
  EXPECT_TRUE(read.input_files.empty());
  EXPECT_TRUE(read.config.input_shape.empty());
  EXPECT_TRUE(read.reference_alt);
  JobResult result{.config = request.config, .status = JobStatus::kOk};
  EXPECT_EQ(JobResultFromJson(ToJson(result)).config.input_shape, "1x3");
}

}  // namespace
}  // namespace edgebench::harness
