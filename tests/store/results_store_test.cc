#include "store/results_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace edgebench::store {
namespace {

namespace fs = std::filesystem;
using harness::JobConfig;
using harness::JobResult;
using harness::JobStatus;

// A fresh directory per test, removed afterwards.
class ResultsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "edgebench-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string PathOf(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

std::string ReadBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Runs SQL on the file through a plain connection, as another tool would.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

// The first column of the first row of a query, as text.
std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string value = "<error>";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    value = text ? text : "<null>";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

// Expects Open to throw a StoreError whose message names the file and contains `needle`.
void ExpectOpenFails(const std::string& path, const std::string& needle) {
  try {
    ResultsStore::Open(path);
    ADD_FAILURE() << "Open(" << path << ") succeeded";
  } catch (const StoreError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find(needle), std::string::npos) << message;
  }
}

RunInfo SampleRunInfo() {
  return {.device_label = "rpi4-a",
          .command_line = "edgebench run --models resnet-18",
          .environment_json = R"({"cpu":"Cortex-A72","governor":"performance"})",
          .build_revision = "d4b3019",
          .tool_version = "0.1.0"};
}

JobConfig Config(const std::string& model, int threads = 1) {
  return {.model = model,
          .backend = "reference",
          .threads = threads,
          .cpu_affinity = "0-1",
          .precision = "fp32",
          .weight_seed = 2019};
}

// A job with every field set to a distinct value.
// What schema 10 added (the backend's kernel report), schema 9 (the worker's launcher and
// namespaces), schema 8 (tune searches),
// schema 7 (graph-pass results), schema 6 (per-layer profiles) and schema 5 (energy):
// undone first by any older-schema fixture.
constexpr const char* kUndoSchemaTen = "ALTER TABLE jobs DROP COLUMN kernels; ";
constexpr const char* kUndoSchemaEight = "DROP TABLE tune_trials; DROP TABLE tune_searches; ";
constexpr const char* kUndoSchemaSeven = "DROP TABLE graph_passes; ";
constexpr const char* kUndoSchemaEleven =
    "DROP INDEX jobs_by_uid; ALTER TABLE jobs DROP COLUMN uid; ";
constexpr const char* kUndoSchemaNine =
    "ALTER TABLE jobs DROP COLUMN wrapper; ALTER TABLE jobs DROP COLUMN worker_pid; "
    "ALTER TABLE jobs DROP COLUMN worker_namespaces; ALTER TABLE jobs DROP COLUMN new_namespaces; ";
constexpr const char* kUndoSchemaSix = "DROP TABLE layer_profile_rows; DROP TABLE layer_profiles; ";
constexpr const char* kUndoSchemaFive =
    "DROP TABLE job_energy; DROP TABLE job_thermal; DROP TABLE sensor_traces; ";
// What a schema-3 build wrote lacks what migration 4 adds.
constexpr const char* kUndoSchemaFour =
    "ALTER TABLE jobs DROP COLUMN toggles; ALTER TABLE jobs DROP COLUMN model_macs; "
    "ALTER TABLE jobs DROP COLUMN model_flops; ALTER TABLE jobs DROP COLUMN model_bytes; "
    "DROP TABLE machine_peaks; ";

JobResult FullResult() {
  JobResult r;
  r.config = Config("yolov3@320x320", 4);
  r.config.weight_seed = std::numeric_limits<uint64_t>::max() - 5;  // above 2^63
  r.status = JobStatus::kOk;
  r.error = "warning: \"quoted\"; multi\nline";
  r.exit_code = 0;
  r.signal = std::nullopt;
  r.phases = {.process_start = 0.001,
              .library_load = 0.02,
              .model_load = 0.05,
              .prepare = 0.3,
              .first_run = 0.4};
  r.samples = {0.0101, 0.0102, 0.0099, 0.0105, 1e-9};
  r.summary = {.count = 5,
               .min = 1e-9,
               .p50 = 0.0101,
               .p90 = 0.0104,
               .p95 = 0.01045,
               .p99 = 0.01049,
               .max = 0.0105,
               .mean = 0.0081,
               .stddev = 0.004,
               .cov = std::numeric_limits<double>::quiet_NaN(),
               .median_ci_low = 0.0099,
               .median_ci_high = 0.0102,
               .valid = true,
               .verdict_reason = "",
               .recommendation = "none"};
  r.verification = harness::Verification{.max_abs_error = 1.5e-6,
                                         .rel_l2_error = 2.5e-7,
                                         .top5_agreement = 0.8,
                                         .tolerance = 1e-4,
                                         .passed = true};
  r.peak_rss_bytes = int64_t{3} << 32;
  r.backend_version = "reference 0.1.0";
  r.config.toggles = "no-fusion";
  r.model_macs = 19'486'412'800;
  r.model_flops = 39'100'000'001;
  r.model_bytes = int64_t{5} << 32;
  return r;
}

