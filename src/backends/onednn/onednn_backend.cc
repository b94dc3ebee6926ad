#include "backends/onednn/onednn_backend.h"

#include <fmt/format.h>
#include <omp.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <utility>

#include "backends/onednn/lowering.h"
#include "backends/onednn/session.h"
#include "backends/onednn/support.h"
#include "backends/registry.h"

namespace edgebench::backends::onednn {
namespace {

constexpr int kDefaultPrimitiveCacheCapacity = 1024;  // oneDNN's own default

std::string IsaName(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_sse41:
      return "sse41";
    case dnnl_cpu_isa_avx:
      return "avx";
    case dnnl_cpu_isa_avx2:
      return "avx2";
    case dnnl_cpu_isa_avx2_vnni:
      return "avx2_vnni";
    case dnnl_cpu_isa_avx512_mic:
      return "avx512_mic";
    case dnnl_cpu_isa_avx512_mic_4ops:
      return "avx512_mic_4ops";
    case dnnl_cpu_isa_avx512_core:
      return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx:
      return "avx512_core_amx";
    default:
      return "any";
  }
}

// OpenMP gives a parallel region the caller's thread count unless dynamic adjustment or
// a thread limit lowers it; both are checked so Run really uses `threads`.
Status ApplyThreads(int threads) {
  if (threads < 1) {
    return Status::Error(fmt::format("thread count must be at least 1, got {}", threads));
  }
  if (omp_get_thread_limit() < threads) {
    return Status::Error(
        fmt::format("OpenMP thread limit is {} (OMP_THREAD_LIMIT), below the {} asked for",
                    omp_get_thread_limit(), threads));
  }
  omp_set_dynamic(0);
  omp_set_num_threads(threads);
  if (omp_get_max_threads() != threads) {
    return Status::Error(fmt::format("OpenMP gives {} threads, not the {} asked for",
                                     omp_get_max_threads(), threads));
  }
  return Status::Ok();
}

// Whether this CPU and oneDNN build run convolutions at `precision`, from oneDNN's own ISA
// dispatch (never from an assumption about the machine); sets `compute` when they do.
Support PrecisionSupport(const ir::Graph& graph, const std::string& precision,
                         ComputePrecision& compute) {
  const dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
  if (precision == "fp32") {
    compute = ComputePrecision::kFp32;
  } else if (precision == "int8") {
    compute = ComputePrecision::kInt8;  // oneDNN has int8 kernels from SSE4.1 up
  } else if (precision == "bf16") {
    // oneDNN 2.x's bf16 kernels need AVX-512 (emulated on AVX-512 cores without bf16).
    if ((isa & dnnl_cpu_isa_avx512_core) != dnnl_cpu_isa_avx512_core) {
      return {false, fmt::format("bf16 unsupported on this CPU: oneDNN's bf16 kernels need "
                                 "AVX-512 and its effective ISA here is {}",
                                 IsaName(isa))};
    }
    compute = ComputePrecision::kBf16;
  } else if (precision == "fp16") {
    return {false, fmt::format("fp16 unsupported on this backend: oneDNN {}.{} has no f16 CPU "
                               "kernels (f16 is a GPU data type there; ISA here: {})",
                               dnnl_version()->major, dnnl_version()->minor, IsaName(isa))};
  } else {
    return {false, fmt::format("onednn backend has no precision '{}'", precision)};
  }
  if (compute != ComputePrecision::kFp32) {
    for (const ir::Node& node : graph.nodes()) {
      if (node.op == ir::OpKind::kConvTranspose) {
        return {false, fmt::format("{} unsupported for ConvTranspose ('{}') on this backend: "
                                   "it has a reduced-precision path for Conv and "
                                   "FullyConnected only",
                                   precision, node.name)};
      }
    }
  }
  return {};
}

}  // namespace

std::string OneDnnBackend::Version() const {
  const dnnl_version_t* version = dnnl_version();
  return fmt::format("oneDNN {}.{}.{} (OpenMP, {})", version->major, version->minor, version->patch,
                     IsaName(dnnl_get_effective_cpu_isa()));
}

std::vector<OptimizationToggle> OneDnnBackend::Toggles() const {
  return {{kNoFusion,
           "every IR node runs as its own primitive: no BatchNorm folding into convolution "
           "weights, no activation or residual-add post-ops"}};
}

Support OneDnnBackend::Supports(const ir::Graph& graph, const ir::Node& node) const noexcept {
  try {
    return NodeSupport(graph, node);
  } catch (const std::exception& error) {
    return {false, fmt::format("{}: cannot inspect node: {}", ir::OpName(node.op), error.what())};
  }
}

Status OneDnnBackend::Prepare(const ir::Graph& graph, const BackendOptions& options,
                              std::unique_ptr<Session>& session) noexcept {
  ComputePrecision precision = ComputePrecision::kFp32;
  if (const Support support = PrecisionSupport(graph, options.precision, precision);
      !support.supported) {
    return Status::Error(support.reason);
  }
  if (Status threads = ApplyThreads(options.threads); !threads.ok) return threads;
  try {
    // The global primitive cache is on by default; an environment that switched it off
    // (DNNL_PRIMITIVE_CACHE_CAPACITY=0) gets the default back.
    if (dnnl::get_primitive_cache_capacity() == 0) {
      dnnl::set_primitive_cache_capacity(kDefaultPrimitiveCacheCapacity);
    }
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    Plan plan = LowerGraph(graph, !options.Has(kNoFusion), precision, engine, stream);
    for (const KernelUse& kernel : plan.kernels) {
      // oneDNN's reference loops (or another precision) are no kernel to measure a reduced
      // precision by.
      if (precision != ComputePrecision::kFp32 &&
          (kernel.precision != options.precision || kernel.kernel.starts_with("ref"))) {
        return Status::Error(fmt::format(
            "{} unsupported on this CPU for a {}: oneDNN picks '{}' computing in {} (ISA {})",
            options.precision, kernel.op, kernel.kernel, kernel.precision,
            IsaName(dnnl_get_effective_cpu_isa())));
      }
    }
    std::vector<ir::Shape> inputs;
    for (ir::ValueId id : graph.inputs()) inputs.push_back(graph.value(id).shape);
    std::vector<ir::Shape> outputs;
    for (ir::ValueId id : graph.outputs()) outputs.push_back(graph.value(id).shape);
    session =
        std::make_unique<OneDnnSession>(std::move(engine), std::move(stream), std::move(plan),
                                        options.threads, std::move(inputs), std::move(outputs));
  } catch (const dnnl::error& error) {
    return Status::Error(fmt::format("oneDNN cannot prepare '{}': {}", graph.name(), error.what()));
  } catch (const std::exception& error) {
    return Status::Error(
        fmt::format("onednn prepare of '{}' failed: {}", graph.name(), error.what()));
  }
  return Status::Ok();
}

}  // namespace edgebench::backends::onednn

EDGEBENCH_DEFINE_PLUGIN("onednn",
                        [](std::string&) -> std::unique_ptr<edgebench::backends::Backend> {
                          return std::make_unique<edgebench::backends::onednn::OneDnnBackend>();
                        })
