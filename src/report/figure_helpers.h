#pragma once

// Selections and labels the report's figures share.

#include <string>
#include <vector>

#include "report/report_data.h"
#include "report/report_figures.h"

namespace edgebench::report {

/// Measured: status ok with a finite median.
bool Measured(const ReportJob& j);
/// At the backend's defaults: fp32, no toggle, workers started bare.
bool IsDefaultConfig(const ReportJob& j);
/// The job's optimizations as text: its precision other than fp32, then its toggles, e.g.
/// "int8,no-fusion"; "" at the defaults.
std::string OptimizationText(const ReportJob& j);
/// Your measured jobs (not the study's), at default optimization settings.
std::vector<const ReportJob*> YourDefaultJobs(const ReportData& data);
/// How many of the report's devices are yours (not the study's).
int YourDeviceCount(const ReportData& data);
/// "backend", or "backend @ device" when several of your devices are in the report.
std::string SeriesName(const ReportData& data, const ReportJob& j);
/// The device's name, marked "(paper)" for the study's.
std::string DeviceName(const ReportJob& j);
/// Geometric mean of positive values; NaN for none.
double GeometricMean(const std::vector<double>& values);
/// A figure without data, saying how to get it.
Figure NoData(std::string id, std::string title, std::string caption, std::string how);

}  // namespace edgebench::report
