#pragma once
// JSON pointers as sweep axes use them: whether a pointer names a field that a
// document has (with a did-you-mean for a misspelled step), and writing a value
// there.
#include <string>

#include <nlohmann/json.hpp>

namespace qtsim::sweep {

struct PathCheck {
  bool exists = false;
  std::string problem;  // why not: "no field \"mac_aray\" in /" ...
  std::string hint;     // "did you mean /mac_array/rows?" or ""
};

// Whether `pointer` (RFC 6901) names a value inside `document`.
PathCheck check_path(const nlohmann::json& document, const std::string& pointer);

// Writes `value` at `pointer`, which check_path found.
void set_path(nlohmann::json& document, const std::string& pointer, const nlohmann::json& value);

}  // namespace qtsim::sweep
