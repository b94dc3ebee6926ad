#include "report/figure_helpers.h"

#include <cmath>
#include <limits>

namespace edgebench::report {

bool Measured(const ReportJob& j) { return j.status == "ok" && std::isfinite(j.p50_ms); }

bool IsDefaultConfig(const ReportJob& j) {
  return j.toggles.empty() && j.precision == "fp32" && j.wrapper.empty();
}

std::string OptimizationText(const ReportJob& j) {
  std::string text = j.precision == "fp32" ? "" : j.precision;
  if (!j.toggles.empty()) text += (text.empty() ? "" : ",") + j.toggles;
  return text;
}

std::vector<const ReportJob*> YourDefaultJobs(const ReportData& data) {
  std::vector<const ReportJob*> jobs;
  for (const ReportJob& j : data.jobs) {
    if (!j.paper && IsDefaultConfig(j) && Measured(j)) jobs.push_back(&j);
  }
  return jobs;
}

int YourDeviceCount(const ReportData& data) {
  int n = 0;
  for (const ReportDevice& d : data.devices) n += d.paper ? 0 : 1;
  return n;
}

std::string SeriesName(const ReportData& data, const ReportJob& j) {
  return YourDeviceCount(data) > 1 ? j.backend + " @ " + j.device : j.backend;
}

std::string DeviceName(const ReportJob& j) { return j.paper ? j.device + " (paper)" : j.device; }

double GeometricMean(const std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  double log_sum = 0;
  for (double v : values) log_sum += std::log(v);
  return std::exp(log_sum / static_cast<double>(values.size()));
}

Figure NoData(std::string id, std::string title, std::string caption, std::string how) {
  Figure f{std::move(id), std::move(title), std::move(caption), std::nullopt, std::move(how), {}};
  return f;
}

}  // namespace edgebench::report
