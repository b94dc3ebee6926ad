// Writes seed inputs with edgebench's own encoders, so the seeds follow the formats as
// they change: worker requests and job results (harness/job_json.h), reference-output
// cache files (harness/reference_cache.h) and .npy arrays (formats/npy.h, plus the element
// types and header variants numpy writes and edgebench's writer does not). Usage:
// write_seeds SEEDS_DIR; files go to SEEDS_DIR/{worker_request,job_result,reference_cache,
// npy}/.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "formats/npy.h"
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
  WorkerRequest infer = run;
  infer.mode = WorkerRequest::Mode::kInfer;
  infer.config = Config("/models/net.onnx", "reference");
  infer.config.input_shape = "image:1x3x224x224,mask:1x1x224x224";
  infer.input_files = {{.name = "image", .path = "/data/image.npy"}};
  infer.output_dir = "/tmp/out";
  WriteJson(dir / "infer.json", ToJson(infer));
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
  JobResult shaped = ok;
  shaped.config = Config("/models/net.onnx", "opencv");
  shaped.config.input_shape = "x:2x3x64x64";
  WriteJson(dir / "input_shape.json", ToJson(shaped));
}

void WriteCaches(const fs::path& dir) {
  // A classifier's single output (cifarnet: 1x10) and a detector's two (tiny-yolo).
  HostTensor logits({1, 10});
  for (size_t i = 0; i < logits.data.size(); ++i) logits.data[i] = 0.1f * static_cast<float>(i);
  SaveReferenceOutputs((dir / "classifier.ref").string(), {logits});
  SaveReferenceOutputs((dir / "detector.ref").string(),
                       {HostTensor({1, 18, 2, 2}), HostTensor({1, 18, 4, 4})});
}

void WriteBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// A .npy file as numpy lays it out: magic, version, little-endian header length, the
// header dict padded with spaces to `alignment` and ended by a newline, then the data.
std::string NpyBytes(const std::string& dict, const std::string& data, int major = 1,
                     size_t alignment = 64) {
  const size_t length_size = major == 1 ? 2 : 4;
  std::string header = dict;
  while ((8 + length_size + header.size() + 1) % alignment != 0) header += ' ';
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += static_cast<char>(major);
  bytes += '\0';
  for (size_t i = 0; i < length_size; ++i) {
    bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  }
  return bytes + header + data;
}

std::string Dict(const std::string& descr, const std::string& shape) {
  return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
}

void WriteNpys(const fs::path& dir) {
  using edgebench::formats::WriteNpy;
  WriteBytes(dir / "f4-logits.npy", WriteNpy({1, 10}, std::vector<float>(10, 0.5f)));
  WriteBytes(dir / "f4-image.npy", WriteNpy({1, 3, 2, 2}, std::vector<float>(12, -1.0f)));
  WriteBytes(dir / "f4-scalar.npy", WriteNpy({}, std::vector<float>{3.0f}));
  WriteBytes(dir / "f4-empty.npy", WriteNpy({2, 0}, std::vector<float>{}));
  // Element types numpy writes (little-endian bytes of small values).
  WriteBytes(dir / "f8.npy", NpyBytes(Dict("<f8", "(2,)"), std::string("\0\0\0\0\0\0\xf0\x3f"
                                                                       "\0\0\0\0\0\0\0\xc0",
                                                                       16)));
  WriteBytes(dir / "f2.npy",
             NpyBytes(Dict("<f2", "(3,)"), std::string("\x00\x3c\x00\xc0\x01\x00", 6)));
  WriteBytes(dir / "i8.npy",
             NpyBytes(Dict("<i8", "(1, 1)"), std::string("\xff\xff\xff\xff\xff\xff\xff\xff", 8)));
  WriteBytes(dir / "i4.npy",
             NpyBytes(Dict("<i4", "(2,)"), std::string("\x07\0\0\0\xf9\xff\xff\xff", 8)));
  WriteBytes(dir / "i2.npy", NpyBytes(Dict("<i2", "(1,)"), std::string("\x34\x12", 2)));
  WriteBytes(dir / "u1.npy", NpyBytes(Dict("|u1", "(2, 2)"), std::string("\x00\x7f\x80\xff", 4)));
  WriteBytes(dir / "i1.npy", NpyBytes(Dict("|i1", "(2,)"), std::string("\x80\x7f", 2)));
  WriteBytes(dir / "b1.npy", NpyBytes(Dict("|b1", "(2,)"), std::string("\x00\x01", 2)));
  // Header variants: versions 2.0 and 3.0, old numpy's 16-byte alignment, other spellings.
  const std::string two_floats("\0\0\x80\x3f\0\0\0\x40", 8);
  WriteBytes(dir / "v2.npy", NpyBytes(Dict("<f4", "(2,)"), two_floats, 2));
  WriteBytes(dir / "v3.npy", NpyBytes(Dict("<f4", "(1, 2)"), two_floats, 3));
  WriteBytes(dir / "align16.npy", NpyBytes(Dict("<f4", "(2,)"), two_floats, 1, 16));
  WriteBytes(dir / "spelling.npy",
             NpyBytes("{\"shape\":(2,),\"fortran_order\":False,\"descr\":\"<f4\"}", two_floats));
  // Refused ones, so the fuzzer starts next to each refusal.
  WriteBytes(dir / "fortran.npy",
             NpyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", two_floats));
  WriteBytes(dir / "big-endian.npy", NpyBytes(Dict(">f4", "(2,)"), two_floats));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SEEDS_DIR\n", argv[0]);
    return 2;
  }
  const fs::path seeds = argv[1];
  for (const char* target : {"worker_request", "job_result", "reference_cache", "npy"}) {
    fs::create_directories(seeds / target);
  }
  WriteRequests(seeds / "worker_request");
  WriteResults(seeds / "job_result");
  WriteCaches(seeds / "reference_cache");
  WriteNpys(seeds / "npy");
  return 0;
}
