#pragma once

// The report's figures, each computed from stored data only: what it shows, its unit and
// statistic, a Vega spec to draw it, and the table of numbers behind it. A figure whose
// data is absent says which command would produce it.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "report/report_data.h"
#include "report/table.h"

namespace edgebench::report {

struct Figure {
  std::string id;  // file stem: figures/<id>.svg, tables/<id>.csv
  std::string title;
  std::string caption;                 // what it shows, its unit and its statistic
  std::optional<nlohmann::json> spec;  // absent: no chart (no data, or a table-only view)
  std::string no_data;                 // set when the data is absent: how to get it
  Table table;                         // the numbers behind the chart
};

struct FigureOptions {
  /// Backend the framework comparison divides by; empty: the one measured on most models.
  std::string baseline_backend;
  /// Device the cross-device comparison divides by; empty: the first of your devices.
  std::string baseline_device;
};

/// Every figure of the report, in reading order.
std::vector<Figure> BuildFigures(const ReportData& data, const FigureOptions& options);

}  // namespace edgebench::report
