#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "harness/job_result.h"
#include "report/table.h"

namespace edgebench::report {

/// Keeps a result row on one terminal line; exports (CSV, JSON, md) carry the whole text.
inline constexpr size_t kTerminalDetailWidth = 120;

/// A latency in seconds shown in milliseconds (3 decimals below 10 ms). A withheld
/// percentile (too few samples to support it) is NaN and shows as "—".
inline Cell LatencyMsCell(double seconds) {
  if (!std::isfinite(seconds)) return TextCell("—");
  const double ms = seconds * 1e3;
  return NumberCell(ms, ms < 10 ? 3 : 2);
}

/// Bytes shown in MiB with one decimal.
inline Cell MebibyteCell(int64_t bytes) {
  return NumberCell(static_cast<double>(bytes) / (1024.0 * 1024.0), 1);
}

/// An error figure in scientific notation; infinite (a NaN output) shows as "inf".
inline Cell ScientificCell(double value) {
  if (!std::isfinite(value)) return {"inf", std::nullopt};
  return {fmt::format("{:.2e}", value), value};
}

/// The latency columns both result tables share, in order: p50, p90, p99, CI half-width.
inline std::vector<Column> LatencyColumns() {
  return {{"p50_ms", "p50(ms)", true},
          {"p90_ms", "p90(ms)", true},
          {"p99_ms", "p99(ms)", true},
          {"ci_pct", "+-CI%", true}};
}

/// Cells for LatencyColumns() from a summary with samples.
inline std::vector<Cell> LatencyCells(const harness::SampleSummary& s) {
  const double half_width = (s.median_ci_high - s.median_ci_low) / 2 / s.p50 * 100;
  return {LatencyMsCell(s.p50), LatencyMsCell(s.p90), LatencyMsCell(s.p99),
          NumberCell(half_width, 2)};
}

}  // namespace edgebench::report
