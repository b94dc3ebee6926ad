#pragma once

// The report's figures drawn from sensor data: power against latency per job, and a soak
// run's latency, power, temperature and clocks over time.

#include "report/report_data.h"
#include "report/report_figures.h"

namespace edgebench::report {

/// Average power (W) against the median latency (ms) of every job measured with a power
/// or energy source, one series per boundary: which backend buys speed with watts.
Figure PowerLatencyFigure(const ReportData& data);

/// The latest soak of the report (one panel per quantity over seconds), with the time to
/// throttle when it came; the other soaks are listed in its table.
Figure SoakFigure(const ReportData& data);

}  // namespace edgebench::report
