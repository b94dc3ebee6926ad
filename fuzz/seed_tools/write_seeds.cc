// Writes seed inputs with edgebench's own encoders, so the seeds follow the formats as
// they change: worker requests and job results (harness/job_json.h) and reference-output
// cache files (harness/reference_cache.h). Usage: write_seeds SEEDS_DIR; files go to
// SEEDS_DIR/{worker_request,job_result,reference_cache}/.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "harness/job_json.h"
#include "harness/reference_cache.h"

namespace {

namespace fs = std::filesystem;
using edgebench::backends::HostTensor;
using namespace edgebench::harness;

void WriteJson(const fs::path& path, const nlohmann::json& json) {
  std::ofstream(path) << json.dump(2) << "\n";
}

JobConfig Config(const std::string& model, const std::string& backend) {
  return {.model = model,
          .backend = backend,
          .threads = 2,
          .cpu_affinity = "0-1",
          .precision = "fp32",
          .weight_seed = 2019};
}

void WriteRequests(const fs::path& dir) {
  WorkerRequest run{.config = Config("cifarnet", "reference"),
                    .plugin_dir = "/usr/lib/edgebench/plugins",
                    .cache_dir = "/tmp/cache",
                    .spawn_time = 1234.5};
  WriteJson(dir / "run.json", ToJson(run));
  WorkerRequest verify = run;
  verify.mode = WorkerRequest::Mode::kVerify;
  verify.config = Config("yolov3@320", "opencv");
  verify.verify = false;
  verify.config.weight_seed = std::numeric_limits<uint64_t>::max();  // seeds use 64 bits
  WriteJson(dir / "verify.json", ToJson(verify));
}

void WriteResults(const fs::path& dir) {
  JobResult ok{.config = Config("cifarnet", "reference"), .status = JobStatus::kOk};
  ok.phases = {.process_start = 0.01,
               .library_load = 0.002,
               .model_load = 0.1,
               .prepare = 0.05,
               .first_run = 0.02};
  ok.samples = {0.0101, 0.0099, 0.0100};
  ok.peak_rss_bytes = 50 << 20;
  ok.backend_version = "reference 0.1.0";
  ok.verification = Verification{.max_abs_error = 1e-6,
                                 .rel_l2_error = 2e-7,
                                 .top5_agreement = 1,
                                 .tolerance = 1e-4,
                                 .passed = true};
  WriteJson(dir / "ok.json", ToJson(ok));
  JobResult failed{.config = Config("mobilenet-v2", "opencv"),
                   .status = JobStatus::kVerifyFailed,
                   .error = "output 0 differs"};
  // Non-finite error figures travel as null.
  failed.verification = Verification{.max_abs_error = std::numeric_limits<double>::infinity(),
                                     .rel_l2_error = std::numeric_limits<double>::quiet_NaN(),
                                     .tolerance = 1e-4};
  WriteJson(dir / "verify_failed.json", ToJson(failed));
}

void WriteCaches(const fs::path& dir) {
  // A classifier's single output (cifarnet: 1x10) and a detector's two (tiny-yolo).
  HostTensor logits({1, 10});
  for (size_t i = 0; i < logits.data.size(); ++i) logits.data[i] = 0.1f * static_cast<float>(i);
  SaveReferenceOutputs((dir / "classifier.ref").string(), {logits});
  SaveReferenceOutputs((dir / "detector.ref").string(),
                       {HostTensor({1, 18, 2, 2}), HostTensor({1, 18, 4, 4})});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SEEDS_DIR\n", argv[0]);
    return 2;
  }
  const fs::path seeds = argv[1];
  for (const char* target : {"worker_request", "job_result", "reference_cache"}) {
    fs::create_directories(seeds / target);
  }
  WriteRequests(seeds / "worker_request");
  WriteResults(seeds / "job_result");
  WriteCaches(seeds / "reference_cache");
  return 0;
}