JobResult ResultWithStatus(const std::string& model, JobStatus status) {
  JobResult r;
  r.config = Config(model);
  r.status = status;
  if (status == JobStatus::kOk) {  // a timed job: it has samples
    r.samples = {0.010, 0.011};
    r.summary.count = 2;
  }
  return r;
}

void ExpectSameResult(const JobResult& got, const JobResult& want) {
  EXPECT_EQ(ConfigKey(got.config), ConfigKey(want.config));
  EXPECT_EQ(got.config.weight_seed, want.config.weight_seed);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.error, want.error);
  EXPECT_EQ(got.exit_code, want.exit_code);
  EXPECT_EQ(got.signal, want.signal);
  EXPECT_EQ(got.phases.process_start, want.phases.process_start);
  EXPECT_EQ(got.phases.library_load, want.phases.library_load);
  EXPECT_EQ(got.phases.model_load, want.phases.model_load);
  EXPECT_EQ(got.phases.prepare, want.phases.prepare);
  EXPECT_EQ(got.phases.first_run, want.phases.first_run);
  EXPECT_EQ(got.config.toggles, want.config.toggles);
  EXPECT_EQ(got.model_macs, want.model_macs);
  EXPECT_EQ(got.model_flops, want.model_flops);
  EXPECT_EQ(got.model_bytes, want.model_bytes);
  const harness::SampleSummary& g = got.summary;
  const harness::SampleSummary& w = want.summary;
  EXPECT_EQ(g.count, w.count);
  const std::vector<std::pair<double, double>> stats = {{g.min, w.min},
                                                        {g.p50, w.p50},
                                                        {g.p90, w.p90},
                                                        {g.p95, w.p95},
                                                        {g.p99, w.p99},
                                                        {g.max, w.max},
                                                        {g.mean, w.mean},
                                                        {g.stddev, w.stddev},
                                                        {g.median_ci_low, w.median_ci_low},
                                                        {g.median_ci_high, w.median_ci_high}};
  for (const auto& [a, b] : stats) EXPECT_EQ(a, b);  // bit-exact: REAL is a double
  EXPECT_EQ(std::isnan(g.cov), std::isnan(w.cov));
  if (!std::isnan(w.cov)) {
    EXPECT_EQ(g.cov, w.cov);
  }
  EXPECT_EQ(g.valid, w.valid);
  EXPECT_EQ(g.verdict_reason, w.verdict_reason);
  EXPECT_EQ(g.recommendation, w.recommendation);
  ASSERT_EQ(got.verification.has_value(), want.verification.has_value());
  if (want.verification) {
    EXPECT_EQ(got.verification->max_abs_error, want.verification->max_abs_error);
    EXPECT_EQ(got.verification->rel_l2_error, want.verification->rel_l2_error);
    EXPECT_EQ(got.verification->top5_agreement, want.verification->top5_agreement);
    EXPECT_EQ(got.verification->tolerance, want.verification->tolerance);
    EXPECT_EQ(got.verification->passed, want.verification->passed);
  }
  EXPECT_EQ(got.peak_rss_bytes, want.peak_rss_bytes);
  EXPECT_EQ(got.backend_version, want.backend_version);
}

// True for "YYYY-MM-DDTHH:MM:SS.mmmZ". (Not std::regex: GCC 12 warns inside it at -O3.)
bool IsIsoUtc(const std::string& text) {
  const std::string pattern = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != pattern.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool ok = pattern[i] == 'd' ? std::isdigit(static_cast<unsigned char>(text[i])) != 0
                                      : text[i] == pattern[i];
    if (!ok) return false;
  }
  return true;
}

TEST(JobStatusTest, NamesRoundTrip) {
  for (JobStatus status : {JobStatus::kOk, JobStatus::kUnsupported, JobStatus::kUnavailable,
                           JobStatus::kVerifyFailed, JobStatus::kFailed, JobStatus::kCrashed,
                           JobStatus::kExited, JobStatus::kTimeout, JobStatus::kOutOfMemory}) {
    EXPECT_EQ(harness::ParseJobStatus(harness::JobStatusName(status)), status);
  }
  EXPECT_STREQ(harness::JobStatusName(JobStatus::kVerifyFailed), "verify_failed");
  EXPECT_STREQ(harness::JobStatusName(JobStatus::kOutOfMemory), "out_of_memory");
  EXPECT_EQ(harness::ParseJobStatus("OK"), std::nullopt);
  EXPECT_EQ(harness::ParseJobStatus(""), std::nullopt);
}

TEST(ConfigKeyTest, IsCanonicalText) {
  JobConfig config{.model = "resnet-18", .backend = "reference", .weight_seed = 2019};
  EXPECT_EQ(ConfigKey(config),
            "model=resnet-18;backend=reference;threads=1;affinity=;precision=fp32;seed=2019");
  config.weight_seed = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(ConfigKey(config),
            "model=resnet-18;backend=reference;threads=1;affinity=;precision=fp32;"
            "seed=18446744073709551615");
}

