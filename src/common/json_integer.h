#pragma once

#include <concepts>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <utility>

namespace edgebench {

/// Reads an integer of type T from JSON, refusing what `json.get<T>()` would silently
/// change: a fraction (2.5 -> 2), a boolean (true -> 1), a value T cannot hold (wrapped),
/// and a number outside every integer type, which nlohmann stores as a double and
/// converts with undefined behaviour. Throws nlohmann::json::type_error (302) for a
/// non-integer and nlohmann::json::out_of_range (406) for a value T cannot hold.
template <std::integral T>
requires(!std::same_as<T, bool>) T JsonInteger(const nlohmann::json& json) {
  if (!json.is_number_integer()) {
    throw nlohmann::json::type_error::create(
        302, std::string("type must be an integer, but is ") + json.type_name(), &json);
  }
  const bool fits = json.is_number_unsigned()
                        ? std::cmp_less_equal(json.get<uint64_t>(), std::numeric_limits<T>::max())
                        : std::in_range<T>(json.get<int64_t>());
  if (!fits) {
    throw nlohmann::json::out_of_range::create(406, "integer " + json.dump() + " is out of range",
                                               &json);
  }
  return json.is_number_unsigned() ? static_cast<T>(json.get<uint64_t>())
                                   : static_cast<T>(json.get<int64_t>());
}

}  // namespace edgebench
