#include "report/results_table.h"

#include <fmt/format.h>

#include <cmath>

#include "report/result_cells.h"

namespace edgebench::report {
namespace {

std::vector<Cell> ConfigCells(const harness::JobResult& result) {
  return {TextCell(harness::ModelLabel(result.config)),
          TextCell(harness::BackendLabel(result.config)), IntegerCell(result.config.threads),
          TextCell(harness::JobStatusName(result.status))};
}

}  // namespace

Table ResultsTable(const std::vector<store::StoredJob>& jobs) {
  Table table;
  table.columns = {{"model", "model"},
                   {"backend", "backend"},
                   {"threads", "thr", true},
                   {"status", "status"},
                   {"repetition", "rep", true}};
  for (Column& column : LatencyColumns()) table.columns.push_back(std::move(column));
  table.columns.insert(table.columns.end(), {{"samples", "n", true},
                                             {"verdict", "verdict"},
                                             {"first_run_ms", "first(ms)", true},
                                             {"prepare_ms", "prepare(ms)", true},
                                             {"rel_l2", "relL2", true},
                                             DeviationColumn(),
                                             {"peak_rss_mb", "RSS(MB)", true},
                                             {"footprint_mb", "foot(MB)", true},
                                             {"detail", "detail", false, kTerminalDetailWidth}});
  for (const store::StoredJob& job : jobs) {
    const harness::JobResult& r = job.result;
    std::vector<Cell> row = ConfigCells(r);
    row.push_back(IntegerCell(r.repetition));
    const harness::SampleSummary& s = r.summary;
    if (r.status == harness::JobStatus::kOk && s.count > 0) {
      for (Cell& cell : LatencyCells(s)) row.push_back(std::move(cell));
      row.insert(row.end(), {IntegerCell(s.count), TextCell(s.valid ? "VALID" : "INVALID"),
                             LatencyMsCell(r.phases.first_run), LatencyMsCell(r.phases.prepare)});
    } else {
      for (int i = 0; i < 8; ++i) row.push_back(TextCell("-"));
    }
    row.push_back(r.verification ? ScientificCell(r.verification->rel_l2_error) : TextCell("-"));
    row.push_back(DeviationCell(r.graph_passes));
    row.push_back(MebibyteCell(r.peak_rss_bytes));
    row.push_back(MebibyteCell(r.footprint_bytes));
    std::string detail = r.error;
    if (r.status == harness::JobStatus::kOk && !s.valid) detail = s.verdict_reason;
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
                   {"detail", "detail", false, kTerminalDetailWidth}};
  for (const store::StoredJob& job : jobs) {
    const harness::JobResult& r = job.result;
    std::vector<Cell> row = ConfigCells(r);
    if (r.verification) {
      row.insert(row.end(), {ScientificCell(r.verification->max_abs_error),
                             ScientificCell(r.verification->rel_l2_error),
                             std::isfinite(r.verification->top5_agreement)
                                 ? NumberCell(r.verification->top5_agreement, 2)
                                 : TextCell("—"),
                             ScientificCell(r.verification->tolerance)});
    } else {
      for (int i = 0; i < 4; ++i) row.push_back(TextCell("-"));
    }
    std::string detail = r.error;
    if (r.config.backend == "reference" && detail.empty()) detail = "the reference itself";
    // An uninformative check is no pass: say so where a pass would be silent.
    if (detail.empty() && r.verification && !r.verification->note.empty()) {
      detail = "verification " + r.verification->note;
    }
    row.push_back(TextCell(detail));
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace edgebench::report