TEST(ConfigKeyTest, EscapesSeparatorsSoValuesCannotForgeFields) {
  const JobConfig forged{.model = "m;backend=x", .backend = "y"};
  const JobConfig plain{.model = "m", .backend = "x;backend=y"};
  EXPECT_NE(ConfigKey(forged), ConfigKey(plain));
  EXPECT_EQ(ConfigKey(JobConfig{.model = "a\\b"}).substr(0, 11), "model=a\\\\b;");
}

TEST(ConfigKeyTest, EveryFieldMatters) {
  const JobConfig base = Config("resnet-18");
  std::vector<JobConfig> variants(7, base);
  variants[0].model = "resnet-50";
  variants[1].backend = "tflite";
  variants[2].threads = 2;
  variants[3].cpu_affinity = "";
  variants[4].precision = "int8";
  variants[5].weight_seed = 7;
  variants[6].input_shape = "x:1x3x8x8";
  variants.push_back(base);
  variants.back().toggles = "no-fusion";
  for (const JobConfig& variant : variants) EXPECT_NE(ConfigKey(variant), ConfigKey(base));
}

TEST_F(ResultsStoreTest, RoundTripsAFullJob) {
  const std::string path = PathOf("results.db");
  const JobResult full = FullResult();
  int64_t run_id = 0, job_id = 0;
  {
    ResultsStore store = ResultsStore::Open(path);
    run_id = store.BeginRun(SampleRunInfo());
    job_id = store.RecordJob(run_id, full);
  }
  // Read back through a fresh connection, so nothing comes from memory.
  ResultsStore store = ResultsStore::Open(path);
  const std::vector<StoredJob> jobs = store.Jobs(std::nullopt);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].id, job_id);
  EXPECT_EQ(jobs[0].run_id, run_id);
  EXPECT_TRUE(IsIsoUtc(jobs[0].finished_at)) << jobs[0].finished_at;
  EXPECT_TRUE(jobs[0].result.samples.empty());  // loaded on demand
  ExpectSameResult(jobs[0].result, full);
  EXPECT_EQ(store.Samples(job_id), full.samples);
  // The normalized tables are usable from plain SQL.
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM samples"), "5");
  EXPECT_EQ(RawQuery(path, "SELECT config_key FROM jobs"), ConfigKey(full.config));
  EXPECT_EQ(RawQuery(path, "SELECT status FROM jobs"), "ok");
}

TEST_F(ResultsStoreTest, InputShapesAreStoredAndKeepJobsApart) {
  const std::string path = PathOf("results.db");
  ResultsStore store = ResultsStore::Open(path);
  const int64_t run_id = store.BeginRun(SampleRunInfo());
  JobResult small = ResultWithStatus("/models/net.onnx", JobStatus::kOk);
  small.config.input_shape = "x:1x3x8x8";
  JobResult large = small;
  large.config.input_shape = "x:1x3x16x16";
  store.RecordJob(run_id, small);
  store.RecordJob(run_id, large);
  const std::vector<StoredJob> jobs = store.Jobs(run_id);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].result.config.input_shape, "x:1x3x8x8");
  EXPECT_EQ(jobs[1].result.config.input_shape, "x:1x3x16x16");
  EXPECT_EQ(RawQuery(path, "SELECT count(DISTINCT config_key) FROM jobs"), "2");
  EXPECT_EQ(RawQuery(path, "SELECT input_shape FROM jobs ORDER BY id"), "x:1x3x8x8");
  // An ok job without samples completes a verify: each shape on its own.
  EXPECT_TRUE(store.HasCompletedJob(small.config, /*timed=*/false));
  JobConfig other = small.config;
  other.input_shape = "x:1x3x32x32";
  EXPECT_FALSE(store.HasCompletedJob(other, /*timed=*/false));
}

TEST_F(ResultsStoreTest, SchemaTwoFilesGainTheInputShapeColumn) {
  const std::string path = PathOf("results.db");
  {
    ResultsStore store = ResultsStore::Open(path);
    store.RecordJob(store.BeginRun(SampleRunInfo()), FullResult());
  }
  // What a schema-2 build wrote: no input_shape column.
  RawExec(path, std::string(kUndoSchemaEleven) + kUndoSchemaTen + kUndoSchemaNine +
                    kUndoSchemaEight + kUndoSchemaSeven + kUndoSchemaSix + kUndoSchemaFive +
                    kUndoSchemaFour +
                    "ALTER TABLE jobs DROP COLUMN input_shape; PRAGMA user_version = 2");
  {
    ResultsStore reader = ResultsStore::OpenReadOnly(path);  // upgraded in memory only
    ASSERT_EQ(reader.Jobs(std::nullopt).size(), 1u);
    EXPECT_EQ(reader.Jobs(std::nullopt)[0].result.config.input_shape, "");
  }
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), "2");
  ResultsStore store = ResultsStore::Open(path);
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(RawQuery(path, "SELECT input_shape FROM jobs"), "");
  EXPECT_TRUE(store.HasCompletedJob(FullResult().config));
}

