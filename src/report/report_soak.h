#pragma once

// Soak runs (`edgebench soak`) as the report draws them: latency, power, temperature and
// clocks against time, each reduced to a few hundred points so the page stays light.

#include <optional>
#include <string>
#include <vector>

#include "harness/energy_figures.h"

namespace edgebench::store {
class ResultsStore;
}

namespace edgebench::report {

/// One line of a soak chart.
struct ReportSeries {
  std::string quantity;         // the panel: "latency (ms)", "power (W)", ...
  std::string name;             // the line: a sensor source id, or "p50"
  std::vector<double> seconds;  // since the measured window began
  std::vector<double> values;
};

/// One soak job.
struct ReportSoak {
  std::string device;
  std::string model;
  std::string backend;
  double duration_s = 0;
  std::optional<double> time_to_throttle_s;
  std::string throttle_reason;
  std::vector<ReportSeries> series;
};

/// Points per line at most: the buckets a series is averaged into.
inline constexpr int kSoakPoints = 200;

/// The soak's lines from its latencies (back to back from the window's start, in run
/// order: the median of each bucket, in ms) and its sensor traces (power and energy
/// counters as W -- a counter as the rate between bucket means, wrap-arounds left out --,
/// temperatures in C, clocks in MHz; each the mean of its bucket), over
/// [0, window_seconds]. Throttle flags are not drawn (the verdict says what they said).
std::vector<ReportSeries> SoakSeries(const std::vector<double>& latencies,
                                     const std::vector<harness::SensorTrace>& traces,
                                     double window_seconds);

/// Every soak job of the runs of `db` whose schedule says "soak", latest run first.
std::vector<ReportSoak> LoadSoaks(const store::ResultsStore& db);

}  // namespace edgebench::report
