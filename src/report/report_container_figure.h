#pragma once

// The study's virtualization experiment from stored runs: each wrapped job (`run --wrap`,
// `--container bwrap`, `--compare-wrap`) against the same configuration run bare on the
// same device.

#include "report/report_data.h"
#include "report/report_figures.h"

namespace edgebench::report {

/// Overhead (%) of each launcher over bare metal per model, from the two pooled medians,
/// with an interval from their 95 % CIs (wrapped low / bare high - 1 to wrapped high / bare
/// low - 1: conservative, as the pairs are not matched here; `results --overhead` gives the
/// paired interval of a --compare-wrap run).
Figure ContainerFigure(const ReportData& data);

}  // namespace edgebench::report