TEST(ConfigKeyTest, TogglesAppendAFieldOnlyWhenGiven) {
  JobConfig config{.model = "resnet-18", .backend = "onednn", .weight_seed = 2019};
  const std::string plain = ConfigKey(config);
  config.toggles = "no-fusion";
  EXPECT_EQ(ConfigKey(config), plain + ";toggles=no-fusion");
  EXPECT_EQ(harness::FormatToggles({"sparse", "no-fusion", "sparse"}), "no-fusion,sparse");
  EXPECT_EQ(harness::FormatToggles({}), "");
  EXPECT_EQ(harness::BackendLabel(config), "onednn [no-fusion]");
}

TEST_F(ResultsStoreTest, TogglesAreStoredAndKeepJobsApart) {
  const std::string path = PathOf("results.db");
  ResultsStore store = ResultsStore::Open(path);
  const int64_t run_id = store.BeginRun(SampleRunInfo());
  JobResult fused = ResultWithStatus("resnet-18", JobStatus::kUnsupported);
  JobResult unfused = fused;
  unfused.config.toggles = "no-fusion";
  store.RecordJob(run_id, fused);
  store.RecordJob(run_id, unfused);
  const std::vector<StoredJob> jobs = store.Jobs(run_id);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].result.config.toggles, "");
  EXPECT_EQ(jobs[1].result.config.toggles, "no-fusion");
  EXPECT_EQ(RawQuery(path, "SELECT count(DISTINCT config_key) FROM jobs"), "2");
  EXPECT_TRUE(store.HasCompletedJob(unfused.config, /*timed=*/false));
  JobConfig other = unfused.config;
  other.toggles = "sparse";
  EXPECT_FALSE(store.HasCompletedJob(other, /*timed=*/false));
}

TEST_F(ResultsStoreTest, MachinePeaksAreKeptPerMachineLatestFirst) {
  ResultsStore store = ResultsStore::Open(PathOf("results.db"));
  EXPECT_FALSE(store.LatestMachinePeak("h", "cpu").has_value());
  store.RecordMachinePeak(
      {.hostname = "h", .cpu_model = "cpu", .isa = "avx2+fma", .peak_json = "1"});
  store.RecordMachinePeak(
      {.hostname = "h", .cpu_model = "cpu", .isa = "avx2+fma", .peak_json = "2"});
  store.RecordMachinePeak({.hostname = "g", .cpu_model = "cpu", .isa = "sse2", .peak_json = "3"});
  const auto latest = store.LatestMachinePeak("h", "cpu");
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->peak_json, "2");
  EXPECT_EQ(latest->isa, "avx2+fma");
  EXPECT_TRUE(IsIsoUtc(latest->measured_at)) << latest->measured_at;
  EXPECT_FALSE(store.LatestMachinePeak("h", "other cpu").has_value());
}

TEST_F(ResultsStoreTest, SchemaThreeFilesGainTogglesAndThePeakTable) {
  const std::string path = PathOf("results.db");
  {
    ResultsStore store = ResultsStore::Open(path);
    store.RecordJob(store.BeginRun(SampleRunInfo()), FullResult());
  }
  RawExec(path, std::string(kUndoSchemaEleven) + kUndoSchemaTen + kUndoSchemaNine +
                    kUndoSchemaEight + kUndoSchemaSeven + kUndoSchemaSix + kUndoSchemaFive +
                    kUndoSchemaFour + "PRAGMA user_version = 3");
  {
    ResultsStore reader = ResultsStore::OpenReadOnly(path);
    ASSERT_EQ(reader.Jobs(std::nullopt).size(), 1u);
    EXPECT_EQ(reader.Jobs(std::nullopt)[0].result.config.toggles, "");
  }
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), "3");
  ResultsStore store = ResultsStore::Open(path);
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(RawQuery(path, "SELECT toggles FROM jobs"), "");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM machine_peaks"), "0");
  EXPECT_TRUE(store.HasCompletedJob(FullResult().config));
}

