#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace edgebench {

/// Serializes JSON without ever throwing on text that is not valid UTF-8 (a worker's
/// stderr tail cut mid-character, a file name in another encoding): such bytes become
/// U+FFFD instead of aborting the program after the results are in.
inline std::string JsonText(const nlohmann::json& json, int indent = -1) {
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace edgebench
