#pragma once

// Pieces every Vega spec of the report starts from.

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

namespace edgebench::report {

/// Vega has no NaN in JSON: absent numbers become null, which its marks skip.
inline nlohmann::json Number(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

/// A spec's frame: schema, size, padding and fonts.
inline nlohmann::json Base(int width, int height) {
  return {{"$schema", "https://vega.github.io/schema/vega/v5.json"},
          {"width", width},
          {"height", height},
          {"padding", 5},
          {"autosize", {{"type", "pad"}, {"resize", true}}},
          {"config", {{"axis", {{"labelFontSize", 11}, {"titleFontSize", 12}}}}}};
}

/// An ordinal "color" scale over `field` of data set `data`.
inline nlohmann::json ColorScale(const std::string& data, const std::string& field) {
  return {{"name", "color"},
          {"type", "ordinal"},
          {"domain", {{"data", data}, {"field", field}}},
          {"range", "category"}};
}

}  // namespace edgebench::report