TEST_F(ResultsStoreTest, JobsGetUidsAndOlderFilesDeterministicOnes) {
  const std::string path = PathOf("results.db");
  {
    ResultsStore store = ResultsStore::Open(path);
    const int64_t run = store.BeginRun(SampleRunInfo());
    store.RecordJob(run, FullResult());
    store.RecordJob(run, FullResult());
  }
  // Fresh jobs: 32 hex digits, different from each other.
  const std::string fresh = RawQuery(path, "SELECT group_concat(uid, ' ') FROM jobs");
  ASSERT_EQ(fresh.size(), 65u) << fresh;
  EXPECT_NE(fresh.substr(0, 32), fresh.substr(33));
  EXPECT_EQ(fresh.find_first_not_of("0123456789abcdef "), std::string::npos) << fresh;
  // A schema-10 file: its jobs get a uid from their run and their id, the same on every
  // upgrade of the same file, unique within it.
  const std::string started = RawQuery(path, "SELECT started_at FROM runs");
  RawExec(path, std::string(kUndoSchemaEleven) + "PRAGMA user_version = 10");
  ResultsStore store = ResultsStore::Open(path);
  EXPECT_EQ(RawQuery(path, "SELECT group_concat(uid, ' ') FROM jobs"),
            "legacy:" + started + "|rpi4-a|1 legacy:" + started + "|rpi4-a|2");
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(kSchemaVersion));
}

TEST_F(ResultsStoreTest, WrappedJobsKeepTheirLauncherAndNamespacesApartFromBareOnes) {
  const std::string path = PathOf("results.db");
  {
    ResultsStore store = ResultsStore::Open(path);
    store.RecordJob(store.BeginRun(SampleRunInfo()), FullResult());
  }
  // A schema-8 file gains the columns, empty for its jobs.
  RawExec(path, std::string(kUndoSchemaEleven) + kUndoSchemaTen + kUndoSchemaNine +
                    "PRAGMA user_version = 8");
  ResultsStore store = ResultsStore::Open(path);
  EXPECT_EQ(
      RawQuery(path, "SELECT wrapper || '|' || worker_pid || '|' || new_namespaces FROM jobs"),
      "|0|");
  JobResult wrapped = FullResult();
  wrapped.config.wrapper = "container:bwrap";
  wrapped.worker_pid = 2;
  wrapped.worker_namespaces = "pid:[4026532181] user:[4026532177]";
  wrapped.new_namespaces = "pid,user";
  EXPECT_FALSE(store.HasCompletedJob(wrapped.config));  // the bare job does not stand in
  store.RecordJob(store.BeginRun(SampleRunInfo()), wrapped);
  EXPECT_TRUE(store.HasCompletedJob(wrapped.config));
  const std::vector<StoredJob> jobs = store.Jobs(std::nullopt);
  ASSERT_EQ(jobs.size(), 2u);
  const JobResult& back = jobs[1].result;
  EXPECT_EQ(back.config.wrapper, "container:bwrap");
  EXPECT_EQ(back.worker_pid, 2);
  EXPECT_EQ(back.worker_namespaces, "pid:[4026532181] user:[4026532177]");
  EXPECT_EQ(back.new_namespaces, "pid,user");
  EXPECT_EQ(RawQuery(path, "SELECT count(DISTINCT config_key) FROM jobs"), "2");
}

TEST_F(ResultsStoreTest, TheBackendsKernelReportIsStoredAndOlderFilesGainAnEmptyOne) {
  const std::string path = PathOf("results.db");
  {
    ResultsStore store = ResultsStore::Open(path);
    store.RecordJob(store.BeginRun(SampleRunInfo()), FullResult());
  }
  RawExec(path, std::string(kUndoSchemaEleven) + kUndoSchemaTen + "PRAGMA user_version = 9");
  ResultsStore store = ResultsStore::Open(path);
  EXPECT_EQ(RawQuery(path, "SELECT '[' || kernels || ']' FROM jobs"), "[]");
  JobResult int8 = FullResult();
  int8.config.precision = "int8";
  int8.kernels = "conv: 3x brgconv_1x1:int8, 1x jit_int8:uni; fc: 1x gemm:s8s8s32";
  store.RecordJob(store.BeginRun(SampleRunInfo()), int8);
  const std::vector<StoredJob> jobs = store.Jobs(std::nullopt);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].result.kernels, "");
  EXPECT_EQ(jobs[1].result.kernels, int8.kernels);
  EXPECT_EQ(RawQuery(path, "SELECT kernels FROM jobs WHERE precision = 'int8'"), int8.kernels);
}

