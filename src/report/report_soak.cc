#include "report/report_soak.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "store/results_store.h"

namespace edgebench::report {
namespace {

// The bucket of time t in [0, window]; -1 outside.
int BucketOf(double t, double window) {
  if (!(t >= 0) || !(t <= window) || !(window > 0)) return -1;
  return std::min(kSoakPoints - 1, static_cast<int>(t / window * kSoakPoints));
}

double BucketMiddle(int bucket, double window) { return (bucket + 0.5) * window / kSoakPoints; }

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The mean of each bucket of (seconds, values) that holds any.
ReportSeries Averaged(const harness::SensorTrace& trace, double window) {
  std::vector<double> sum(kSoakPoints, 0);
  std::vector<int> count(kSoakPoints, 0);
  for (size_t i = 0; i < trace.seconds.size() && i < trace.values.size(); ++i) {
    const int b = BucketOf(trace.seconds[i], window);
    if (b < 0 || !std::isfinite(trace.values[i])) continue;
    sum[static_cast<size_t>(b)] += trace.values[i];
    ++count[static_cast<size_t>(b)];
  }
  ReportSeries series{.quantity = "", .name = trace.source_id, .seconds = {}, .values = {}};
  for (int b = 0; b < kSoakPoints; ++b) {
    if (count[static_cast<size_t>(b)] == 0) continue;
    series.seconds.push_back(BucketMiddle(b, window));
    series.values.push_back(sum[static_cast<size_t>(b)] / count[static_cast<size_t>(b)]);
  }
  return series;
}

// A cumulative energy counter (J) as power: the rate between consecutive readings,
// averaged per bucket; a negative step (the counter wrapped) is left out.
ReportSeries CounterAsPower(const harness::SensorTrace& trace, double window) {
  harness::SensorTrace rates{trace.source_id, trace.boundary, "power", "W", {}, {}};
  for (size_t i = 1; i < trace.seconds.size() && i < trace.values.size(); ++i) {
    const double dt = trace.seconds[i] - trace.seconds[i - 1];
    const double dj = trace.values[i] - trace.values[i - 1];
    if (!(dt > 0) || dj < 0) continue;
    rates.seconds.push_back((trace.seconds[i] + trace.seconds[i - 1]) / 2);
    rates.values.push_back(dj / dt);
  }
  return Averaged(rates, window);
}

}  // namespace

std::vector<ReportSeries> SoakSeries(const std::vector<double>& latencies,
                                     const std::vector<harness::SensorTrace>& traces,
                                     double window_seconds) {
  std::vector<ReportSeries> lines;
  std::vector<std::vector<double>> buckets(kSoakPoints);
  double t = 0;
  for (double latency : latencies) {
    t += latency;
    const int b = BucketOf(t, window_seconds);
    if (b >= 0 && std::isfinite(latency)) buckets[static_cast<size_t>(b)].push_back(latency * 1e3);
  }
  ReportSeries latency{.quantity = "latency (ms)", .name = "p50", .seconds = {}, .values = {}};
  for (int b = 0; b < kSoakPoints; ++b) {
    if (buckets[static_cast<size_t>(b)].empty()) continue;
    latency.seconds.push_back(BucketMiddle(b, window_seconds));
    latency.values.push_back(Median(buckets[static_cast<size_t>(b)]));
  }
  if (!latency.values.empty()) lines.push_back(std::move(latency));
  for (const harness::SensorTrace& trace : traces) {
    ReportSeries series;
    if (trace.kind == "power") {
      series = Averaged(trace, window_seconds);
      series.quantity = "power (W)";
    } else if (trace.kind == "energy-counter") {
      series = CounterAsPower(trace, window_seconds);
      series.quantity = "power (W)";
    } else if (trace.kind == "temperature") {
      series = Averaged(trace, window_seconds);
      series.quantity = "temperature (C)";
    } else if (trace.kind == "clock") {
      series = Averaged(trace, window_seconds);
      series.quantity = "clock (MHz)";
    } else {
      continue;
    }
    series.name = trace.source_id + " [" + trace.boundary + "]";
    if (!series.values.empty()) lines.push_back(std::move(series));
  }
  return lines;
}

std::vector<ReportSoak> LoadSoaks(const store::ResultsStore& db) {
  std::vector<ReportSoak> soaks;
  std::vector<store::StoredRun> runs = db.Runs();
  std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
  for (const store::StoredRun& run : runs) {
    const nlohmann::json schedule = nlohmann::json::parse(run.info.schedule_json, nullptr, false);
    if (!schedule.is_object() || !schedule.contains("soak")) continue;
    for (const store::StoredJob& job : db.Jobs(run.id)) {
      if (job.result.status != harness::JobStatus::kOk) continue;
      const std::vector<double> latencies = db.Samples(job.id);
      const std::optional<harness::JobEnergy> energy = db.JobEnergyOf(job.id, true);
      double window = 0;
      for (double latency : latencies) window += latency;
      if (energy && energy->window_seconds > 0) window = energy->window_seconds;
      ReportSoak soak{.device = run.info.device_label,
                      .model = harness::ModelLabel(job.result.config),
                      .backend = harness::BackendLabel(job.result.config),
                      .duration_s = window,
                      .time_to_throttle_s = std::nullopt,
                      .throttle_reason = "",
                      .series = {}};
      if (energy) {
        soak.time_to_throttle_s = energy->thermal.time_to_throttle_seconds;
        soak.throttle_reason = energy->thermal.throttle_reason;
      }
      soak.series = SoakSeries(
          latencies, energy ? energy->traces : std::vector<harness::SensorTrace>{}, window);
      soaks.push_back(std::move(soak));
    }
  }
  return soaks;
}

}  // namespace edgebench::report
