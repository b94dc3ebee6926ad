// Panels of lines over a shared time axis, one panel per quantity with its own y scale
// (latency, watts and degrees do not share an axis).
#include "report/vega_common.h"
#include "report/vega_specs.h"

namespace edgebench::report {

using nlohmann::json;

json PanelLinesSpec(const std::vector<TimedPoint>& points, std::optional<double> marker_seconds,
                    const std::string& x_title) {
  constexpr int kPanelHeight = 110;
  json values = json::array();
  for (const TimedPoint& p : points) {
    if (!std::isfinite(p.seconds) || !std::isfinite(p.value)) continue;
    values.push_back(
        {{"panel", p.panel}, {"series", p.series}, {"t", p.seconds}, {"value", p.value}});
  }
  json markers = json::array();
  if (marker_seconds) markers.push_back({{"t", *marker_seconds}, {"label", "throttled"}});
  json spec = Base(560, kPanelHeight);
  spec["layout"] = {{"columns", 1}, {"padding", 28}, {"bounds", "full"}};
  spec["data"] = {{{"name", "points"}, {"values", values}},
                  {{"name", "markers"}, {"values", markers}}};
  spec["scales"] = {{{"name", "x"},
                     {"type", "linear"},
                     {"domain", {{"data", "points"}, {"field", "t"}}},
                     {"range", "width"},
                     {"zero", false},
                     {"nice", true}},
                    ColorScale("points", "series")};
  spec["legends"] = {
      {{"stroke", "color"}, {"title", "line"}, {"orient", "bottom"}, {"labelLimit", 420}}};
  const json line = {
      {"type", "line"},
      {"from", {{"data", "series_points"}}},
      {"encode",
       {{"enter",
         {{"x", {{"scale", "x"}, {"field", "t"}}},
          {"y", {{"scale", "y"}, {"field", "value"}}},
          {"stroke", {{"scale", "color"}, {"field", "series"}}},
          {"strokeWidth", {{"value", 1.5}}},
          {"tooltip",
           {{"signal", "{'line': datum.series, 's': datum.t, 'value': datum.value}"}}}}}}}};
  spec["marks"] = {
      {{"type", "group"},
       {"name", "panel"},
       {"from", {{"facet", {{"name", "panel_points"}, {"data", "points"}, {"groupby", "panel"}}}}},
       {"sort", {{"field", "datum.panel"}}},
       {"encode",
        {{"enter", {{"width", {{"signal", "width"}}}, {"height", {{"value", kPanelHeight}}}}}}},
       {"scales",
        {{{"name", "y"},
          {"type", "linear"},
          {"domain", {{"data", "panel_points"}, {"field", "value"}}},
          {"range", {kPanelHeight, 0}},
          {"zero", false},
          {"nice", true}}}},
       {"axes",
        {{{"orient", "bottom"}, {"scale", "x"}, {"title", x_title}, {"grid", true}},
         {{"orient", "left"}, {"scale", "y"}, {"grid", true}, {"tickCount", 4}}}},
       {"marks",
        {{{"type", "text"},
          {"encode",
           {{"enter",
             {{"x", {{"value", 0}}},
              {"y", {{"value", -8}}},
              {"text", {{"signal", "parent.panel"}}},
              {"fontWeight", {{"value", "bold"}}},
              {"fontSize", {{"value", 11}}}}}}}},
         {{"type", "rule"},
          {"from", {{"data", "markers"}}},
          {"encode",
           {{"enter",
             {{"x", {{"scale", "x"}, {"field", "t"}}},
              {"y", {{"value", 0}}},
              {"y2", {{"value", kPanelHeight}}},
              {"stroke", {{"value", "#b00"}}},
              {"strokeDash", {{"value", {6, 3}}}}}}}}},
         {{"type", "group"},
          {"from",
           {{"facet",
             {{"name", "series_points"}, {"data", "panel_points"}, {"groupby", "series"}}}}},
          {"marks", {line}}}}}}};
  return spec;
}

}  // namespace edgebench::report
