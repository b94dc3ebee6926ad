#include "report/results_table.h"

#include <fmt/format.h>

#include <cmath>

namespace edgebench::report {
namespace {

constexpr double kMs = 1e3;
constexpr double kMiB = 1024.0 * 1024.0;

Cell MsCell(double seconds) { return NumberCell(seconds * kMs, seconds * kMs < 10 ? 3 : 2); }

Cell ScientificCell(double value) {
  if (!std::isfinite(value)) return {"inf", std::nullopt};
  return {fmt::format("{:.2e}", value), value};
}

std::vector<Cell> ConfigCells(const harness::JobResult& result) {
  return {TextCell(result.config.model), TextCell(result.config.backend),
          IntegerCell(result.config.threads), TextCell(harness::JobStatusName(result.status))};
}

}  // namespace

Table ResultsTable(const std::vector<store::StoredJob>& jobs) {
  Table table;
  table.columns = {{"model", "model"},
                   {"backend", "backend"},
                   {"threads", "thr", true},
                   {"status", "status"},
                   {"p50_ms", "p50(ms)", true},
                   {"p90_ms", "p90(ms)", true},
                   {"p99_ms", "p99(ms)", true},
                   {"ci_pct", "+-CI%", true},
                   {"samples", "n", true},
                   {"verdict", "verdict"},
                   {"first_run_ms", "first(ms)", true},
                   {"prepare_ms", "prepare(ms)", true},
                   {"rel_l2", "relL2", true},
                   {"peak_rss_mb", "RSS(MB)", true},
                   {"detail", "detail"}};
  for (const store::StoredJob& job : jobs) {
    const harness::JobResult& r = job.result;
    std::vector<Cell> row = ConfigCells(r);
    const harness::SampleSummary& s = r.summary;
    if (r.status == harness::JobStatus::kOk && s.count > 0) {
      const double half_width = (s.median_ci_high - s.median_ci_low) / 2 / s.p50 * 100;
      row.insert(row.end(), {MsCell(s.p50), MsCell(s.p90), MsCell(s.p99), NumberCell(half_width, 2),
                             IntegerCell(s.count), TextCell(s.valid ? "VALID" : "INVALID"),
                             MsCell(r.phases.first_run), MsCell(r.phases.prepare)});
    } else {
      for (int i = 0; i < 8; ++i) row.push_back(TextCell("-"));
    }
    row.push_back(r.verification ? ScientificCell(r.verification->rel_l2_error) : TextCell("-"));
    row.push_back(NumberCell(static_cast<double>(r.peak_rss_bytes) / kMiB, 1));
    std::string detail = r.error;
    if (r.status == harness::JobStatus::kOk && !s.valid) detail = s.verdict_reason;
    if (detail.size() > 120) detail = detail.substr(0, 117) + "...";
    for (char& ch : detail) {
      if (ch == '\n') ch = ' ';
    }
    row.push_back(TextCell(detail));
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table VerificationTable(const std::vector<store::StoredJob>& jobs) {
  Table table;
  table.columns = {{"model", "model"},
                   {"backend", "backend"},
                   {"threads", "thr", true},
                   {"status", "status"},
                   {"max_abs_error", "max abs err", true},
                   {"rel_l2_error", "rel L2 err", true},
                   {"top5_agreement", "top-5 agree", true},
                   {"tolerance", "tolerance", true},
                   {"detail", "detail"}};
  for (const store::StoredJob& job : jobs) {
    const harness::JobResult& r = job.result;
    std::vector<Cell> row = ConfigCells(r);
    if (r.verification) {
      row.insert(row.end(), {ScientificCell(r.verification->max_abs_error),
                             ScientificCell(r.verification->rel_l2_error),
                             NumberCell(r.verification->top5_agreement, 2),
                             ScientificCell(r.verification->tolerance)});
    } else {
      for (int i = 0; i < 4; ++i) row.push_back(TextCell("-"));
    }
    row.push_back(TextCell(
        r.config.backend == "reference" && r.error.empty() ? "the reference itself" : r.error));
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace edgebench::report
