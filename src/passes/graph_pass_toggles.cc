#include "passes/graph_pass_toggles.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "ir/cost.h"
#include "passes/channel_pruning.h"
#include "passes/fold_batch_norm.h"
#include "passes/magnitude_pruning.h"

namespace edgebench::passes {
namespace {

constexpr std::string_view kFoldBn = "fold-bn";
constexpr std::string_view kPrune = "prune";
constexpr std::string_view kPruneChannels = "prune-channels";

std::string_view NameOf(std::string_view toggle) { return toggle.substr(0, toggle.find('=')); }

// A fraction strictly between 0 and 1, or nullopt.
std::optional<double> ParseFraction(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value) || value <= 0.0 || value >= 1.0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

bool IsGraphPassToggle(std::string_view toggle) {
  const std::string_view name = NameOf(toggle);
  return name == kFoldBn || name == kPrune || name == kPruneChannels;
}

std::optional<std::string> CanonicalGraphPassToggle(std::string_view toggle, std::string& error) {
  const std::string_view name = NameOf(toggle);
  const bool has_value = name.size() < toggle.size();
  if (name == kFoldBn) {
    if (!has_value) return std::string(name);
    error = fmt::format("'{}': fold-bn takes no value", toggle);
    return std::nullopt;
  }
  if (name == kPrune || name == kPruneChannels) {
    const std::optional<double> fraction =
        has_value ? ParseFraction(toggle.substr(name.size() + 1)) : std::nullopt;
    if (fraction) return fmt::format("{}={}", name, *fraction);
    error = fmt::format("'{}': {} needs a fraction strictly between 0 and 1, e.g. {}=0.5", toggle,
                        name, name);
    return std::nullopt;
  }
  error = fmt::format("'{}' is not a graph pass (fold-bn, prune=F, prune-channels=F)", toggle);
  return std::nullopt;
}

GraphPassToggles ParseGraphPassToggles(const std::vector<std::string>& toggles) {
  GraphPassToggles passes;
  for (const std::string& toggle : toggles) {
    if (!IsGraphPassToggle(toggle)) continue;
    std::string error;
    const std::optional<std::string> canonical = CanonicalGraphPassToggle(toggle, error);
    if (!canonical) throw std::invalid_argument(error);
    const std::string_view name = NameOf(*canonical);
    if (name == kFoldBn) {
      passes.fold_bn = true;
    } else {
      const double value = *ParseFraction(std::string_view(*canonical).substr(name.size() + 1));
      (name == kPrune ? passes.prune : passes.prune_channels) = value;
    }
  }
  return passes;
}

GraphPassReport ApplyGraphPasses(ir::Graph& graph, const GraphPassToggles& toggles) {
  GraphPassReport report;
  report.macs_before = ir::CountGraph(graph).macs;
  std::vector<std::string> lines;
  if (toggles.fold_bn) {
    const std::vector<FoldedBatchNorm> folded = FoldBatchNorm(graph);
    lines.push_back(fmt::format("fold-bn: {} batch norm(s) folded", folded.size()));
  }
  if (toggles.prune_channels) {
    const ChannelPruneReport pruned = PruneChannels(graph, *toggles.prune_channels);
    std::vector<std::string> layers;
    for (const PrunedLayer& layer : pruned.pruned) {
      layers.push_back(
          fmt::format("{} {}->{}", layer.layer, layer.channels_before, layer.channels_after));
    }
    lines.push_back(fmt::format("prune-channels={}: {} layer(s) pruned{}{}, {} left whole",
                                *toggles.prune_channels, pruned.pruned.size(),
                                layers.empty() ? "" : " ", fmt::join(layers, ", "),
                                pruned.skipped.size()));
  }
  if (toggles.prune) {
    const MagnitudePruneReport pruned = PruneMagnitude(graph, *toggles.prune);
    lines.push_back(fmt::format("prune={}: {} of {} weights zero (sparsity {:.4f}) in {} tensor(s)",
                                *toggles.prune, pruned.zeros, pruned.elements,
                                pruned.achieved_sparsity, pruned.tensors.size()));
  }
  report.macs_after = ir::CountGraph(graph).macs;
  report.summary = fmt::format("{}", fmt::join(lines, "; "));
  return report;
}

}  // namespace edgebench::passes
