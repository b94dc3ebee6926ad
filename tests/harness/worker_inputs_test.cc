// Inputs through worker processes: every input of a multi-input model seeded, staged and
// verified; --input-shape reaching the workers and the reference cache; `infer` writing
// every tensor with its comparison against the reference. Part of harness_process_tests,
// whose main() turns the binary into a worker.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "formats/npy.h"
#include "formats/onnx_test_models.h"
#include "harness/infer_worker.h"
#include "worker_test_support.h"
#include "zoo/seeded_weights.h"

namespace edgebench::harness {
namespace {

using testing_support::WorkerProcessTest;

// A model of two inputs (image [1,3,8,8], mask [1,4,8,8]) and two outputs ("head:logits"
// [1,5], "features/map" [1,4,8,8]) as a file, for the multi-input tests.
std::string TwoInputModel() {
  const std::string path = testing::TempDir() + "/edgebench-two-inputs.onnx";
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      << formats::onnx_test::TwoInputs().Bytes();
  return path;
}

std::string DynamicModel() {
  const std::string path = testing::TempDir() + "/edgebench-dynamic.onnx";
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      << formats::onnx_test::DynamicClassifier().Bytes();
  return path;
}

nlohmann::json ReadSummary(const std::string& dir) {
  std::ifstream file(dir + "/" + kInferSummaryFile);
  return nlohmann::json::parse(file);
}

TEST_F(WorkerProcessTest, EveryInputOfAMultiInputModelIsSeededStagedAndVerified) {
  const std::string cache = testing::TempDir() + "/edgebench-multi-input-cache";
  std::filesystem::remove_all(cache);
  LaunchOptions options = Launch(cache);
  options.mode = WorkerRequest::Mode::kVerify;
  JobLauncher launcher(options);
  const JobConfig config{.model = TwoInputModel(), .backend = "faithful", .weight_seed = 1};
  const JobResult faithful = launcher.Run(config, 1);
  ASSERT_EQ(faithful.status, JobStatus::kOk) << faithful.error;
  ASSERT_TRUE(faithful.verification.has_value());
  EXPECT_EQ(faithful.verification->outputs.size(), 2u);
  // Each output depends on the inputs: two seeded input sets give different references.
  EXPECT_TRUE(faithful.verification->informative) << faithful.verification->note;
  EXPECT_TRUE(faithful.verification->passed);
  JobConfig perturbed = config;
  perturbed.backend = "perturb";
  EXPECT_EQ(launcher.Run(perturbed, 1).status, JobStatus::kVerifyFailed);
  std::filesystem::remove_all(cache);
}

TEST_F(WorkerProcessTest, InputShapesReachTheWorkersAndKeyTheReferenceCache) {
  const std::string cache = testing::TempDir() + "/edgebench-shape-cache";
  std::filesystem::remove_all(cache);
  LaunchOptions options = Launch(cache);
  options.mode = WorkerRequest::Mode::kVerify;
  JobLauncher launcher(options);
  JobConfig config{.model = DynamicModel(), .backend = "faithful", .weight_seed = 1};
  EXPECT_NE(launcher.CheckModelFile(config.model).find("'height' at position 2"),
            std::string::npos);
  EXPECT_EQ(launcher.CheckModelFile(config.model, "x:2x3x8x8"), "");
  for (const char* shape : {"x:2x3x8x8", "x:1x3x12x12"}) {
    config.input_shape = shape;
    const JobResult result = launcher.Run(config, 1);
    ASSERT_EQ(result.status, JobStatus::kOk) << shape << ": " << result.error;
    EXPECT_EQ(result.config.input_shape, shape);
  }
  // One entry pair per shape: outputs at one shape are never read for another.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cache + "/reference")) {
    entries += entry.path().filename().string().find("x_2x3x8x8") != std::string::npos ||
               entry.path().filename().string().find("x_1x3x12x12") != std::string::npos;
  }
  EXPECT_EQ(entries, 4);
  config.input_shape = "";  // the height and width stay unsettled
  EXPECT_EQ(launcher.Run(config, 1).status, JobStatus::kFailed);
  std::filesystem::remove_all(cache);
}

TEST_F(WorkerProcessTest, InferWritesEveryTensorAndMeasuresEachOutputAgainstTheReference) {
  const std::string cache = testing::TempDir() + "/edgebench-infer-cache";
  const std::string out = testing::TempDir() + "/edgebench-infer-out";
  std::filesystem::remove_all(cache);
  std::filesystem::remove_all(out);
  JobLauncher launcher(Launch(cache));
  const JobConfig faithful{.model = TwoInputModel(), .backend = "faithful", .weight_seed = 1};
  std::string reference_error;
  JobResult result = launcher.Infer(faithful, {}, out + "/faithful", reference_error);
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  EXPECT_EQ(reference_error, "");
  nlohmann::json summary = ReadSummary(out + "/faithful");
  ASSERT_EQ(summary["outputs"].size(), 2u);
  EXPECT_EQ(summary["outputs"][0]["file"], "head_logits.npy");
  EXPECT_EQ(summary["outputs"][1]["file"], "features_map.npy");
  EXPECT_EQ(summary["outputs"][0]["rel_l2"], 0.0);
  EXPECT_EQ(summary["outputs"][0]["within_tolerance"], true);
  const formats::NpyArray logits = formats::ReadNpyFile(out + "/faithful/head_logits.npy");
  ASSERT_EQ(logits.shape, (ir::Shape{1, 5}));
  // Top-5 of five scores is their order, highest first.
  std::vector<size_t> order = {0, 1, 2, 3, 4};
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return logits.data[a] > logits.data[b]; });
  EXPECT_EQ(summary["outputs"][0]["top5"]["indices"].get<std::vector<size_t>>(), order);
  EXPECT_FALSE(summary["outputs"][1].contains("top5"));  // a feature map is no score vector
  const formats::NpyArray image = formats::ReadNpyFile(out + "/faithful/input_image.npy");
  EXPECT_EQ(image.data, zoo::SeededInput({1, 3, 8, 8}, 1));
  // One inference needs the reference for its one input set, not the second seeded one
  // verification also uses.
  std::vector<std::string> cached;
  for (const auto& entry : std::filesystem::directory_iterator(cache + "/reference")) {
    cached.push_back(entry.path().filename().string());
  }
  ASSERT_EQ(cached.size(), 1u);
  EXPECT_EQ(cached[0].find("-alt"), std::string::npos) << cached[0];

  // The perturbing backend adds 1 % of each value: its logits are off by exactly that,
  // and the summary's relative L2 error says 1e-2.
  const std::string mask = out + "/faithful/input_mask.npy";
  JobConfig perturb = faithful;
  perturb.backend = "perturb";
  result =
      launcher.Infer(perturb, {{.name = "mask", .path = mask}}, out + "/perturb", reference_error);
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  summary = ReadSummary(out + "/perturb");
  EXPECT_EQ(summary["inputs"][1]["source"], mask);
  int for_these_inputs = 0;  // the user's inputs have a cache entry of their own
  for (const auto& entry : std::filesystem::directory_iterator(cache + "/reference")) {
    for_these_inputs += entry.path().filename().string().find("-in-") != std::string::npos;
  }
  EXPECT_EQ(for_these_inputs, 1);
  EXPECT_NEAR(summary["outputs"][0]["rel_l2"].get<double>(), 1e-2, 1e-5);
  EXPECT_EQ(summary["outputs"][0]["within_tolerance"], false);
  const formats::NpyArray perturbed = formats::ReadNpyFile(out + "/perturb/head_logits.npy");
  for (size_t i = 0; i < logits.data.size(); ++i) {
    const float value = logits.data[i];
    EXPECT_EQ(perturbed.data[i], value + 1e-2f * (value == 0 ? 1 : value)) << i;
  }

  // An input file of the wrong shape fails the job and says why.
  result =
      launcher.Infer(perturb, {{.name = "image", .path = mask}}, out + "/bad", reference_error);
  EXPECT_EQ(result.status, JobStatus::kFailed);
  EXPECT_NE(result.error.find("holds a 1x4x8x8 array; the model takes 1x3x8x8"), std::string::npos)
      << result.error;
  std::filesystem::remove_all(cache);
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace edgebench::harness
