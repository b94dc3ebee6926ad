#pragma once

// What the worker process tests share: backends that misbehave on purpose (they exist
// only in the test binary, which the harness re-executes as its worker), the registry
// that offers them, and a fixture that runs jobs in workers.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"
#include "harness/job_launcher.h"
#include "harness/job_runner.h"

namespace edgebench::harness::testing_support {

enum class Misbehaviour {
  kSegfault,
  kExit3,
  kAbort,
  kHang,
  kUnboundedAlloc,
  kPerturb,
  kLinger,
  kNone,             // the reference engine under another name: a faithful backend
  kPerturbSmallest,  // only the output with the fewest elements is wrong
};

// Delegates to the reference engine, then misbehaves when asked to run.
// Allocates and touches memory until allocation fails.
inline void Hoard() {
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
      case Misbehaviour::kNone:
      case Misbehaviour::kPerturbSmallest:
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
    if (how_ == Misbehaviour::kPerturbSmallest && !outputs.empty()) {
      auto smallest = std::min_element(outputs.begin(), outputs.end(), [](auto& a, auto& b) {
        return a.data.size() < b.data.size();
      });
      for (float& value : smallest->data) value += 1e-2f * (value == 0 ? 1 : value);
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

// The default registry for `plugin_dir` (the worker builds it from the request), plus
// the hostile backends and the real test plugin.
inline backends::BackendRegistry TestRegistry(
    const std::string& plugin_dir = "/nonexistent-plugin-dir") {
  backends::BackendRegistry registry = backends::DefaultRegistry(plugin_dir);
  const std::pair<const char*, Misbehaviour> hostile[] = {
      {"segfault", Misbehaviour::kSegfault},
      {"exit3", Misbehaviour::kExit3},
      {"abort", Misbehaviour::kAbort},
      {"hang", Misbehaviour::kHang},
      {"hoard", Misbehaviour::kUnboundedAlloc},
      {"perturb", Misbehaviour::kPerturb},
      {"linger", Misbehaviour::kLinger},
      {"faithful", Misbehaviour::kNone},
      {"perturb-smallest", Misbehaviour::kPerturbSmallest}};
  for (const auto& [id, how] : hostile) {
    registry.RegisterBuiltin(id, "test-only hostile backend",
                             [how] { return std::make_unique<HostileBackend>(how); });
  }
  registry.DeclarePlugin("test-plugin", "test plugin", "libedgebench_test_plugin.so");
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
                WorkerRequest::Mode mode = WorkerRequest::Mode::kRun,
                const std::string& model = "cifarnet") {
    WorkerRequest request{.mode = mode,
                          .config = {.model = model, .backend = backend, .weight_seed = 1},
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

  LaunchOptions Launch(const std::string& cache_dir) const {
    return {.mode = WorkerRequest::Mode::kRun,
            .measure = {.warmup_runs = 1,
                        .warmup_time = 0,
                        .min_runs = 3,
                        .min_time = 0,
                        .max_runs = 5,
                        .max_time = 5,
                        .target_ci = 0.5},
            .plugin_dir = EDGEBENCH_TEST_PLUGIN_DIR,
            .cache_dir = cache_dir,
            .runner = {.timeout_seconds = 120}};
  }

  std::string cache_dir_;
};

}  // namespace edgebench::harness::testing_support