TEST_F(ResultsStoreTest, GraphPassRecordsAreStoredBesideTheirJob) {
  const std::string path = PathOf("results.db");
  {
    ResultsStore store = ResultsStore::Open(path);
    store.RecordJob(store.BeginRun(SampleRunInfo()), FullResult());
  }
  RawExec(path, std::string(kUndoSchemaEleven) + kUndoSchemaTen + kUndoSchemaNine +
                    kUndoSchemaEight + kUndoSchemaSeven + kUndoSchemaSix + kUndoSchemaFive +
                    "PRAGMA user_version = 4");
  ResultsStore store = ResultsStore::Open(path);
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(kSchemaVersion));
  JobResult pruned = FullResult();
  pruned.graph_passes = harness::GraphPassResult{.summary = "prune-channels=0.5: 1 layer(s)",
                                                 .macs_before = 1000,
                                                 .macs_after = 600,
                                                 .quality_inputs = 32,
                                                 .rel_l2_mean = 0.25,
                                                 .rel_l2_max = 0.5,
                                                 .top1_agreement = 0.75,
                                                 .top5_agreement = std::nan("")};
  const int64_t job = store.RecordJob(store.BeginRun(SampleRunInfo()), pruned);
  EXPECT_EQ(RawQuery(path,
                     "SELECT job_id || ' ' || macs_before || ' ' || macs_after || ' ' || "
                     "rel_l2_max || ' ' || coalesce(top5_agreement, 'null') FROM graph_passes"),
            std::to_string(job) + " 1000 600 0.5 null");
  const std::vector<StoredJob> jobs = store.Jobs(std::nullopt);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_FALSE(jobs[0].result.graph_passes.has_value());
  ASSERT_TRUE(jobs[1].result.graph_passes.has_value());
  EXPECT_EQ(jobs[1].result.graph_passes->macs_after, 600);
  EXPECT_EQ(jobs[1].result.graph_passes->summary, "prune-channels=0.5: 1 layer(s)");
  EXPECT_DOUBLE_EQ(jobs[1].result.graph_passes->top1_agreement, 0.75);
  EXPECT_TRUE(std::isnan(jobs[1].result.graph_passes->top5_agreement));
}

TEST_F(ResultsStoreTest, RoundTripsAFailedJobWithoutOptionalParts) {
  ResultsStore store = ResultsStore::Open(PathOf("results.db"));
  const int64_t run_id = store.BeginRun(SampleRunInfo());
  JobResult crashed = ResultWithStatus("vgg-16", JobStatus::kCrashed);
  crashed.signal = SIGSEGV;
  crashed.error = "Segmentation fault";
  const int64_t job_id = store.RecordJob(run_id, crashed);
  const std::vector<StoredJob> jobs = store.Jobs(run_id);
  ASSERT_EQ(jobs.size(), 1u);
  ExpectSameResult(jobs[0].result, crashed);
  EXPECT_FALSE(jobs[0].result.exit_code.has_value());
  EXPECT_EQ(jobs[0].result.signal, SIGSEGV);
  EXPECT_TRUE(store.Samples(job_id).empty());
}

TEST_F(ResultsStoreTest, TracksRunsAndFiltersJobsByRun) {
  ResultsStore store = ResultsStore::Open(PathOf("results.db"));
  EXPECT_EQ(store.LatestRunId(), std::nullopt);
  EXPECT_TRUE(store.Runs().empty());

  const int64_t first = store.BeginRun(SampleRunInfo());
  store.RecordJob(first, ResultWithStatus("alexnet", JobStatus::kOk));
  store.RecordJob(first, ResultWithStatus("vgg-16", JobStatus::kTimeout));
  store.FinishRun(first);
  RunInfo second_info = SampleRunInfo();
  second_info.device_label = "jetson-nano";
  const int64_t second = store.BeginRun(second_info);
  store.RecordJob(second, ResultWithStatus("resnet-18", JobStatus::kOk));

  EXPECT_EQ(store.LatestRunId(), second);
  const std::vector<StoredRun> runs = store.Runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, first);
  EXPECT_EQ(runs[0].info.device_label, "rpi4-a");
  EXPECT_EQ(runs[0].info.command_line, SampleRunInfo().command_line);
  EXPECT_EQ(runs[0].info.environment_json, SampleRunInfo().environment_json);
  EXPECT_EQ(runs[0].info.build_revision, "d4b3019");
  EXPECT_EQ(runs[0].info.tool_version, "0.1.0");
  EXPECT_TRUE(IsIsoUtc(runs[0].started_at)) << runs[0].started_at;
  ASSERT_TRUE(runs[0].finished_at.has_value());
  EXPECT_TRUE(IsIsoUtc(*runs[0].finished_at));
  EXPECT_LE(runs[0].started_at, *runs[0].finished_at);
  EXPECT_EQ(runs[1].info.device_label, "jetson-nano");
  EXPECT_FALSE(runs[1].finished_at.has_value());

  EXPECT_EQ(store.Jobs(first).size(), 2u);
  ASSERT_EQ(store.Jobs(second).size(), 1u);
  EXPECT_EQ(store.Jobs(second)[0].result.config.model, "resnet-18");
  EXPECT_EQ(store.Jobs(std::nullopt).size(), 3u);
  EXPECT_TRUE(store.Jobs(second + 100).empty());
}

TEST_F(ResultsStoreTest, UnknownRunIsAnErrorAndStoresNothing) {
  const std::string path = PathOf("results.db");
  ResultsStore store = ResultsStore::Open(path);
  EXPECT_THROW(store.FinishRun(42), StoreError);
  try {
    store.RecordJob(42, FullResult());
    ADD_FAILURE() << "recorded a job of an unknown run";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("run 42"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(store.Jobs(std::nullopt).empty());
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM samples"), "0");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM verifications"), "0");
  // The failed transaction was rolled back, so the store is still usable.
  const int64_t run_id = store.BeginRun(SampleRunInfo());
  EXPECT_NO_THROW(store.RecordJob(run_id, FullResult()));
}

