// Proves the harness survives hostile backends: each misbehaviour becomes one recorded
// failed job and the next job still runs. The hostile backends exist only in this test
// binary, which the harness re-executes as its worker.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "harness/job_runner.h"
#include "harness/worker.h"

namespace edgebench::harness {
namespace {

enum class Misbehaviour { kSegfault, kExit3, kAbort, kHang, kUnboundedAlloc, kPerturb, kLinger };

// Delegates to the reference engine, then misbehaves when asked to run.
// Allocates and touches memory until allocation fails.
void Hoard() {
  std::vector<std::unique_ptr<char[]>> hoard;
  while (true) {
    hoard.emplace_back(new char[64 << 20]);
    std::memset(hoard.back().get(), 1, 64 << 20);
  }
}

class HostileSession final : public backends::Session {
 public:
  HostileSession(std::unique_ptr<backends::Session> inner, Misbehaviour how)
      : inner_(std::move(inner)), how_(how) {}
  backends::Status SetInputs(const std::vector<backends::HostTensor>& inputs) noexcept override {
    return inner_->SetInputs(inputs);
  }
  backends::Status Run() noexcept override {
    switch (how_) {
      case Misbehaviour::kSegfault:
        raise(SIGSEGV);
        break;
      case Misbehaviour::kExit3:
        std::exit(3);
      case Misbehaviour::kAbort:
        std::abort();
      case Misbehaviour::kHang:
        while (true) pause();
      case Misbehaviour::kUnboundedAlloc:
        Hoard();  // its std::bad_alloc ends the worker through std::terminate
        break;
      case Misbehaviour::kPerturb:
        break;
      case Misbehaviour::kLinger:
        // A helper process that outlives the worker, holding every inherited descriptor
        // (stderr at least) open for a while.
        if (!spawned_) {
          spawned_ = true;
          if (fork() == 0) {
            sleep(20);
            _exit(0);
          }
        }
        break;
    }
    return inner_->Run();
  }
  backends::Status GetOutputs(std::vector<backends::HostTensor>& outputs) noexcept override {
    backends::Status status = inner_->GetOutputs(outputs);
    if (how_ == Misbehaviour::kPerturb) {
      for (auto& tensor : outputs) {
        for (float& value : tensor.data) value += 1e-2f * (value == 0 ? 1 : value);
      }
    }
    return status;
  }

 private:
  std::unique_ptr<backends::Session> inner_;
  Misbehaviour how_;
  bool spawned_ = false;
};

class HostileBackend final : public backends::Backend {
 public:
  explicit HostileBackend(Misbehaviour how) : how_(how) {}
  std::string Id() const override { return "hostile"; }
  std::string Version() const override { return "test"; }
  backends::Support Supports(const ir::Graph&, const ir::Node&) const noexcept override {
    return {};
  }
  backends::Status Prepare(const ir::Graph& graph, const backends::BackendOptions& options,
                           std::unique_ptr<backends::Session>& session) noexcept override {
    std::unique_ptr<backends::Session> inner;
    backends::Status status = reference_.Prepare(graph, options, inner);
    if (status.ok) session = std::make_unique<HostileSession>(std::move(inner), how_);
    return status;
  }

 private:
  Misbehaviour how_;
  backends::reference::ReferenceBackend reference_;
};

backends::BackendRegistry TestRegistry() {
  backends::BackendRegistry registry = backends::DefaultRegistry("/nonexistent-plugin-dir");
  const std::pair<const char*, Misbehaviour> hostile[] = {
      {"segfault", Misbehaviour::kSegfault},    {"exit3", Misbehaviour::kExit3},
      {"abort", Misbehaviour::kAbort},          {"hang", Misbehaviour::kHang},
      {"hoard", Misbehaviour::kUnboundedAlloc}, {"perturb", Misbehaviour::kPerturb},
      {"linger", Misbehaviour::kLinger}};
  for (const auto& [id, how] : hostile) {
    registry.RegisterBuiltin(id, "test-only hostile backend",
                             [how] { return std::make_unique<HostileBackend>(how); });
  }
  return registry;
}

class WorkerProcessTest : public testing::Test {
 protected:
  void SetUp() override {
    // Sanitizer runtimes would turn signals into their own reports and exit codes; the
    // harness must see the raw signal, as it would in a release build.
    setenv("ASAN_OPTIONS", "handle_segv=0:handle_abort=0:detect_leaks=0", 1);
    cache_dir_ = testing::TempDir() + "/edgebench-worker-test-cache";
  }

