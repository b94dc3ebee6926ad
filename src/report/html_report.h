#pragma once

// Writes `edgebench report`'s directory: index.html (self-contained: Vega from Debian's
// libjs-vega and every spec inline, no network at view time), figures/<id>.vg.json and
// figures/<id>.svg (rendered by node with the same Vega), tables/<id>.md and .csv.

#include <filesystem>
#include <string>
#include <vector>

#include "report/report_data.h"
#include "report/report_figures.h"

namespace edgebench::report {

struct HtmlReportOptions {
  /// Where Debian's libjs-vega puts its per-package builds (vega-*.min.js).
  std::filesystem::path vega_dir = "/usr/share/javascript/vega";
  /// Write figures/*.svg with node (skipped, with the reason, when node is absent).
  bool svg = true;
};

struct HtmlReportResult {
  std::filesystem::path index;
  int figures_drawn = 0;  // figures with a chart
  int svg_written = 0;
  std::string svg_note;  // why SVGs were not written, when they were not
};

/// A Vega package as Debian ships it: its name (what other modules require) and its file.
struct VegaModule {
  std::string name;  // e.g. "vega-selections"
  std::string file;  // e.g. "vega-selection.min.js" (Debian's name differs for this one)
};

/// The Vega modules found in `vega_dir`, in an order where each comes after the modules
/// it requires; modules needing a library that is not there (d3 geo projections,
/// delaunay) are left out. Throws std::runtime_error naming the package to install when
/// the directory lacks Vega.
std::vector<VegaModule> VegaModuleOrder(const std::filesystem::path& vega_dir);

/// Writes the report into `out_dir` (created; existing files of the same names replaced).
HtmlReportResult WriteHtmlReport(const std::vector<Figure>& figures, const ReportData& data,
                                 const std::filesystem::path& out_dir,
                                 const HtmlReportOptions& options);

}  // namespace edgebench::report
