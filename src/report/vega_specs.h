#pragma once

// Vega 5 specifications for the report's chart kinds. The specs carry their data
// inline; Vega (Debian's libjs-vega in the page, node-vega for the SVG files) draws them.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace edgebench::report {

/// One bar: `value` for `series` within `group` (e.g. a backend within a model), with an
/// optional whisker from `low` to `high` (NaN: none).
struct Bar {
  std::string group;
  std::string series;
  double value = 0;
  double low = 0;
  double high = 0;
  std::string note;  // shown in the tooltip
};

/// Grouped bars, one color per series, whiskers where given.
nlohmann::json GroupedBarSpec(const std::vector<Bar>& bars, const std::string& value_title,
                              const std::string& series_title, bool log_scale);

/// One slice of a stacked bar: `value` of `part` in bar `group`.
struct Slice {
  std::string group;
  std::string part;
  double value = 0;
};

/// Stacked bars (parts stacked in the order first seen), one color per part.
nlohmann::json StackedBarSpec(const std::vector<Slice>& slices, const std::string& value_title,
                              const std::string& part_title);

/// One point of a scatter chart.
struct Point {
  double x = 0;
  double y = 0;
  std::string series;
  std::string label;
};

/// A horizontal line across a scatter chart (e.g. a measured peak).
struct Level {
  double y = 0;
  std::string label;
};

/// Points colored by series on log-log axes, with labelled horizontal levels.
nlohmann::json ScatterSpec(const std::vector<Point>& points, const std::vector<Level>& levels,
                           const std::string& x_title, const std::string& y_title,
                           const std::string& series_title);

/// One distribution: min, p50, p90, max of `row` (a box from p50 to p90, a line from min
/// to max, a tick at p50).
struct Spread {
  std::string row;
  std::string series;
  double min = 0, p50 = 0, p90 = 0, max = 0;
};

/// Horizontal distribution summaries on a log axis, one row each.
nlohmann::json SpreadSpec(const std::vector<Spread>& spreads, const std::string& value_title,
                          const std::string& series_title);

/// One point of a line in a panel of PanelLinesSpec.
struct TimedPoint {
  std::string panel;   // the quantity, with its unit: one panel (own y axis) each
  std::string series;  // the line
  double seconds = 0;
  double value = 0;
};

/// Lines over a shared time axis, one panel per quantity stacked vertically, each with
/// its own y scale; a dashed rule at `marker_seconds` (e.g. the time to throttle).
nlohmann::json PanelLinesSpec(const std::vector<TimedPoint>& points,
                              std::optional<double> marker_seconds, const std::string& x_title);

}  // namespace edgebench::report
