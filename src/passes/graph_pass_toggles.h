#pragma once

// The optimization toggles that are graph passes: they change the model before any
// backend sees it, so every backend accepts them (unlike a backend's own toggles such as
// no-fusion). Syntax, as in `--opt`:
//   fold-bn             fold BatchNorm into the convolution before it (lossless)
//   prune=F             unstructured magnitude pruning to sparsity F, 0 < F < 1
//   prune-channels=F    structured pruning of a fraction F of the output channels
//                       (0 < F < 1) where the layers after can shrink with them

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace edgebench::passes {

/// True when `toggle` (one toggle, e.g. "prune=0.5" or "fold-bn") names a graph pass,
/// whether or not its value is valid.
bool IsGraphPassToggle(std::string_view toggle);

/// The canonical text of one graph-pass toggle ("prune=.50" -> "prune=0.5"), or nullopt
/// with `error` saying what is wrong (unknown pass, missing, extra or out-of-range value).
std::optional<std::string> CanonicalGraphPassToggle(std::string_view toggle, std::string& error);

/// The graph passes a job asks for.
struct GraphPassToggles {
  bool fold_bn = false;
  std::optional<double> prune;           // target sparsity
  std::optional<double> prune_channels;  // fraction of channels removed

  bool any() const { return fold_bn || prune || prune_channels; }
  /// Passes that change what the model computes (so their output deviation is measured).
  bool lossy() const { return prune || prune_channels; }
};

/// The graph passes among `toggles` (other toggles are ignored). Throws
/// std::invalid_argument on a malformed pass toggle.
GraphPassToggles ParseGraphPassToggles(const std::vector<std::string>& toggles);

/// What the passes did, for the job's result.
struct GraphPassReport {
  int64_t macs_before = 0;
  int64_t macs_after = 0;
  std::string summary;  // one line per pass, e.g. "prune-channels=0.5: 2 layers pruned ..."
};

/// Applies the passes to a graph with inferred shapes and materialized weights, in a fixed
/// order: fold-bn, prune-channels, prune (so unstructured pruning sees the final layers).
GraphPassReport ApplyGraphPasses(ir::Graph& graph, const GraphPassToggles& toggles);

}  // namespace edgebench::passes