TEST_F(ResultsStoreTest, NewFileGetsSchemaMarkersAndWal) {
  const std::string path = PathOf("results.db");
  ResultsStore::Open(path);
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(RawQuery(path, "PRAGMA application_id"), std::to_string(kApplicationId));
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
}

TEST_F(ResultsStoreTest, ReopeningIsIdempotentAndKeepsData) {
  const std::string path = PathOf("results.db");
  {
    ResultsStore store = ResultsStore::Open(path);
    store.RecordJob(store.BeginRun(SampleRunInfo()), FullResult());
  }
  const std::string schema = RawQuery(path, "SELECT group_concat(sql, ';') FROM sqlite_master");
  for (int i = 0; i < 2; ++i) {
    ResultsStore store = ResultsStore::Open(path);
    EXPECT_EQ(store.Jobs(std::nullopt).size(), 1u);
  }
  EXPECT_EQ(RawQuery(path, "SELECT group_concat(sql, ';') FROM sqlite_master"), schema);
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(kSchemaVersion));
}

TEST_F(ResultsStoreTest, EmptyFileIsInitialised) {
  const std::string path = PathOf("touched.db");
  WriteBytes(path, "");
  ResultsStore store = ResultsStore::Open(path);
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(kSchemaVersion));
}

TEST_F(ResultsStoreTest, NewerSchemaIsRefusedAndFileUntouched) {
  const std::string path = PathOf("results.db");
  {
    ResultsStore store = ResultsStore::Open(path);
    store.BeginRun(SampleRunInfo());
  }
  RawExec(path, "PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));
  const std::string before = ReadBytes(path);
  ExpectOpenFails(path, "created by a newer edgebench (schema " +
                            std::to_string(kSchemaVersion + 1) + ", this build knows " +
                            std::to_string(kSchemaVersion) + ")");
  EXPECT_EQ(ReadBytes(path), before);
  EXPECT_FALSE(fs::exists(path + "-wal") && fs::file_size(path + "-wal") > 0);
}

TEST_F(ResultsStoreTest, NonSqliteFilesAreRefusedAndUntouched) {
  std::string valid_db;
  {
    const std::string path = PathOf("valid.db");
    ResultsStore::Open(path).BeginRun(SampleRunInfo());
    valid_db = ReadBytes(path);
    ASSERT_GE(valid_db.size(), 4096u);
  }
  std::string random(8192, '\0');
  unsigned state = 12345;
  for (char& c : random) {
    state = state * 1103515245 + 12345;
    c = static_cast<char>(state >> 16);
  }
  const std::vector<std::pair<std::string, std::string>> files = {
      {"notes.txt", "model,latency\nresnet-18,0.01\n"},
      {"random.bin", random},
      {"short-header.db", valid_db.substr(0, 50)},
      {"one-partial-page.db", valid_db.substr(0, 1000)},
      {"torn-page.db", valid_db.substr(0, valid_db.size() - 100)},
  };
  for (const auto& [name, bytes] : files) {
    SCOPED_TRACE(name);
    const std::string path = PathOf(name);
    WriteBytes(path, bytes);
    ExpectOpenFails(path, "refusing to touch it");
    EXPECT_EQ(ReadBytes(path), bytes);
  }
}

TEST_F(ResultsStoreTest, DirectoriesAndMissingFoldersAreErrors) {
  ExpectOpenFails(dir_.string(), "not a regular file");
  ExpectOpenFails(PathOf("no-such-dir/results.db"), "cannot open");
}

TEST_F(ResultsStoreTest, ForeignSqliteDatabasesAreRefusedAndUntouched) {
  const std::string unmarked = PathOf("other-app.db");
  RawExec(unmarked, "CREATE TABLE jobs (id INTEGER PRIMARY KEY, name TEXT)");
  const std::string other_id = PathOf("other-id.db");
  RawExec(other_id, "PRAGMA application_id = 1234; CREATE TABLE t (x)");
  const std::string marker_only = PathOf("marker-only.db");
  RawExec(marker_only, "PRAGMA application_id = 99");

  for (const std::string& path : {unmarked, other_id, marker_only}) {
    SCOPED_TRACE(path);
    const std::string before = ReadBytes(path);
    ExpectOpenFails(path, "another application");
    EXPECT_EQ(ReadBytes(path), before);
  }
}

TEST_F(ResultsStoreTest, ResumeSkipsOnlyFinalOutcomes) {
  ResultsStore store = ResultsStore::Open(PathOf("results.db"));
  const int64_t run_id = store.BeginRun(SampleRunInfo());
  const std::vector<std::pair<JobStatus, bool>> cases = {
      {JobStatus::kOk, true},           {JobStatus::kUnsupported, true},
      {JobStatus::kUnavailable, false}, {JobStatus::kVerifyFailed, true},
      {JobStatus::kFailed, false},      {JobStatus::kCrashed, false},
      {JobStatus::kExited, false},      {JobStatus::kTimeout, false},
      {JobStatus::kOutOfMemory, false},
  };
  for (const auto& [status, completed] : cases) {
    const std::string model = std::string("model-") + harness::JobStatusName(status);
    SCOPED_TRACE(model);
    EXPECT_FALSE(store.HasCompletedJob(Config(model)));
    store.RecordJob(run_id, ResultWithStatus(model, status));
    EXPECT_EQ(store.HasCompletedJob(Config(model)), completed);
  }
  // Matching is on the whole configuration.
  EXPECT_FALSE(store.HasCompletedJob(Config("model-ok", /*threads=*/2)));
  // A verify-only ok job (no samples) completes a verify, never a timed run.
  JobResult verified = ResultWithStatus("model-verified", JobStatus::kOk);
  verified.samples.clear();
  verified.summary.count = 0;
  store.RecordJob(run_id, verified);
  EXPECT_TRUE(store.HasCompletedJob(Config("model-verified"), /*timed=*/false));
  EXPECT_FALSE(store.HasCompletedJob(Config("model-verified"), /*timed=*/true));
  // A retry that succeeds, in a later run, completes a failed configuration.
  const int64_t later = store.BeginRun(SampleRunInfo());
  store.RecordJob(later, ResultWithStatus("model-timeout", JobStatus::kOk));
  EXPECT_TRUE(store.HasCompletedJob(Config("model-timeout")));
}

// Writes one byte (or reports failure) on the pipe, for the crash test's child.
void Signal(int fd) {
  const char byte = 'x';
  if (write(fd, &byte, 1) != 1) _exit(3);
}

JobResult CrashTestJob(int index, size_t samples) {
  JobResult r = FullResult();
  r.config = Config("model-" + std::to_string(index));
  r.samples.resize(samples);
  for (size_t i = 0; i < samples; ++i) r.samples[i] = index + 1e-6 * static_cast<double>(i);
  return r;
}

// A child process records three jobs, then is SIGKILLed in the middle of the fourth job's
// transaction, with enough samples written that SQLite has spilled uncommitted pages to
// the WAL. The file must come back intact with exactly the three committed jobs.
TEST_F(ResultsStoreTest, SigkillMidJobLosesOnlyThatJob) {
  const std::string path = PathOf("results.db");
  constexpr size_t kSamples = 300;
  constexpr int64_t kKillAfterSamples = 200'000;  // MBs: more than SQLite's page cache
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    try {
      ResultsStore store = ResultsStore::Open(path);
      const int64_t run_id = store.BeginRun(SampleRunInfo());
      for (int i = 0; i < 3; ++i) store.RecordJob(run_id, CrashTestJob(i, kSamples));
      store.SetSampleWrittenHookForTesting([&](int64_t index) {
        if (index == kKillAfterSamples) {
          Signal(fds[1]);
          for (;;) pause();  // wait here, transaction open, for SIGKILL
        }
      });
      store.RecordJob(run_id, CrashTestJob(3, kKillAfterSamples + 10));
    } catch (...) {
      _exit(2);
    }
    _exit(1);  // the hook never fired
  }
  close(fds[1]);
  char byte = 0;
  const ssize_t got = read(fds[0], &byte, 1);
  close(fds[0]);
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_EQ(got, 1) << "child exited early with status " << status;
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  ASSERT_TRUE(fs::exists(path + "-wal"));
  // The three committed jobs take a few pages; megabytes mean the open transaction spilled.
  EXPECT_GT(fs::file_size(path + "-wal"), 1u << 20) << "uncommitted pages never reached the WAL";

  ResultsStore store = ResultsStore::Open(path);
  EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM samples"), std::to_string(3 * kSamples));
  const std::vector<StoredJob> jobs = store.Jobs(std::nullopt);
  ASSERT_EQ(jobs.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const JobResult want = CrashTestJob(i, kSamples);
    ExpectSameResult(jobs[i].result, want);
    EXPECT_EQ(store.Samples(jobs[i].id), want.samples);
  }
  // The lost job is retried on resume, and the file takes new jobs.
  EXPECT_FALSE(store.HasCompletedJob(Config("model-3")));
  const std::optional<int64_t> run_id = store.LatestRunId();
  ASSERT_TRUE(run_id.has_value());
  store.RecordJob(*run_id, CrashTestJob(3, kSamples));
  EXPECT_TRUE(store.HasCompletedJob(Config("model-3")));
}

}  // namespace
}  // namespace edgebench::store
