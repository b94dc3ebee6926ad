#include "backends/libtorch/libtorch_backend.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <torch/version.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "backends/libtorch/int8_plan.h"
#include "backends/libtorch/lowering.h"
#include "backends/libtorch/quantized_layers.h"
#include "backends/libtorch/sessions.h"
#include "backends/registry.h"

namespace edgebench::backends::libtorch {
namespace {

// PyTorch parallelizes with OpenMP while OpenBLAS (Debian's libblas.so.3 alternative)
// runs its own pthread pool inside each call, so a GEMM issued from an OpenMP worker
// spawns threads on top of threads: on 2 cores that oversubscription costs more than it
// gains. One BLAS thread per caller leaves the parallelism to PyTorch's intra-op pool,
// which is the thread count the user asked for. OpenBLAS reads OPENBLAS_NUM_THREADS when
// it is loaded -- which happened with the plugin, before this code runs -- so the already
// loaded library is told through openblas_set_num_threads; the variable is set as well
// for processes started from here. A user's explicit setting is left alone.
void LimitBlasThreads() {
  if (std::getenv("OPENBLAS_NUM_THREADS") != nullptr) return;
  setenv("OPENBLAS_NUM_THREADS", "1", /*overwrite=*/0);
  for (const char* library : {"libblas.so.3", "libopenblas.so.0"}) {
    // RTLD_NOLOAD: only a library torch already loaded (the plugin's own dependency,
    // which RTLD_DEFAULT cannot see from a RTLD_LOCAL plugin).
    void* handle = dlopen(library, RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) continue;
    using SetThreadsFn = void (*)(int);
    if (auto set_threads =
            reinterpret_cast<SetThreadsFn>(dlsym(handle, "openblas_set_num_threads"))) {
      set_threads(1);
    }
    dlclose(handle);
  }
}

// The file that provides sgemm_ to torch ("openblas-pthread/libblas.so.3"): which BLAS
// alternative the system picked decides non-oneDNN convolution and linear speed ~20x.
std::string BlasLibrary() {
  void* handle = dlopen("libblas.so.3", RTLD_LAZY | RTLD_NOLOAD);
  if (handle == nullptr) return "unknown";
  std::string name = "unknown";
  Dl_info info{};
  if (void* sgemm = dlsym(handle, "sgemm_");
      sgemm != nullptr && dladdr(sgemm, &info) != 0 && info.dli_fname != nullptr) {
    // The loaded path is the alternatives symlink; its target names the implementation.
    std::error_code error;
    std::filesystem::path path = std::filesystem::canonical(info.dli_fname, error);
    if (error) path = info.dli_fname;
    name = (path.parent_path().filename() / path.filename()).string();
  }
  dlclose(handle);
  return name;
}

// The inter-op pool runs independent graph branches (TorchScript's fork); the IR runs
// sequentially, so one thread. PyTorch allows setting it once per process, before any
// inter-op work, and throws otherwise -- hence once, and a failure only means an earlier
// caller (e.g. another session in the process) already chose.
void SetInteropThreadsOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    try {
      at::set_num_interop_threads(1);
    } catch (const std::exception&) {
    }
  });
}

// The device a session runs on. BackendOptions has no device field yet: CPU. A device
// option becomes `return c10::Device(options.device);` here and nothing else changes.
c10::Device DeviceFor(const BackendOptions& /*options*/) { return c10::Device(c10::kCPU); }

}  // namespace

std::string LibTorchBackend::Id() const {
  return mode_ == Mode::kEager ? "libtorch-eager" : "libtorch-script";
}

std::string LibTorchBackend::Version() const {
  const std::string mode = mode_ == Mode::kEager ? "eager" : fmt::format("TorchScript {}", passes_);
  const int threads = at::get_num_threads();
  return fmt::format(
             "LibTorch {} ({}, {}; {} intra-op thread{}, {} inter-op; oneDNN {}, {}; BLAS {})",
             TORCH_VERSION, mode, device_.str(), threads, threads == 1 ? "" : "s",
             at::get_num_interop_threads(), at::hasMKLDNN() ? "on" : "off",
             at::hasOpenMP() ? "OpenMP" : "native threads", BlasLibrary()) +
         (int8_.empty() ? "" : fmt::format(" [{}]", int8_));
}

Support LibTorchBackend::Supports(const ir::Graph& graph, const ir::Node& node) const noexcept {
  try {
    return SupportsNode(graph, node);
  } catch (const std::exception& error) {
    return {false, fmt::format("node '{}': {}", node.name, error.what())};
  }
}

