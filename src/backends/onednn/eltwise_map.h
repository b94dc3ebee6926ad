#pragma once

// Which IR ops oneDNN 2.6 computes as element-wise (eltwise) operations, and with which
// algorithm and parameters. Shared by Supports(), the fusion planner (post-ops) and the
// unfused eltwise primitives, so the three always agree.

#include <oneapi/dnnl/dnnl.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace edgebench::backends::onednn {

/// One oneDNN eltwise operation: dst = f(src; alpha, beta).
struct EltwiseOp {
  dnnl::algorithm algorithm;
  float alpha = 0.0f;
  float beta = 0.0f;
};

/// The eltwise chain that computes `node` exactly (applied in order), or nothing when the
/// node is not a unary op oneDNN expresses; `why` then says why (empty for an op that is
/// simply not unary, e.g. a convolution).
std::optional<std::vector<EltwiseOp>> EltwiseChainFor(const ir::Graph& graph, const ir::Node& node,
                                                      std::string& why);

}  // namespace edgebench::backends::onednn