  JobResult Run(const std::string& backend, double timeout = 60,
                std::optional<int64_t> memory_limit = std::nullopt,
                WorkerRequest::Mode mode = WorkerRequest::Mode::kRun) {
    WorkerRequest request{.mode = mode,
                          .config = {.model = "cifarnet", .backend = backend, .weight_seed = 1},
                          .measure = {.warmup_runs = 1,
                                      .warmup_time = 0,
                                      .min_runs = 3,
                                      .min_time = 0,
                                      .max_runs = 5,
                                      .max_time = 5,
                                      .target_ci = 0.5},
                          .cache_dir = cache_dir_};
    return RunJobInWorker(request,
                          {.timeout_seconds = timeout, .memory_limit_bytes = memory_limit});
  }

  std::string cache_dir_;
};

TEST_F(WorkerProcessTest, HealthyBackendIsMeasured) {
  JobResult result = Run("reference");
  ASSERT_EQ(result.status, JobStatus::kOk) << result.error;
  EXPECT_GE(result.samples.size(), 3u);
  EXPECT_LE(result.samples.size(), 5u);
  EXPECT_GT(result.phases.process_start, 0);
  EXPECT_GT(result.phases.first_run, 0);
  EXPECT_GT(result.peak_rss_bytes, 1 << 20);
}

TEST_F(WorkerProcessTest, SegfaultBecomesACrashedJobAndTheNextJobRuns) {
  JobResult crashed = Run("segfault");
  EXPECT_EQ(crashed.status, JobStatus::kCrashed) << crashed.error;
  EXPECT_EQ(crashed.signal, SIGSEGV);
  EXPECT_EQ(Run("reference").status, JobStatus::kOk);
}

TEST_F(WorkerProcessTest, ExitBecomesAnExitedJob) {
  JobResult exited = Run("exit3");
  EXPECT_EQ(exited.status, JobStatus::kExited) << exited.error;
  EXPECT_EQ(exited.exit_code, 3);
  EXPECT_EQ(Run("reference").status, JobStatus::kOk);
}

TEST_F(WorkerProcessTest, AbortBecomesACrashedJob) {
  JobResult aborted = Run("abort");
  EXPECT_EQ(aborted.status, JobStatus::kCrashed) << aborted.error;
  EXPECT_EQ(aborted.signal, SIGABRT);
}

TEST_F(WorkerProcessTest, HangBecomesATimeout) {
  JobResult hung = Run("hang", /*timeout=*/3);
  EXPECT_EQ(hung.status, JobStatus::kTimeout) << hung.error;
  EXPECT_EQ(Run("reference").status, JobStatus::kOk);
}

TEST_F(WorkerProcessTest, UnboundedAllocationUnderACapBecomesOutOfMemory) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space; RLIMIT_AS cannot apply";
#endif
  JobResult hoarder = Run("hoard", 60, int64_t{512} << 20);
  EXPECT_EQ(hoarder.status, JobStatus::kOutOfMemory) << hoarder.error;
  EXPECT_EQ(Run("reference").status, JobStatus::kOk);
}

TEST_F(WorkerProcessTest, ALingeringChildProcessDoesNotTurnAFinishedJobIntoATimeout) {
  JobResult result = Run("linger", /*timeout=*/10);
  EXPECT_EQ(result.status, JobStatus::kOk) << result.error;
  EXPECT_FALSE(result.samples.empty());
}

TEST_F(WorkerProcessTest, PerturbedOutputFailsVerificationAndIsNotTimed) {
  JobResult verified = Run("perturb", 60, std::nullopt, WorkerRequest::Mode::kVerify);
  EXPECT_EQ(verified.status, JobStatus::kVerifyFailed) << verified.error;
  ASSERT_TRUE(verified.verification.has_value());
  EXPECT_GT(verified.verification->rel_l2_error, 1e-3);
  JobResult timed = Run("perturb");
  EXPECT_EQ(timed.status, JobStatus::kVerifyFailed);
  EXPECT_TRUE(timed.samples.empty()) << "a backend failing verification must not be timed";
}

TEST_F(WorkerProcessTest, VerificationCanBeWaived) {
  WorkerRequest request{.config = {.model = "cifarnet", .backend = "perturb", .weight_seed = 1},
                        .measure = {.warmup_runs = 0,
                                    .warmup_time = 0,
                                    .min_runs = 2,
                                    .min_time = 0,
                                    .max_runs = 2,
                                    .max_time = 5},
                        .verify = false,
                        .cache_dir = cache_dir_};
  JobResult result = RunJobInWorker(request, {.timeout_seconds = 60});
  EXPECT_EQ(result.status, JobStatus::kOk) << result.error;
  EXPECT_FALSE(result.verification.has_value());
}

TEST_F(WorkerProcessTest, UnknownModelOrBackendIsAFailedJob) {
  EXPECT_EQ(Run("no-such-backend").status, JobStatus::kFailed);
  EXPECT_EQ(Run("opencv").status, JobStatus::kUnavailable);
}

}  // namespace
}  // namespace edgebench::harness

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], edgebench::harness::kWorkerArgument) == 0) {
    return edgebench::harness::WorkerMain(argc, argv, edgebench::harness::TestRegistry());
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
