#include "report/overhead_table.h"

#include <fmt/format.h>

#include <cmath>

#include "report/result_cells.h"

namespace edgebench::report {
namespace {

// "+1.23 [+0.80, +1.66]"; without an interval (one pair) the estimate alone.
Cell IntervalCell(double estimate, double low, double high, double scale, int decimals) {
  if (!std::isfinite(estimate)) return TextCell("—");
  if (!std::isfinite(low) || !std::isfinite(high)) {
    return {fmt::format("{:+.{}f}", estimate * scale, decimals), estimate * scale};
  }
  return {fmt::format("{:+.{}f} [{:+.{}f}, {:+.{}f}]", estimate * scale, decimals, low * scale,
                      decimals, high * scale, decimals),
          estimate * scale};
}

std::string Verdict(const harness::WrapOverhead& o) {
  if (!std::isfinite(o.ratio.low) || !std::isfinite(o.ratio.high)) return "no interval";
  if (o.within_noise) return "within noise";
  return o.ratio.low > 1 ? "slower" : "faster";
}

}  // namespace

Table WrapOverheadTable(const std::vector<harness::WrapOverhead>& overheads) {
  Table table;
  table.columns = {{"model", "model"},
                   {"backend", "backend"},
                   {"wrapper", "wrapper"},
                   {"pairs", "pairs", true},
                   {"bare_p50_ms", "bare p50(ms)", true},
                   {"wrapped_p50_ms", "wrapped p50(ms)", true},
                   {"overhead_pct", "overhead % [95% CI]", true},
                   {"verdict", "verdict"}};
  for (const char* phase : harness::kStartupPhases) {
    table.columns.push_back(
        {fmt::format("{}_delta_ms", phase), fmt::format("Δ{}(ms)", phase), true});
  }
  table.columns.push_back({"method", "method", false, kTerminalDetailWidth});
  for (const harness::WrapOverhead& o : overheads) {
    std::vector<Cell> row = {TextCell(harness::ModelLabel(o.bare)),
                             TextCell(harness::BackendLabel(o.bare)), TextCell(o.wrapped.wrapper)};
    if (!o.problem.empty()) {
      row.insert(row.end(), {IntegerCell(0), TextCell("—"), TextCell("—"), TextCell("—"),
                             TextCell("not measured")});
      for (size_t i = 0; i < harness::kStartupPhases.size(); ++i) row.push_back(TextCell("—"));
      row.push_back(TextCell(o.problem));
    } else {
      row.insert(
          row.end(),
          {IntegerCell(o.ratio.pairs), LatencyMsCell(o.bare_p50), LatencyMsCell(o.wrapped_p50),
           IntervalCell(o.ratio.estimate - 1, o.ratio.low - 1, o.ratio.high - 1, 100, 2),
           TextCell(Verdict(o))});
      for (const harness::PairedEstimate& phase : o.phases) {
        row.push_back(IntervalCell(phase.estimate, phase.low, phase.high, 1e3, 2));
      }
      row.push_back(TextCell(o.method));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace edgebench::report
