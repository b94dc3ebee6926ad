#include "report/vega_specs.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "report/vega_common.h"

namespace edgebench::report {
namespace {

using nlohmann::json;

// The smallest positive value, halved: a log axis's floor under every bar.
double LogFloor(const std::vector<double>& values) {
  double least = std::numeric_limits<double>::infinity();
  for (double v : values) {
    if (std::isfinite(v) && v > 0) least = std::min(least, v);
  }
  return std::isfinite(least) ? least / 2 : 1e-3;
}

}  // namespace

json GroupedBarSpec(const std::vector<Bar>& bars, const std::string& value_title,
                    const std::string& series_title, bool log_scale) {
  json values = json::array();
  std::vector<double> all;
  std::vector<std::string> groups;
  for (const Bar& b : bars) {
    const double low = std::isfinite(b.low) ? b.low : b.value;
    const double high = std::isfinite(b.high) ? b.high : b.value;
    values.push_back({{"group", b.group},
                      {"series", b.series},
                      {"value", Number(b.value)},
                      {"low", Number(low)},
                      {"high", Number(high)},
                      {"note", b.note}});
    all.insert(all.end(), {b.value, low, high});
    if (std::find(groups.begin(), groups.end(), b.group) == groups.end()) groups.push_back(b.group);
  }
  const double floor = log_scale ? LogFloor(all) : 0.0;
  json spec = Base(std::max<int>(360, static_cast<int>(groups.size()) * 70), 300);
  spec["data"] = {{{"name", "bars"}, {"values", values}}};
  json y = {{"name", "y"},
            {"type", log_scale ? "log" : "linear"},
            {"domain", {{"data", "bars"}, {"fields", {"value", "low", "high"}}}},
            {"range", "height"},
            {"nice", true}};
  if (log_scale) {
    y["domainMin"] = floor;
  } else {
    y["zero"] = true;
  }
  spec["scales"] = {{{"name", "x"},
                     {"type", "band"},
                     {"domain", {{"data", "bars"}, {"field", "group"}}},
                     {"range", "width"},
                     {"padding", 0.2}},
                    y,
                    ColorScale("bars", "series")};
  spec["axes"] = {{{"orient", "bottom"},
                   {"scale", "x"},
                   {"labelAngle", -35},
                   {"labelAlign", "right"},
                   {"labelLimit", 160}},
                  {{"orient", "left"}, {"scale", "y"}, {"title", value_title}, {"grid", true}}};
  spec["legends"] = {{{"fill", "color"}, {"title", series_title}}};
  const json tooltip = {{"signal",
                         "{'group': datum.group, 'series': datum.series, 'value': datum.value, "
                         "'low': datum.low, 'high': datum.high, 'note': datum.note}"}};
  json bar = {{"type", "rect"}, {"name", "bar"}, {"from", {{"data", "facet"}}}};
  bar["encode"]["enter"] = {{"x", {{"scale", "pos"}, {"field", "series"}}},
                            {"width", {{"scale", "pos"}, {"band", 1}}},
                            {"y", {{"scale", "y"}, {"field", "value"}}},
                            {"y2", {{"scale", "y"}, {"value", floor}}},
                            {"fill", {{"scale", "color"}, {"field", "series"}}},
                            {"tooltip", tooltip}};
  json whisker = {{"type", "rule"}, {"name", "whisker"}, {"from", {{"data", "facet"}}}};
  whisker["encode"]["enter"] = {{"x", {{"scale", "pos"}, {"field", "series"}, {"band", 0.5}}},
                                {"y", {{"scale", "y"}, {"field", "low"}}},
                                {"y2", {{"scale", "y"}, {"field", "high"}}},
                                {"stroke", {{"value", "#222"}}},
                                {"strokeWidth", {{"value", 1.5}}}};
  json group = {{"type", "group"}};
  group["from"]["facet"] = {{"data", "bars"}, {"name", "facet"}, {"groupby", "group"}};
  group["encode"]["enter"]["x"] = {{"scale", "x"}, {"field", "group"}};
  group["signals"] = json::array({{{"name", "width"}, {"update", "bandwidth('x')"}}});
  group["scales"] = json::array({{{"name", "pos"},
                                  {"type", "band"},
                                  {"range", "width"},
                                  {"domain", {{"data", "facet"}, {"field", "series"}}}}});
  group["marks"] = json::array({bar, whisker});
  spec["marks"] = json::array({group});
  return spec;
}

json StackedBarSpec(const std::vector<Slice>& slices, const std::string& value_title,
                    const std::string& part_title) {
  json values = json::array();
  std::vector<std::string> parts;
  std::vector<std::string> groups;
  for (const Slice& s : slices) {
    if (std::find(parts.begin(), parts.end(), s.part) == parts.end()) parts.push_back(s.part);
    if (std::find(groups.begin(), groups.end(), s.group) == groups.end()) groups.push_back(s.group);
  }
  for (const Slice& s : slices) {
    const auto order = std::find(parts.begin(), parts.end(), s.part) - parts.begin();
    values.push_back({{"group", s.group},
                      {"part", s.part},
                      {"order", order},
                      {"value", std::isfinite(s.value) ? s.value : 0.0}});
  }
  json spec = Base(std::max<int>(360, static_cast<int>(groups.size()) * 40), 300);
  spec["data"] = {{{"name", "slices"},
                   {"values", values},
                   {"transform",
                    {{{"type", "stack"},
                      {"groupby", {"group"}},
                      {"sort", {{"field", "order"}}},
                      {"field", "value"}}}}}};
  spec["scales"] = {
      {{"name", "x"},
       {"type", "band"},
       {"domain", {{"data", "slices"}, {"field", "group"}}},
       {"range", "width"},
       {"padding", 0.2}},
      {{"name", "y"},
       {"type", "linear"},
       {"domain", {{"data", "slices"}, {"field", "y1"}}},
       {"range", "height"},
       {"nice", true},
       {"zero", true}},
      {{"name", "color"}, {"type", "ordinal"}, {"domain", parts}, {"range", "category"}}};
  spec["axes"] = {{{"orient", "bottom"},
                   {"scale", "x"},
                   {"labelAngle", -35},
                   {"labelAlign", "right"},
                   {"labelLimit", 200}},
                  {{"orient", "left"}, {"scale", "y"}, {"title", value_title}, {"grid", true}}};
  spec["legends"] = {{{"fill", "color"}, {"title", part_title}}};
  spec["marks"] = {
      {{"type", "rect"},
       {"name", "slice"},
       {"from", {{"data", "slices"}}},
       {"encode",
        {{"enter",
          {{"x", {{"scale", "x"}, {"field", "group"}}},
           {"width", {{"scale", "x"}, {"band", 1}}},
           {"y", {{"scale", "y"}, {"field", "y0"}}},
           {"y2", {{"scale", "y"}, {"field", "y1"}}},
           {"fill", {{"scale", "color"}, {"field", "part"}}},
           {"tooltip",
            {{"signal", "{'bar': datum.group, 'part': datum.part, 'value': datum.value}"}}}}}}}}};
  return spec;
}

json ScatterSpec(const std::vector<Point>& points, const std::vector<Level>& levels,
                 const std::string& x_title, const std::string& y_title,
                 const std::string& series_title) {
  json values = json::array();
  for (const Point& p : points) {
    if (!(p.x > 0) || !(p.y > 0)) continue;  // log axes
    values.push_back({{"x", p.x}, {"y", p.y}, {"series", p.series}, {"label", p.label}});
  }
  json lines = json::array();
  for (const Level& l : levels) {
    if (l.y > 0) lines.push_back({{"y", l.y}, {"label", l.label}});
  }
  json spec = Base(520, 340);
  spec["data"] = {{{"name", "points"}, {"values", values}},
                  {{"name", "levels"}, {"values", lines}}};
  spec["scales"] = {
      {{"name", "x"},
       {"type", "log"},
       {"domain", {{"data", "points"}, {"field", "x"}}},
       {"range", "width"},
       {"nice", true}},
      {{"name", "y"},
       {"type", "log"},
       {"domain",
        {{"fields", {{{"data", "points"}, {"field", "y"}}, {{"data", "levels"}, {"field", "y"}}}}}},
       {"range", "height"},
       {"nice", true}},
      ColorScale("points", "series")};
  spec["axes"] = {{{"orient", "bottom"}, {"scale", "x"}, {"title", x_title}, {"grid", true}},
                  {{"orient", "left"}, {"scale", "y"}, {"title", y_title}, {"grid", true}}};
  spec["legends"] = {{{"fill", "color"}, {"title", series_title}}};
  spec["marks"] = {
      {{"type", "rule"},
       {"name", "level"},
       {"from", {{"data", "levels"}}},
       {"encode",
        {{"enter",
          {{"x", {{"value", 0}}},
           {"x2", {{"signal", "width"}}},
           {"y", {{"scale", "y"}, {"field", "y"}}},
           {"stroke", {{"value", "#b00"}}},
           {"strokeDash", {{"value", {6, 3}}}}}}}}},
      {{"type", "text"},
       {"from", {{"data", "levels"}}},
       {"encode",
        {{"enter",
          {{"x", {{"value", 4}}},
           {"y", {{"scale", "y"}, {"field", "y"}, {"offset", -4}}},
           {"text", {{"field", "label"}}},
           {"fill", {{"value", "#b00"}}},
           {"fontSize", {{"value", 10}}}}}}}},
      {{"type", "symbol"},
       {"name", "point"},
       {"from", {{"data", "points"}}},
       {"encode",
        {{"enter",
          {{"x", {{"scale", "x"}, {"field", "x"}}},
           {"y", {{"scale", "y"}, {"field", "y"}}},
           {"fill", {{"scale", "color"}, {"field", "series"}}},
           {"size", {{"value", 60}}},
           {"tooltip", {{"signal", "{'job': datum.label, 'x': datum.x, 'y': datum.y}"}}}}}}}}};
  return spec;
}

json SpreadSpec(const std::vector<Spread>& spreads, const std::string& value_title,
                const std::string& series_title) {
  json values = json::array();
  for (const Spread& s : spreads) {
    if (!(s.min > 0) || !(s.max > 0)) continue;
    values.push_back({{"row", s.row},
                      {"series", series_title.empty() ? "" : s.series},
                      {"min", s.min},
                      {"p50", s.p50},
                      {"p90", std::isfinite(s.p90) ? s.p90 : s.p50},
                      {"max", s.max}});
  }
  json spec = Base(520, std::max<int>(120, static_cast<int>(values.size()) * 22));
  spec["data"] = {{{"name", "spreads"}, {"values", values}}};
  spec["scales"] = {{{"name", "y"},
                     {"type", "band"},
                     {"domain", {{"data", "spreads"}, {"field", "row"}}},
                     {"range", "height"},
                     {"padding", 0.3}},
                    {{"name", "x"},
                     {"type", "log"},
                     {"domain", {{"data", "spreads"}, {"fields", {"min", "max"}}}},
                     {"range", "width"},
                     {"nice", true}},
                    ColorScale("spreads", "series")};
  spec["axes"] = {{{"orient", "bottom"}, {"scale", "x"}, {"title", value_title}, {"grid", true}},
                  {{"orient", "left"}, {"scale", "y"}, {"labelLimit", 260}}};
  spec["legends"] = {{{"fill", "color"}, {"title", series_title}}};
  spec["marks"] = {
      {{"type", "rule"},
       {"name", "range"},
       {"from", {{"data", "spreads"}}},
       {"encode",
        {{"enter",
          {{"y", {{"scale", "y"}, {"field", "row"}, {"band", 0.5}}},
           {"x", {{"scale", "x"}, {"field", "min"}}},
           {"x2", {{"scale", "x"}, {"field", "max"}}},
           {"stroke", {{"value", "#555"}}}}}}}},
      {{"type", "rect"},
       {"name", "box"},
       {"from", {{"data", "spreads"}}},
       {"encode",
        {{"enter",
          {{"y", {{"scale", "y"}, {"field", "row"}}},
           {"height", {{"scale", "y"}, {"band", 1}}},
           {"x", {{"scale", "x"}, {"field", "p50"}}},
           {"x2", {{"scale", "x"}, {"field", "p90"}}},
           {"fill", {{"scale", "color"}, {"field", "series"}}},
           {"tooltip",
            {{"signal",
              "{'job': datum.row, 'min': datum.min, 'p50': datum.p50, 'p90': datum.p90, "
              "'max': datum.max}"}}}}}}}},
      {{"type", "rect"},
       {"name", "median"},
       {"from", {{"data", "spreads"}}},
       {"encode",
        {{"enter",
          {{"y", {{"scale", "y"}, {"field", "row"}}},
           {"height", {{"scale", "y"}, {"band", 1}}},
           {"x", {{"scale", "x"}, {"field", "p50"}}},
           {"width", {{"value", 2}}},
           {"fill", {{"value", "#000"}}}}}}}}};
  return spec;
}

}  // namespace edgebench::report