std::vector<OptimizationToggle> LibTorchBackend::Toggles() const {
  std::vector<OptimizationToggle> toggles = {
      {kQnnpackEngine,
       "int8 layers run on LibTorch's QNNPACK engine (the ARM default) instead of oneDNN's"}};
  if (mode_ == Mode::kScript) {
    toggles.push_back({kNoFusion,
                       "the scripted module runs as written: no freeze (weights stay "
                       "parameters), no optimize_for_inference (no conv-bn-relu fusion, no "
                       "oneDNN layout conversion)"});
  }
  return toggles;
}

Status LibTorchBackend::PlanInt8Job(const ir::Graph& graph, const BackendOptions& options,
                                    std::optional<Int8Plan>& plan) {
  try {
    const std::string preferred = options.Has(kQnnpackEngine) ? kQnnpackEngine : "";
    const std::string engine = ChooseQuantizedEngine(preferred);
    if (engine.empty()) {
      return Status::Error(fmt::format(
          "int8 unsupported on this backend: this LibTorch build has no {} quantized engine",
          preferred.empty() ? "onednn or qnnpack" : preferred));
    }
    const bool seven_bit = engine == kOneDnnEngine && OneDnnNeedsSevenBitWeights();
    plan = PlanInt8(graph, engine, seven_bit);
    SelectQuantizedEngine(engine);
    int8_ = fmt::format("int8 on the {} quantized engine{}", engine,
                        seven_bit ? ", 7-bit weights (no VNNI)" : "");
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("libtorch int8: {}", error.what()));
  }
  return Status::Ok();
}

Status LibTorchBackend::Prepare(const ir::Graph& graph, const BackendOptions& options,
                                std::unique_ptr<Session>& session) noexcept {
  std::optional<Int8Plan> int8;
  int8_.clear();
  if (options.precision == "int8") {
    Status status = PlanInt8Job(graph, options, int8);
    if (!status.ok) return status;
  } else if (options.precision != "fp32") {
    return Status::Error(fmt::format(
        "{} unsupported on this backend: edgebench's LibTorch adapter lowers the IR to fp32 ATen "
        "ops (and, for int8, LibTorch's quantized operators) only",
        options.precision));
  } else if (options.Has(kQnnpackEngine)) {
    return Status::Error(fmt::format(
        "the {} toggle picks the engine of int8 layers; an fp32 job runs none", kQnnpackEngine));
  }
  if (options.threads < 1) {
    return Status::Error(fmt::format("thread count must be at least 1, got {}", options.threads));
  }
  try {
    for (const ir::Node& node : graph.nodes()) {
      const Support support = SupportsNode(graph, node);
      if (!support.supported) {
        return Status::Error(
            fmt::format("node '{}' ({}): {}", node.name, ir::OpName(node.op), support.reason));
      }
    }
    SetInteropThreadsOnce();
    // PyTorch's default intra-op count is not the core count everywhere (it came up as 1
    // on the 2-core machines): always set it.
    at::set_num_threads(options.threads);
    device_ = DeviceFor(options);
  } catch (const std::exception& error) {
    return Status::Error(fmt::format("libtorch: {}", error.what()));
  }
  if (mode_ == Mode::kEager) {
    return PrepareEagerSession(graph, device_, options.threads, int8 ? &*int8 : nullptr, session);
  }
  std::string passes;
  Status status = PrepareScriptSession(graph, device_, options.threads, int8 ? &*int8 : nullptr,
                                       !options.Has(kNoFusion), session, passes);
  if (status.ok) passes_ = passes;
  return status;
}

}  // namespace edgebench::backends::libtorch

EDGEBENCH_PLUGIN_EXPORT int edgebench_backend_abi_version() {
  return edgebench::backends::kPluginAbiVersion;
}

EDGEBENCH_PLUGIN_EXPORT edgebench::backends::Backend* edgebench_create_backend(const char* id,
                                                                               char* error,
                                                                               size_t error_size) {
  using edgebench::backends::libtorch::LibTorchBackend;
  using edgebench::backends::libtorch::Mode;
  try {
    static std::once_flag blas_once;
    std::call_once(blas_once, edgebench::backends::libtorch::LimitBlasThreads);
    if (std::strcmp(id, "libtorch-eager") == 0) return new LibTorchBackend(Mode::kEager);
    if (std::strcmp(id, "libtorch-script") == 0) return new LibTorchBackend(Mode::kScript);
    std::snprintf(error, error_size, "the libtorch plugin does not serve '%s'", id);
  } catch (const std::exception& e) {
    std::snprintf(error, error_size, "libtorch failed to start: %s", e.what());
  }
  return nullptr;
}
