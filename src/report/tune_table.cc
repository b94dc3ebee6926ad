#include "report/tune_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "harness/tune_search.h"
#include "report/result_cells.h"

namespace edgebench::report {
namespace {

// Rank of how far a trial got: the winner, then survivors of later rounds.
int Reach(const store::StoredTuneTrial& t) {
  if (t.status != harness::JobStatus::kOk && t.rounds == 0) return -1;  // refused
  return t.eliminated_in == 0 ? 1 << 20 : t.eliminated_in;
}

}  // namespace

Table TuneTrialsTable(const store::StoredTuneSearch& search, bool include_refused) {
  Table table;
  table.columns = {{"fate", "fate"},
                   {"config", "configuration"},
                   {"status", "status"},
                   {"rounds", "rounds", true},
                   {"samples", "n", true},
                   {"p50_ms", "p50(ms)", true},
                   {"ci_low_ms", "CI low", true},
                   {"ci_high_ms", "CI high", true},
                   {"detail", "detail", false, kTerminalDetailWidth}};
  std::vector<const store::StoredTuneTrial*> order;
  for (const store::StoredTuneTrial& t : search.trials) {
    if (include_refused || Reach(t) >= 0) order.push_back(&t);
  }
  std::stable_sort(order.begin(), order.end(), [&](const auto* a, const auto* b) {
    const bool a_best = harness::ConfigKey(a->config) == search.best_key;
    const bool b_best = harness::ConfigKey(b->config) == search.best_key;
    if (a_best != b_best) return a_best;
    if (Reach(*a) != Reach(*b)) return Reach(*a) > Reach(*b);
    const double pa = std::isfinite(a->p50) ? a->p50 : INFINITY;
    const double pb = std::isfinite(b->p50) ? b->p50 : INFINITY;
    return pa < pb;
  });
  for (const store::StoredTuneTrial* t : order) {
    const std::string key = harness::ConfigKey(t->config);
    std::string fate = key == search.best_key ? "BEST"
                       : Reach(*t) < 0        ? "refused"
                       : t->eliminated_in > 0 ? fmt::format("out after round {}", t->eliminated_in)
                                              : "survived";
    if (key == search.baseline_key) fate += " (default)";
    const bool measured = t->samples > 0 && std::isfinite(t->p50);
    table.rows.push_back(
        {TextCell(fate), TextCell(harness::DescribeConfig(t->config)),
         TextCell(harness::JobStatusName(t->status)), IntegerCell(t->rounds),
         IntegerCell(t->samples), measured ? LatencyMsCell(t->p50) : TextCell("-"),
         measured ? LatencyMsCell(t->median_ci_low) : TextCell("-"),
         measured ? LatencyMsCell(t->median_ci_high) : TextCell("-"),
         TextCell(t->status != harness::JobStatus::kOk ? t->error : t->why_dropped)});
  }
  return table;
}

std::vector<std::string> TuneRefusalLines(const store::StoredTuneSearch& search) {
  std::vector<std::pair<std::string, int>> reasons;  // in first-seen order
  for (const store::StoredTuneTrial& t : search.trials) {
    if (Reach(t) >= 0) continue;
    auto found = std::find_if(reasons.begin(), reasons.end(),
                              [&](const auto& r) { return r.first == t.error; });
    if (found == reasons.end()) {
      reasons.emplace_back(t.error, 1);
    } else {
      ++found->second;
    }
  }
  std::vector<std::string> lines;
  for (const auto& [reason, count] : reasons) {
    lines.push_back(fmt::format("{} configuration{} refused before measuring: {}", count,
                                count == 1 ? "" : "s", reason));
  }
  return lines;
}

std::vector<std::string> TuneSummaryLines(const store::StoredTuneSearch& search) {
  std::vector<std::string> lines;
  const store::StoredTuneTrial* best = nullptr;
  const store::StoredTuneTrial* baseline = nullptr;
  for (const store::StoredTuneTrial& t : search.trials) {
    if (harness::ConfigKey(t.config) == search.best_key) best = &t;
    if (harness::ConfigKey(t.config) == search.baseline_key) baseline = &t;
  }
  if (!best) {
    lines.push_back(fmt::format("{}: no configuration won: {}", search.model, search.rationale));
    return lines;
  }
  lines.push_back(
      fmt::format("best for {}: {}", search.model, harness::DescribeConfig(best->config)));
  if (baseline == best) {
    lines.push_back("the default configuration is the fastest: tuning buys nothing here");
  } else if (baseline && std::isfinite(search.speedup)) {
    lines.push_back(
        fmt::format("speed-up over the default ({}): {:.2f}x, 95% interval [{:.2f}, {:.2f}]{}",
                    harness::DescribeConfig(baseline->config), search.speedup, search.speedup_low,
                    search.speedup_high,
                    search.speedup_low > 1 ? "" : " (not distinguishable from no speed-up)"));
  } else {
    lines.push_back("no speed-up: the default configuration could not be measured");
  }
  lines.push_back(fmt::format(
      "measured {} timed inferences; the exhaustive grid at the winner's precision would take {}",
      search.measurements, search.exhaustive_measurements));
  lines.push_back("why: " + search.rationale);
  lines.push_back(
      "default = the backend's fp32 configuration, 1 thread, its fusion on, no other toggle, "
      "not pinned (what `edgebench run` runs without options)");
  return lines;
}

}  // namespace edgebench::report
