#pragma once

#include <nlohmann/json.hpp>

#include "harness/peak/machine_peak.h"

namespace edgebench::harness::peak {

/// JSON object with one key per field, named as in MachinePeak / PeakFigure (snake_case);
/// "figures" is an array of objects.
nlohmann::json ToJson(const MachinePeak& peak);
nlohmann::json ToJson(const PeakFigure& figure);

/// Inverse of ToJson. Throws nlohmann::json::exception for a missing key or a value of the
/// wrong type (integers through JsonInteger: no fractions or wrapped values).
MachinePeak MachinePeakFromJson(const nlohmann::json& json);
PeakFigure PeakFigureFromJson(const nlohmann::json& json);

}  // namespace edgebench::harness::peak
