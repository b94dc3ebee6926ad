#pragma once

// What the onednn backend can compute exactly as the IR defines it. Every refusal names
// the op and why, so a model oneDNN cannot run becomes an "unsupported" result instead of
// a failure or a wrong number.

#include "backends/backend.h"
#include "ir/graph.h"

namespace edgebench::backends::onednn {

/// Whether oneDNN 2.6 computes `node` exactly; the reason when not. May throw on a
/// malformed node (the caller turns that into a refusal).
Support NodeSupport(const ir::Graph& graph, const ir::Node& node);

}  // namespace edgebench::backends::onednn
