#pragma once

// Test-only backends whose inference time is scripted per configuration (threads,
// precision and toggles), so a search over them has a known best. Their outputs are the reference
// engine's (computed on the first run), so verification passes; every later Run() only
// spins for the scripted time.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"

namespace edgebench::testing_support {

/// The scripted seconds of one inference on backend `id` with `options`.
inline double ScriptedSeconds(const std::string& id, const backends::BackendOptions& options) {
  if (id == "scripted-slow") return 1.5e-3;  // no toggles, threads change nothing
  double seconds = 0.6e-3;
  if (options.threads >= 2) seconds /= 2;
  if (options.precision == "fp16") seconds /= 2;
  if (options.Has("no-fusion")) seconds *= 1.5;
  return seconds;
}

class ScriptedSession final : public backends::Session {
 public:
  ScriptedSession(std::unique_ptr<backends::Session> inner, double seconds, std::string precision)
      : inner_(std::move(inner)), seconds_(seconds), precision_(std::move(precision)) {}
  backends::Status SetInputs(const std::vector<backends::HostTensor>& inputs) noexcept override {
    return inner_->SetInputs(inputs);
  }
  backends::Status Run() noexcept override {
    const auto start = std::chrono::steady_clock::now();
    if (!ran_) {
      ran_ = true;
      backends::Status status = inner_->Run();
      if (!status.ok) return status;
    }
    while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() <
           seconds_) {
    }
    return backends::Status::Ok();
  }
  backends::Status GetOutputs(std::vector<backends::HostTensor>& outputs) noexcept override {
    return inner_->GetOutputs(outputs);
  }
  // The scripted "kernel" runs at the precision asked, as a reduced-precision job requires.
  backends::Status Kernels(std::vector<backends::KernelUse>& kernels) const noexcept override {
    kernels = {{"conv", "scripted spin", precision_}};
    return backends::Status::Ok();
  }

 private:
  std::unique_ptr<backends::Session> inner_;
  double seconds_;
  std::string precision_;
  bool ran_ = false;
};

class ScriptedBackend final : public backends::Backend {
 public:
  explicit ScriptedBackend(std::string id) : id_(std::move(id)) {}
  std::string Id() const override { return id_; }
  std::string Version() const override { return "scripted 1.0"; }
  backends::Support Supports(const ir::Graph&, const ir::Node&) const noexcept override {
    return {};
  }
  backends::Status Prepare(const ir::Graph& graph, const backends::BackendOptions& options,
                           std::unique_ptr<backends::Session>& session) noexcept override {
    // fp16 on scripted-fast only, refused elsewhere with the backends' wording.
    if (options.precision != "fp32" && (id_ == "scripted-slow" || options.precision != "fp16")) {
      return backends::Status::Error(options.precision + " unsupported on this backend: " + id_ +
                                     " is scripted without it");
    }
    backends::BackendOptions fp32 = options;
    fp32.precision = "fp32";  // the reference engine computes the outputs
    std::unique_ptr<backends::Session> inner;
    backends::Status status = reference_.Prepare(graph, fp32, inner);
    if (status.ok) {
      session = std::make_unique<ScriptedSession>(std::move(inner), ScriptedSeconds(id_, options),
                                                  options.precision);
    }
    return status;
  }
  std::vector<backends::OptimizationToggle> Toggles() const override {
    if (id_ == "scripted-slow") return {};
    return {{"no-fusion", "scripted: 1.5x the time"}};
  }

 private:
  std::string id_;
  backends::reference::ReferenceBackend reference_;
};

/// The default registry (no plugins) plus the two scripted backends.
inline backends::BackendRegistry ScriptedRegistry(const std::string& plugin_dir) {
  backends::BackendRegistry registry = backends::DefaultRegistry(plugin_dir);
  for (const char* id : {"scripted-fast", "scripted-slow"}) {
    registry.RegisterBuiltin(id, "test-only scripted timings",
                             [id] { return std::make_unique<ScriptedBackend>(id); });
  }
  return registry;
}

}  // namespace edgebench::testing_support
