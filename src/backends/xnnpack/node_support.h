#pragma once

// Which IR nodes this XNNPACK (git 2022-02-16, Debian's libxnnpack) computes exactly as the
// IR defines them, under the layout choice of layout.h. Everything else is refused up
// front with the reason, so a model that needs it is reported unsupported; the backend
// never hands a node to another engine.

#include "backends/backend.h"
#include "backends/xnnpack/fusion.h"
#include "ir/graph.h"

namespace edgebench::backends::xnnpack {

/// Whether the subgraph builder maps `node` exactly; the reason when it does not.
Support NodeSupport(const ir::Graph& graph, const ConsumerIndex& consumers, const ir::Node& node);

/// For resize nodes that NodeSupport accepts: the XNNPACK resize flags that reproduce
/// the node's coordinate mode.
uint32_t ResizeFlags(const ir::ResizeAttrs& attrs);

}  // namespace edgebench::backends::xnnpack
