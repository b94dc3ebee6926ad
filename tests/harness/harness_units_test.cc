#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "harness/cpu_affinity.h"
#include "harness/job_json.h"
#include "harness/job_plan.h"
#include "harness/job_runner.h"
#include "harness/precision_for_job.h"
#include "harness/reference_cache.h"
#include "harness/verification.h"

namespace edgebench::harness {
namespace {

using backends::HostTensor;

TEST(VerificationTest, IdenticalOutputsPass) {
  std::vector<HostTensor> ref{HostTensor({1, 6}, {0.1f, 0.5f, 0.2f, 0.9f, 0.3f, 0.0f})};
  std::string error;
  Verification v = CompareOutputs(ref, ref, 1e-4, error);
  EXPECT_TRUE(v.passed) << error;
  EXPECT_EQ(v.max_abs_error, 0);
  EXPECT_EQ(v.rel_l2_error, 0);
  EXPECT_EQ(v.top5_agreement, 1.0);
}

TEST(VerificationTest, ErrorsAreMeasuredByHand) {
  // ref = (3, 4): ||ref|| = 5; diff = (0, 0.5): rel L2 = 0.1, max abs 0.5.
  std::vector<HostTensor> ref{HostTensor({1, 2}, {3.0f, 4.0f})};
  std::vector<HostTensor> ours{HostTensor({1, 2}, {3.0f, 4.5f})};
  std::string error;
  Verification v = CompareOutputs(ref, ours, 1e-4, error);
  EXPECT_FALSE(v.passed);
  EXPECT_NEAR(v.rel_l2_error, 0.1, 1e-7);
  EXPECT_NEAR(v.max_abs_error, 0.5, 1e-7);
  EXPECT_NE(error.find("relative L2"), std::string::npos);
}

TEST(VerificationTest, TopFiveAgreementCountsSharedIndices) {
  // Reference top-5: indices 0..4; ours moves index 4 below index 5.
  std::vector<HostTensor> ref{HostTensor({1, 7}, {9, 8, 7, 6, 5, 4, 3})};
  std::vector<HostTensor> ours{HostTensor({1, 7}, {9, 8, 7, 6, 3, 4, 5})};
  std::string error;
  EXPECT_NEAR(CompareOutputs(ref, ours, 1, error).top5_agreement, 0.8, 1e-12);
}

TEST(VerificationTest, ShapeMismatchAndNonFiniteFail) {
  std::string error;
  std::vector<HostTensor> ref{HostTensor({1, 2}, {1, 2})};
  std::vector<HostTensor> wrong{HostTensor({2, 1}, {1, 2})};
  EXPECT_FALSE(CompareOutputs(ref, wrong, 1, error).passed);
  EXPECT_NE(error.find("shape"), std::string::npos);
  std::vector<HostTensor> nan{HostTensor({1, 2}, {1, std::nanf("")})};
  EXPECT_FALSE(CompareOutputs(ref, nan, 1, error).passed);
  EXPECT_FALSE(CompareOutputs(ref, {}, 1, error).passed);
}

TEST(VerificationTest, TolerancePerPrecision) {
  EXPECT_EQ(ToleranceFor("fp32"), 1e-4);
  EXPECT_EQ(ToleranceFor("fp16"), 1e-2);
  EXPECT_EQ(ToleranceFor("int8"), 5e-2);
}

class ReferenceCacheTest : public testing::Test {
 protected:
  std::string Path(const std::string& name) {
    std::filesystem::create_directories(dir_);
    return (dir_ / name).string();
  }
  std::filesystem::path dir_ =
      std::filesystem::path(testing::TempDir()) / "edgebench-reference-cache-test";
};

TEST_F(ReferenceCacheTest, RoundTrips) {
  std::vector<HostTensor> outputs{HostTensor({1, 3}, {1, 2, 3}),
                                  HostTensor({1, 2, 1, 1}, {-1.5f, 0.25f})};
  const std::string path = Path("ok.ref");
  ASSERT_TRUE(SaveReferenceOutputs(path, outputs));
  std::vector<HostTensor> loaded;
  ASSERT_TRUE(LoadReferenceOutputs(path, loaded));
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(loaded[1].shape, (ir::Shape{1, 2, 1, 1}));
  EXPECT_EQ(loaded[1].data, outputs[1].data);
}

TEST_F(ReferenceCacheTest, HostileFilesAreRejectedNotTrusted) {
  std::vector<HostTensor> outputs{HostTensor({1, 4}, {1, 2, 3, 4})};
  const std::string good = Path("good.ref");
  ASSERT_TRUE(SaveReferenceOutputs(good, outputs));
  std::string bytes;
  {
    std::ifstream in(good, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream(Path(name), std::ios::binary) << content;
    return Path(name);
  };
  std::vector<HostTensor> loaded;
  EXPECT_FALSE(LoadReferenceOutputs(Path("missing.ref"), loaded));
  EXPECT_FALSE(LoadReferenceOutputs(write("magic.ref", "NOTAREF1" + bytes.substr(8)), loaded));
  EXPECT_FALSE(LoadReferenceOutputs(write("short.ref", bytes.substr(0, bytes.size() - 3)), loaded));
  EXPECT_FALSE(LoadReferenceOutputs(write("long.ref", bytes + "x"), loaded));
  std::string huge = bytes;
  huge[8 + 4 + 4 + 8] = '\x7f';  // second dim's low byte: claims far more data than exists
  huge[8 + 4 + 4 + 8 + 6] = '\x7f';
  EXPECT_FALSE(LoadReferenceOutputs(write("huge.ref", huge), loaded));
  EXPECT_TRUE(loaded.empty());
}

TEST(CpuListTest, ParsesRangesAndRejectsGarbage) {
  std::vector<int> cpus;
  ASSERT_TRUE(ParseCpuList("0-2,5", cpus));
  EXPECT_EQ(cpus, (std::vector<int>{0, 1, 2, 5}));
  for (const char* bad : {"", "a", "3-1", "1,", "-1", "1-", "0-99999"}) {
    EXPECT_FALSE(ParseCpuList(bad, cpus)) << bad;
  }
}

TEST(ByteSizeTest, ParsesUnits) {
  EXPECT_EQ(ParseByteSize("1G"), int64_t{1} << 30);
  EXPECT_EQ(ParseByteSize("512M"), int64_t{512} << 20);
  EXPECT_EQ(ParseByteSize("1.5K"), 1536);
  EXPECT_EQ(ParseByteSize("4096"), 4096);
  for (const char* bad : {"", "G", "1X", "-5M", "0", "nan", "1e30G"}) {
    EXPECT_FALSE(ParseByteSize(bad).has_value()) << bad;
  }
}

TEST(JobJsonTest, ResultRoundTripsIncludingInfiniteErrors) {
  JobResult result{.config = {.model = "yolov3@320x320", .backend = "reference", .threads = 2},
                   .status = JobStatus::kVerifyFailed,
                   .error = "bad",
                   .phases = {.process_start = 0.01, .prepare = 0.5},
                   .samples = {0.1, 0.2},
                   .verification = Verification{
                       .max_abs_error = INFINITY, .rel_l2_error = INFINITY, .tolerance = 1e-4}};
  JobResult back = JobResultFromJson(nlohmann::json::parse(ToJson(result).dump()));
  EXPECT_EQ(back.config.model, "yolov3@320x320");
  EXPECT_EQ(back.config.threads, 2);
  EXPECT_EQ(back.status, JobStatus::kVerifyFailed);
  EXPECT_EQ(back.samples, result.samples);
  EXPECT_EQ(back.phases.prepare, 0.5);
  ASSERT_TRUE(back.verification.has_value());
  EXPECT_TRUE(std::isinf(back.verification->rel_l2_error));
  EXPECT_THROW(JobResultFromJson(nlohmann::json::parse(R"({"status":"ok"})")),
               nlohmann::json::exception);
}

TEST(JobPlanTest, CrossesModelsAndBackends) {
  EXPECT_EQ(SplitList("a,,b,"), (std::vector<std::string>{"a", "b"}));
  auto jobs = PlanJobs({"m1", "m2"}, {"b1", "b2"}, {.threads = 4});
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_EQ(jobs[1].model, "m1");
  EXPECT_EQ(jobs[1].backend, "b2");
  EXPECT_EQ(jobs[3].threads, 4);
}

TEST(JobPlanTest, EachToggleSetIsAJobOfItsOwnOnce) {
  const auto jobs = PlanJobs({"m"}, {"b1", "b2"}, {}, {"", "no-fusion", "", "no-fusion"});
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_EQ(jobs[0].toggles, "");
  EXPECT_EQ(jobs[1].toggles, "no-fusion");
  EXPECT_EQ(jobs[2].backend, "b2");
  EXPECT_EQ(jobs[3].toggles, "no-fusion");
  EXPECT_EQ(ParseToggles("no-fusion,sparse"), (std::vector<std::string>{"no-fusion", "sparse"}));
  EXPECT_TRUE(ParseToggles("").empty());
}

TEST(JobPlanTest, APrecisionToggleBecomesTheJobsPrecision) {
  const auto jobs = PlanJobs({"m"}, {"b"}, {}, {"", "int8,no-fusion", "fp16", "fp32"});
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_EQ(jobs[0].precision, "fp32");
  EXPECT_EQ(jobs[1].precision, "int8");
  EXPECT_EQ(jobs[1].toggles, "no-fusion");
  EXPECT_EQ(jobs[2].precision, "fp16");
  EXPECT_EQ(jobs[2].toggles, "");
  EXPECT_EQ(jobs[3].precision, "fp32");
  EXPECT_EQ(BackendLabel(jobs[1]), "b [int8,no-fusion]");
  EXPECT_EQ(BackendLabel(jobs[2]), "b [fp16]");
  EXPECT_EQ(BackendLabel(jobs[0]), "b");
  EXPECT_NE(ConfigKey(jobs[1]),
            ConfigKey(JobConfig{.model = "m", .backend = "b", .toggles = "no-fusion"}));
  EXPECT_THROW(PlanJobs({"m"}, {"b"}, {}, {"int8,bf16"}), std::invalid_argument);
}

TEST(PrecisionForJobTest, AnInt8JobWithAnFp32ConvolutionKernelIsCaught) {
  const std::vector<backends::KernelUse> int8 = {{"conv", "jit_int8:avx2", "int8"},
                                                 {"conv", "jit_int8:avx2", "int8"},
                                                 {"fully_connected", "gemm:jit", "int8"}};
  EXPECT_EQ(KernelPrecisionMismatch("int8", int8), "");
  EXPECT_EQ(KernelSummary(int8),
            "conv: jit_int8:avx2 (int8) x2; fully_connected: gemm:jit (int8) x1");
  std::vector<backends::KernelUse> mixed = int8;
  mixed.push_back({"conv", "jit:avx2", "fp32"});
  const std::string why = KernelPrecisionMismatch("int8", mixed);
  EXPECT_NE(why.find("fp32 kernel 'jit:avx2'"), std::string::npos) << why;
  EXPECT_EQ(KernelPrecisionMismatch("fp32", mixed), "");  // fp32 jobs are never held to it
  EXPECT_NE(KernelPrecisionMismatch("bf16", int8), "");
}

TEST(PrecisionForJobTest, APrecisionRefusalIsToldFromAFailure) {
  EXPECT_TRUE(IsPrecisionRefusal("bf16", "bf16 unsupported on this CPU: no AVX-512"));
  EXPECT_TRUE(IsPrecisionRefusal("fp16", "xnnpack prepare of 'm' failed: fp16 unsupported ..."));
  EXPECT_FALSE(IsPrecisionRefusal("int8", "bf16 unsupported on this CPU"));
  EXPECT_FALSE(IsPrecisionRefusal("int8", "oneDNN cannot prepare 'm': out of memory"));
  EXPECT_FALSE(IsPrecisionRefusal("fp32", "fp32 unsupported"));
}

}  // namespace
}  // namespace edgebench::harness
