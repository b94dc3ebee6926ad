#include "report/pooled_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "harness/job_fields.h"
#include "report/result_cells.h"
#include "report/roofline.h"

namespace edgebench::report {
namespace {

double MedianOf(std::vector<double> values) {
  if (values.empty()) return NAN;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

JobCost CostOf(const harness::PooledJob& job) {
  for (const harness::JobResult& r : job.repetitions) {
    if (r.model_macs > 0) return {r.model_macs, r.model_bytes};
  }
  return {};
}

Table PooledResultsTable(const std::vector<harness::PooledJob>& jobs,
                         const std::optional<harness::peak::MachinePeak>& peak) {
  Table table;
  table.columns = {
      {"model", "model"}, {"backend", "backend"}, {"threads", "thr", true}, {"status", "status"}};
  for (Column& column : LatencyColumns()) table.columns.push_back(std::move(column));
  table.columns.insert(table.columns.end(), {{"process_spread_pct", "procs%", true},
                                             {"processes", "procs", true},
                                             {"samples", "n", true},
                                             {"verdict", "verdict"}});
  for (Column& column : RooflineColumns()) table.columns.push_back(std::move(column));
  table.columns.insert(table.columns.end(), {{"first_run_ms", "first(ms)", true},
                                             {"prepare_ms", "prepare(ms)", true},
                                             {"rel_l2", "relL2", true},
                                             DeviationColumn(),
                                             {"peak_rss_mb", "RSS(MB)", true},
                                             {"footprint_mb", "foot(MB)", true},
                                             {"detail", "detail", false, kTerminalDetailWidth}});
  for (const harness::PooledJob& job : jobs) {
    std::vector<Cell> row = {
        TextCell(harness::ModelLabel(job.config)), TextCell(harness::BackendLabel(job.config)),
        IntegerCell(job.config.threads), TextCell(harness::JobStatusName(job.status))};
    const harness::SampleSummary& s = job.pooled.summary;
    std::vector<double> first_runs, prepares;
    int64_t peak_rss = 0, footprint = 0;
    const harness::JobResult* failed = nullptr;
    const harness::JobResult* verified = nullptr;
    for (const harness::JobResult& r : job.repetitions) {
      first_runs.push_back(r.phases.first_run);
      prepares.push_back(r.phases.prepare);
      peak_rss = std::max(peak_rss, r.peak_rss_bytes);
      footprint = std::max(footprint, r.footprint_bytes);
      if (!failed && r.status != harness::JobStatus::kOk) failed = &r;
      if (!verified && r.verification) verified = &r;
    }
    if (job.status == harness::JobStatus::kOk && s.count > 0) {
      const size_t processes = job.pooled.process_medians.size();
      for (Cell& cell : LatencyCells(s)) row.push_back(std::move(cell));
      row.insert(row.end(),
                 {processes > 1 ? NumberCell(job.pooled.process_spread * 100, 2) : TextCell("—"),
                  IntegerCell(static_cast<long long>(processes)), IntegerCell(s.count),
                  TextCell(s.valid ? "VALID" : "INVALID")});
      const JobCost cost = CostOf(job);
      for (Cell& cell :
           RooflineCells(RooflineOf(cost.macs, cost.bytes, s.p50, job.config.threads, peak))) {
        row.push_back(std::move(cell));
      }
      row.insert(row.end(),
                 {LatencyMsCell(MedianOf(first_runs)), LatencyMsCell(MedianOf(prepares))});
    } else {
      for (int i = 0; i < 13; ++i) row.push_back(TextCell("-"));
    }
    row.push_back(verified ? ScientificCell(verified->verification->rel_l2_error) : TextCell("-"));
    const harness::JobResult* with_passes = nullptr;
    for (const harness::JobResult& r : job.repetitions) {
      if (!with_passes && r.graph_passes && r.graph_passes->quality_inputs > 0) with_passes = &r;
    }
    row.push_back(DeviationCell(with_passes ? with_passes->graph_passes : std::nullopt));
    row.push_back(MebibyteCell(peak_rss));
    row.push_back(MebibyteCell(footprint));
    std::string detail = failed ? failed->error : "";
    if (job.status == harness::JobStatus::kOk && s.count > 0 && !s.valid) detail = s.verdict_reason;
    if (detail.empty() && verified && !verified->verification->informative) {
      detail = "verification " + verified->verification->note;
    }
    row.push_back(TextCell(detail));
    table.rows.push_back(std::move(row));
  }
  return table;
}

nlohmann::json PooledJobsJson(const std::vector<harness::PooledJob>& jobs,
                              const std::optional<harness::peak::MachinePeak>& peak) {
  nlohmann::json out = nlohmann::json::array();
  for (const harness::PooledJob& job : jobs) {
    // The pooled summary in the field list's names: one vocabulary for every export.
    harness::JobResult pooled;
    pooled.config = job.config;
    pooled.status = job.status;
    pooled.summary = job.pooled.summary;
    const nlohmann::json fields = harness::JobFieldsToJson(pooled);
    nlohmann::json entry = {{"processes", job.pooled.process_medians.size()},
                            {"process_medians_s", job.pooled.process_medians},
                            {"process_spread", job.pooled.process_spread}};
    for (const char* key : {"model",           "backend",
                            "threads",         "cpu_affinity",
                            "precision",       "weight_seed",
                            "input_shape",     "toggles",
                            "wrapper",         "status",
                            "sample_count",    "min_s",
                            "p50_s",           "p90_s",
                            "p95_s",           "p99_s",
                            "max_s",           "mean_s",
                            "stddev_s",        "cov",
                            "median_ci_low_s", "median_ci_high_s",
                            "valid",           "verdict_reason",
                            "recommendation"}) {
      entry[key] = fields.at(key);
    }
    nlohmann::json withheld = nlohmann::json::object();
    for (const auto& [name, q] : {std::pair{"p90", 0.90}, {"p95", 0.95}, {"p99", 0.99}}) {
      if (!harness::PercentileSupported(job.pooled.summary.count, q)) {
        withheld[name] = fmt::format("needs at least {} samples, has {}",
                                     harness::MinimumSamplesFor(q), job.pooled.summary.count);
      }
    }
    entry["percentiles_withheld"] = std::move(withheld);
    // The roofline figures; null where they cannot be computed (NaN is not JSON).
    const JobCost cost = CostOf(job);
    const RooflinePoint point =
        RooflineOf(cost.macs, cost.bytes, job.pooled.summary.p50, job.config.threads, peak);
    entry["model_macs"] = cost.macs;
    entry["model_bytes"] = cost.bytes;
    for (const auto& [name, value] : {std::pair{"gflops", point.gflops},
                                      {"flop_per_byte", point.intensity},
                                      {"peak_gflops", point.peak_gflops},
                                      {"peak_fraction", point.fraction}}) {
      entry[name] = std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace edgebench::report
