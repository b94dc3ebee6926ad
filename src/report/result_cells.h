#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

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

/// The output deviation a job's lossy graph passes measured against the unoptimized fp32
/// model: "relL2 mean/max" over the seeded inputs, with the top-1 agreement for
/// classifiers; "-" for jobs without one (no lossy optimization, or not measured).
inline Column DeviationColumn() { return {"deviation", "dev(L2 mean/max)", true}; }

inline Cell DeviationCell(const std::optional<harness::GraphPassResult>& passes) {
  if (!passes || passes->quality_inputs == 0) return TextCell("-");
  std::string text = fmt::format("{:.1e}/{:.1e}", passes->rel_l2_mean, passes->rel_l2_max);
  if (std::isfinite(passes->top1_agreement)) {
    text += fmt::format(" top1 {:.0f}%", passes->top1_agreement * 100);
  }
  return {text, passes->rel_l2_mean};
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
