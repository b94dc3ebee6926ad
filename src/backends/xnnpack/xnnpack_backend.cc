#include "backends/xnnpack/xnnpack_backend.h"

#include <fmt/format.h>
#include <pthreadpool.h>
#include <xnnpack.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <utility>

#include "backends/registry.h"
#include "backends/xnnpack/fusion.h"
#include "backends/xnnpack/node_support.h"
#include "backends/xnnpack/subgraph_builder.h"
#include "backends/xnnpack/xnnpack_session.h"

namespace edgebench::backends::xnnpack {

bool InitializeXnnpack(std::string& error) {
  // xnn_initialize is idempotent, but its result is only worth checking once.
  static const xnn_status status = xnn_initialize(/*allocator=*/nullptr);
  if (status == xnn_status_success) return true;
  error = status == xnn_status_unsupported_hardware
              ? "xnn_initialize failed: this CPU lacks the SIMD extensions XNNPACK requires"
              : fmt::format("xnn_initialize failed: {}", StatusName(status));
  return false;
}

std::string XnnpackBackend::Version() const { return "XNNPACK " EDGEBENCH_XNNPACK_VERSION; }

std::vector<OptimizationToggle> XnnpackBackend::Toggles() const {
  return {{"sparse",
           "XNN_FLAG_HINT_SPARSE_INFERENCE: the runtime may run eligible 1x1 convolutions "
           "with sparse NCHW kernels when their weights are sparse"}};
}

Support XnnpackBackend::Supports(const ir::Graph& graph, const ir::Node& node) const noexcept {
  try {
    return NodeSupport(graph, IndexConsumers(graph), node);
  } catch (const std::exception& error) {
    return {false, fmt::format("cannot inspect node: {}", error.what())};
  }
}

Status XnnpackBackend::Prepare(const ir::Graph& graph, const BackendOptions& options,
                               std::unique_ptr<Session>& session) noexcept {
  if (options.precision == "bf16") {
    return Status::Error(
        "bf16 unsupported on this backend: XNNPACK has no bf16 operators (fp32, fp16 and int8)");
  }
  if (options.precision != "fp32" && options.precision != "fp16" && options.precision != "int8") {
    return Status::Error(fmt::format("xnnpack backend has no precision '{}'", options.precision));
  }
  if (options.threads < 1) {
    return Status::Error(fmt::format("thread count must be at least 1, got {}", options.threads));
  }
  for (const std::string& toggle : options.toggles) {
    if (toggle != "sparse") {
      return Status::Error(fmt::format("xnnpack backend has no toggle '{}'", toggle));
    }
  }
  std::string error;
  if (!InitializeXnnpack(error)) return Status::Error(error);
  try {
    BuiltSubgraph built = SubgraphBuilder(graph, options.precision == "int8").Build();
    ThreadPoolHandle pool;
    if (options.threads > 1) {
      pool.reset(pthreadpool_create(static_cast<size_t>(options.threads)));
      if (!pool) {
        return Status::Error(
            fmt::format("cannot create a pthreadpool of {} threads", options.threads));
      }
    }
    uint32_t flags = options.Has("sparse") ? XNN_FLAG_HINT_SPARSE_INFERENCE : 0;
    // FORCE (not HINT, which x86 ignores): the runtime fails rather than fall back to fp32.
    if (options.precision == "fp16") flags |= XNN_FLAG_FORCE_FP16_INFERENCE;
    session = std::make_unique<XnnpackSession>(std::move(built), std::move(pool), flags);
  } catch (const std::exception& failure) {
    return Status::Error(
        fmt::format("xnnpack prepare of '{}' failed: {}", graph.name(), failure.what()));
  }
  return Status::Ok();
}

}  // namespace edgebench::backends::xnnpack

EDGEBENCH_DEFINE_PLUGIN("xnnpack",
                        [](std::string& why) -> std::unique_ptr<edgebench::backends::Backend> {
                          if (!edgebench::backends::xnnpack::InitializeXnnpack(why)) return nullptr;
                          return std::make_unique<edgebench::backends::xnnpack::XnnpackBackend>();
                        })
